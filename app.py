"""Web chat entry point (placeholder until the Gradio layer lands): answers from the CLI."""

import sys

from assistant.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["ask", "--help"]))

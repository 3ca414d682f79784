"""Serve the web chat: ``python app.py`` (or ``make run``).

Reads the configuration once from the environment (``assistant.config``), loads the
assistant (rebuilding a stale index), opens the feedback database, and serves the Gradio
page from ``assistant.web`` on ``ASSISTANT_HOST:ASSISTANT_PORT`` (default 127.0.0.1:7860).
Startup problems print one line and exit non-zero, never a traceback.
"""

import logging
import os
import sys


def main() -> int:
    # Several chat users are answered at once, each embedding a query. The embedding engine's
    # OpenMP threads spin while they wait by default, and on two cores concurrent spinning
    # turned 20 ms queries into seconds (bench/run.py, bench/load.py). Passive waiting costs
    # a little idle speed and keeps answers steady under load. It must be set before the
    # engine loads; an operator's own setting wins. The CLI keeps the default.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    # Our own messages at INFO; libraries (faiss, httpx) only when something is wrong.
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    log = logging.getLogger("app")
    for name in ("app", "assistant"):
        logging.getLogger(name).setLevel(logging.INFO)

    from assistant.api import Assistant
    from assistant.config import Config
    from assistant.errors import AssistantError
    from assistant.feedback import FeedbackStore

    try:
        config = Config.from_env()
        assistant = Assistant(config, notify=lambda message: log.info("%s", message))
    except AssistantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except ValueError as exc:  # configuration problems
        print(f"error: {exc}", file=sys.stderr)
        return 2
    store = FeedbackStore(config.db_path)
    if store.problem:
        # Answering still works; the page says so on every feedback click.
        log.warning("feedback database %s unusable, feedback will not be saved: %s", config.db_path, store.problem)

    from assistant.web import build_ui, serve

    serve(build_ui(assistant, store, config), config)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The few exceptions the assistant raises on purpose.

Each carries a message meant for the person at the keyboard; entry points print it and exit
with the code named here instead of a traceback. Exit codes are part of the CLI's contract
(README, "Exit codes").
"""


class AssistantError(Exception):
    """Base class: something the user or operator can fix; ``exit_code`` for the CLI."""

    exit_code = 1


class UsageError(AssistantError):
    """Bad command-line or API input (empty question, malformed date, bad batch file)."""

    exit_code = 2


class CorpusError(AssistantError):
    """The corpus on disk is malformed; the message names file and line."""

    exit_code = 3


class IndexError_(AssistantError):
    """The on-disk index is missing, stale, corrupt or built for another embedder."""

    exit_code = 4

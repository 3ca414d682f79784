"""Serve the web chat: ``python app.py`` (or ``make run``).

Reads the configuration once from the environment (``assistant.config``), loads the
assistant (rebuilding a stale index), opens the database (migrating it), checks that the
other live replicas on the same database serve the same index (``assistant.replica``), and
serves the Gradio page (``assistant.web``), ``/healthz`` and the JSON API (``assistant.webapp``) on
``ASSISTANT_HOST:ASSISTANT_PORT`` (default 127.0.0.1:7860). Startup problems print one line
and exit non-zero, never a traceback.
"""

import importlib.util
import logging
import os
import socket
import sys
import threading


def main() -> int:
    # Several chat users are answered at once, each embedding a query. The embedding engine's
    # OpenMP threads spin while they wait by default, and on two cores concurrent spinning
    # turned 20 ms queries into seconds (bench/run.py, bench/load.py). Passive waiting costs
    # a little idle speed and keeps answers steady under load. It must be set before the
    # engine loads; an operator's own setting wins. The CLI keeps the default.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    # Gradio imports matplotlib around every event to set its backend, and the package is not
    # installed here: each failed import searched every path entry again, about 3% of the CPU
    # under load (bench/load.py, py-spy). Marking it absent makes the import fail at once.
    if importlib.util.find_spec("matplotlib") is None:
        sys.modules["matplotlib"] = None  # type: ignore[assignment]
    # Our own messages at INFO; libraries (faiss, httpx) only when something is wrong.
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    log = logging.getLogger("app")
    for name in ("app", "assistant"):
        logging.getLogger(name).setLevel(logging.INFO)

    from assistant.accounts import Accounts
    from assistant.api import Assistant
    from assistant.config import Config
    from assistant.conversation import Conversations
    from assistant.errors import AssistantError
    from assistant.replica import Monitor, Replica, serving_digest
    from assistant.store import FeedbackNotSaved, is_url, open_store

    try:
        config = Config.from_env()
        accounts = Accounts.load(config.username, config.password, config.users_file)
        assistant = Assistant.from_config(config, notify=lambda message: log.info("%s", message))
        store = open_store(config.db)
        if store.problem:
            # Answering still works; the page says so on every feedback click.
            log.warning("database %s unusable, feedback will not be saved: %s", store.where(), store.problem)
        manifest = assistant.index.manifest
        replica = Replica(config.replica or f"{socket.gethostname()}:{config.port}", serving_digest(manifest), manifest)
        # A shared database means other replicas may be serving: the check must be made.
        replica.join(store, required=is_url(config.db))
        try:
            conversations = Conversations(store.page_key())
        except FeedbackNotSaved as exc:  # only on one machine: a shared database was reached above
            log.warning("no shared page key (%s): conversations continue on this process only", exc)
            conversations = Conversations(os.urandom(32))
    except AssistantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except ValueError as exc:  # configuration problems
        print(f"error: {exc}", file=sys.stderr)
        return 2

    from assistant.web import build_ui
    from assistant.webapp import build_app, serve

    stop = threading.Event()
    monitor = Monitor(replica, store)
    monitor.start(stop)
    try:
        page = build_ui(assistant, store, config, accounts, conversations)
        serve(build_app(page, config, monitor.health, assistant, store, accounts), config)
    finally:
        stop.set()
        replica.leave(store)
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

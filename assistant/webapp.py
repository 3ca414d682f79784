"""The HTTP application around the chat page, and serving it: ``build_app`` and ``serve``.

``build_app`` puts together ``GET /healthz`` (for the balancer), the JSON API (``httpapi``)
and the Gradio page at ``/``, behind the login when one is configured (``login_guard``).
``serve`` runs it with uvicorn.

Not here: the page (``web``), what /healthz reports (``replica.Monitor``), logins
(``accounts``).
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Callable
from typing import Any

import gradio as gr
from fastapi import FastAPI
from fastapi.responses import JSONResponse

from .accounts import Accounts, LoginGuard
from .api import Assistant
from .config import Config
from .httpapi import add_routes
from .store import Store
from .web import ASK_CONCURRENCY, CSS

log = logging.getLogger(__name__)


def _is_loopback(host: str) -> bool:
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name: assume it may be reachable from elsewhere


def login_guard(config: Config, accounts: Accounts | None) -> LoginGuard | None:
    """The throttled login check, or ``None`` (with a warning beyond loopback) when no login
    is configured. (A half-configured login is refused by ``Config``, before anything.)"""
    if accounts is None:
        if config.username or config.users_file:
            # a login configured but not loaded would serve an open page: refuse instead
            raise ValueError("a login is configured but no accounts were loaded (Accounts.load)")
        if not _is_loopback(config.host):
            log.warning("serving on %s without a password: anyone who can reach this address can use it", config.host)
        return None
    return LoginGuard(accounts.check)


def build_app(
    demo: gr.Blocks,
    config: Config,
    health: Callable[[], dict[str, Any]],
    assistant: Assistant,
    store: Store,
    accounts: Accounts | None,
) -> FastAPI:
    """The HTTP application: ``GET /healthz`` (``health()`` as JSON; 200 while this replica
    can answer, whatever the database's state, which the body reports), the JSON API
    (``httpapi``) and the page at ``/``, behind a login when a user and password are set."""
    auth = login_guard(config, accounts)
    app = FastAPI(title="出境合规问答助手", docs_url=None, redoc_url=None, openapi_url=None)

    @app.get("/healthz")
    async def healthz() -> JSONResponse:
        # On the event loop, not in a worker thread: it must answer while every worker is
        # busy with answers, so ``health`` must not block (``replica.Monitor``).
        return JSONResponse(health(), headers={"Cache-Control": "no-store"})

    add_routes(app, assistant, store, auth, ASK_CONCURRENCY)

    demo.queue(default_concurrency_limit=ASK_CONCURRENCY)
    # (typed, but mypy cannot see it: gradio_client's untyped @document decorator hides it)
    mounted: FastAPI = gr.mount_gradio_app(
        app,
        demo,
        path="/",
        auth=auth,
        auth_message=assistant.messages.say("web_login_prompt", False) if auth else None,  # the page is in Chinese
        show_error=False,  # errors are shown as messages by the handlers, never as tracebacks
        ssr_mode=False,
        css=CSS,
        footer_links=["settings"],
    )
    return mounted


def serve(app: FastAPI, config: Config) -> None:
    """Serve ``app`` on ``config.host:config.port`` until interrupted or terminated."""
    import uvicorn

    # Idle connections are kept longer than a balancer keeps its own (nginx: 60 s): when the
    # server closed first, a request the balancer had just sent on one was cut off, and the
    # balancer took the replica out of rotation for it.
    uvicorn.run(app, host=config.host, port=config.port, log_level="warning", timeout_graceful_shutdown=5,
                timeout_keep_alive=75)

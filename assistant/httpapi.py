"""JSON over HTTP for other programs (an intranet portal, a chat bot, a load test):
``POST /api/ask`` and ``POST /api/feedback``, served beside the page by ``web.build_app``.

``/api/ask`` takes ``{"question", "as_of"?}`` and returns the answer contract plus
``record``, the id of the answer as recorded (``null`` when recording failed, with
``record_error`` saying why). ``/api/feedback`` takes ``{"record", "kind",
"citation_key"?, "comment"?, "write_id"?}`` and returns ``{"saved": id}``; a caller that
names its write with ``write_id`` may send it again after a dropped connection without
saving it twice. A request the assistant
cannot take gets ``{"error": message}``: 400 for what was sent, 503 when the database could
not save it (after the store's retries), so a caller always knows whether it landed. With a
login configured both need it as HTTP Basic credentials.

Not here: conversations (each question is asked alone; the page carries follow-ups), the
review queue (reviewers use the page), rendering.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import threading
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from .api import Assistant
from .errors import AssistantError
from .store import FeedbackNotSaved, FeedbackRefused, Store
from .types import Answer

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 64 * 1024


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def _credentials(request: Request) -> tuple[str, str] | None:
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("basic "):
        return None
    try:
        user, _, password = base64.b64decode(header[6:], validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return user, password


async def _body(request: Request) -> dict[str, Any] | JSONResponse:
    raw = await request.body()
    if len(raw) > MAX_BODY_BYTES:
        return _error(413, f"request body over {MAX_BODY_BYTES} bytes")
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return _error(400, "the body is not JSON")
    if not isinstance(body, dict):
        return _error(400, "the body must be a JSON object")
    return body


def add_routes(
    app: FastAPI, assistant: Assistant, store: Store, login: Callable[[str, str], bool] | None, concurrency: int
) -> None:
    # Answering is CPU work: at most ``concurrency`` API questions at once, the rest wait (as
    # the page's do), so that a burst of calls cannot starve the chat of the cores.
    answering = threading.BoundedSemaphore(concurrency)

    def ask_one(question: object, as_of: object) -> Answer:
        with answering:
            return assistant.ask(question, as_of)  # type: ignore[arg-type]  # ask checks what the JSON held

    async def accepted(request: Request) -> dict[str, Any] | JSONResponse:
        """The request's JSON object, or the response refusing it (no login, not JSON)."""
        if login is not None:
            given = _credentials(request)
            # (in the thread pool: a users-file password is checked with scrypt, tens of ms)
            if given is None or not await run_in_threadpool(login, *given):
                return JSONResponse({"error": "login required"}, status_code=401,
                                    headers={"WWW-Authenticate": 'Basic realm="assistant"'})
        return await _body(request)

    @app.post("/api/ask")
    async def ask(request: Request) -> JSONResponse:
        body = await accepted(request)
        if isinstance(body, JSONResponse):
            return body
        try:
            # in the thread pool: answering is CPU work and must not block the event loop
            answer = await run_in_threadpool(ask_one, body.get("question"), body.get("as_of"))
        except AssistantError as exc:
            return _error(400, str(exc))
        out = answer.to_dict()
        try:
            out["record"] = await run_in_threadpool(
                store.record_answer, answer, assistant.corpus.digest, assistant.embedder_id
            )
        except FeedbackNotSaved as exc:
            log.warning("answer not recorded (%s): %s", store.where(), exc)
            out["record"], out["record_error"] = None, str(exc)
        return JSONResponse(out)

    @app.post("/api/feedback")
    async def feedback(request: Request) -> JSONResponse:
        body = await accepted(request)
        if isinstance(body, JSONResponse):
            return body
        record = body.get("record")
        # (bounded: both engines keep ids in 32 bits, and a larger number is no record of ours)
        if not isinstance(record, int) or isinstance(record, bool) or not 0 < record < 2**31:
            return _error(400, "反馈未保存：record 应为回答记录的编号（整数）")
        key, comment, write_id = body.get("citation_key"), body.get("comment", ""), body.get("write_id")
        if not all(isinstance(v, str | None) for v in (key, comment, write_id)):
            return _error(400, "反馈未保存：citation_key、comment 与 write_id 应为文本")
        try:
            saved = await run_in_threadpool(
                store.add_feedback, record, str(body.get("kind")), key, comment or "", write_id
            )
        except FeedbackRefused as exc:
            return _error(400, str(exc))
        except FeedbackNotSaved as exc:
            log.warning("feedback not saved (%s): %s", store.where(), exc)
            return _error(503, str(exc))
        return JSONResponse({"saved": saved})

"""The review queue on the chat page, for logged-in reviewers: ``review_panel(demo, store, accounts, words)``.

A panel under the chat, hidden unless the user logged in with the reviewer role: the flags
no reviewer has resolved, newest first (``webview.queue_html``), a picker, a verdict (wrong
citation, wrong answer, fine), a note, and two actions — resolve, or resolve and accept the
flag as a gold-set candidate — plus a download of the accepted candidates as gold-schema
JSON lines. Every action is recorded by the store with who and when. Its words come from the
message catalogue (``words``, the chat page's).

Every handler asks again who is calling: hiding the panel is for the page, the check is what
keeps employees out. Not here: the chat, logins (``accounts``), storage.
"""

from __future__ import annotations

import hashlib
import io
import logging
import tempfile
from html import escape
from pathlib import Path

import gradio as gr

from .accounts import Accounts
from .store import FeedbackError, FeedbackNotSaved, Store
from .webview import VERDICTS, Words, flag_label, notice_html, queue_html, verdict_labels

log = logging.getLogger(__name__)

# What an action sends back: status, the listing (or gr.skip()s), the note box. At module
# level: Gradio resolves the handlers' annotations (to find gr.Request) in the module's names.
_Acted = tuple[str, object, object, object, object]


def review_panel(demo: gr.Blocks, store: Store, accounts: Accounts | None, words: Words) -> None:
    """Add the panel to ``demo`` (called while the page is built)."""
    verdicts = verdict_labels(words)

    def reviewer(request: gr.Request | None) -> str | None:
        name = getattr(request, "username", None)
        return name if accounts is not None and accounts.role(name) == "reviewer" else None

    files: list[Path] = []  # the folder for candidate files, made when a reviewer first needs one

    def candidates_file() -> str:
        """The accepted candidates as a file the page can offer; named by its content, so
        that listing the queue again writes nothing new unless something was accepted."""
        out = io.StringIO()
        store.export_candidates(out)
        data = out.getvalue().encode("utf-8")
        if not files:
            files.append(Path(tempfile.mkdtemp(prefix="assistant-review-")))
        path = files[0] / f"gold-candidates-{hashlib.sha256(data).hexdigest()[:12]}.jsonl"
        if not path.exists():
            path.write_bytes(data)
        return str(path)

    def listed() -> tuple[str, gr.Dropdown, gr.DownloadButton]:
        try:
            flags = store.queue()
            download = candidates_file()
        except FeedbackError as exc:
            failed = notice_html(words.say("review_cannot_read", error=exc))
            return failed, gr.Dropdown(choices=[], value=None), gr.DownloadButton()
        choices = [(flag_label(words, f), str(f.feedback_id)) for f in flags]
        return (queue_html(words, flags), gr.Dropdown(choices=choices, value=choices[0][1] if choices else None),
                gr.DownloadButton(value=download))

    def nothing() -> tuple[str, gr.Dropdown, gr.DownloadButton]:
        # (made when called: a component made while the page is built would be shown on it)
        return "", gr.Dropdown(choices=[], value=None), gr.DownloadButton(value=None)

    with gr.Column(visible=False, elem_id="review") as panel:
        gr.HTML(f"<h3>{escape(words.say('review_title'))}</h3><p>{escape(words.say('review_intro'))}</p>")
        review_status = gr.HTML("", elem_id="review-status")
        with gr.Row(equal_height=True):
            pick = gr.Dropdown(choices=[], label=words.say("review_pick_label"), elem_id="review-pick", scale=4)
            refresh = gr.Button(words.say("review_refresh"), elem_id="review-refresh", scale=0, min_width=80)
        verdict = gr.Radio([(verdicts[key], key) for key in VERDICTS], label=words.say("review_verdict_label"),
                           elem_id="review-verdict")
        note = gr.Textbox(label=words.say("review_note_label"), max_lines=4, elem_id="review-note")
        with gr.Row():
            resolve = gr.Button(words.say("review_resolve"), variant="primary", elem_id="review-resolve")
            accept = gr.Button(words.say("review_accept"), elem_id="review-accept")
            download = gr.DownloadButton(words.say("review_download"), elem_id="review-download")
        queue_view = gr.HTML("", elem_id="review-queue")

    def open_panel(request: gr.Request) -> tuple[gr.Column, str, gr.Dropdown, gr.DownloadButton]:
        if reviewer(request) is None:
            return gr.Column(visible=False), *nothing()
        return gr.Column(visible=True), *listed()

    def act(chosen: str | None, outcome: str | None, text: str | None, request: gr.Request | None,
            take: bool = False) -> _Acted:
        name = reviewer(request)
        if name is None:
            return notice_html(words.say("review_not_allowed")), *nothing(), gr.skip()
        number = str(chosen or "")
        if not number.isdigit() or outcome not in VERDICTS:
            return notice_html(words.say("review_pick_first"), "warn"), gr.skip(), gr.skip(), gr.skip(), text
        try:
            store.resolve(int(number), outcome, name, text or "", accept=take)
        except FeedbackNotSaved as exc:
            log.warning("review not saved (%s): %s", store.where(), exc)
            return notice_html(str(exc)), gr.skip(), gr.skip(), gr.skip(), text
        values = {"number": chosen, "verdict": verdicts[outcome], "name": name}
        done = words.say("review_done_accepted", **values) if take else words.say("review_done", **values)
        return notice_html(done, "ok"), *listed(), ""

    # (Gradio passes the request only to parameters annotated with gr.Request: no lambdas here)
    def refresh_queue(request: gr.Request) -> tuple[str, gr.Dropdown, gr.DownloadButton]:
        return listed() if reviewer(request) else nothing()

    def resolve_flag(chosen: str | None, outcome: str | None, text: str | None, request: gr.Request) -> _Acted:
        return act(chosen, outcome, text, request)

    def accept_flag(chosen: str | None, outcome: str | None, text: str | None, request: gr.Request) -> _Acted:
        return act(chosen, outcome, text, request, take=True)

    listing = [queue_view, pick, download]
    demo.load(open_panel, outputs=[panel, *listing], api_visibility="private")
    refresh.click(refresh_queue, outputs=listing, api_visibility="private")
    outputs = [review_status, *listing, note]
    resolve.click(resolve_flag, inputs=[pick, verdict, note], outputs=outputs, api_visibility="private")
    accept.click(accept_flag, inputs=[pick, verdict, note], outputs=outputs, api_visibility="private")

"""The Gradio web chat: ``build_ui(assistant, store, config, accounts, conversations)``.

One page, in Chinese: a conversation (each answer with its outcome, who decided it, the
as-of date and its citations as clickable chips, plus 👍/👎), an input row with an as-of date,
example questions, and a side panel that shows the whole cited unit with the quote marked,
where a citation can be flagged as wrong. Answers stream in a few steps, each ending at a
sentence. Reviewers also see the review queue (``review_page``).

The conversation travels with every request: the page holds it (a hidden JSON component of
signed turns, ``conversation``) and sends it back with each question and each feedback
click, so any replica behind a load balancer can continue it (the last answer is passed to
``Assistant.ask(previous=...)`` so a follow-up keeps its facts). Only the citation open in
the side panel is kept in the serving process (``gr.State``). Feedback that cannot be
written is reported on the page, never dropped silently.

HTML comes from ``webview`` (everything escaped). Every word the page shows comes from the
assistant's message catalogue (``Assistant.messages``, through ``webview.Words``). Not here:
answering, storage, HTML building, HTTP serving (``webapp``), and anything the CLI needs (the
CLI never imports this module, so Gradio stays off its import path).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Iterator
from html import escape

import gradio as gr

from .accounts import Accounts
from .api import Assistant, clean_question, parse_as_of
from .config import Config
from .conversation import Conversations, Turn
from .errors import AssistantError
from .review_page import review_panel
from .store import FeedbackNotSaved, Store
from .types import Answer, Citation
from .webview import (
    Words,
    answer_html,
    chip_label,
    citation_html,
    citation_placeholder,
    draft_html,
    notice_html,
    pieces,
    question_html,
)
from .writing import SURROGATE

log = logging.getLogger(__name__)

STREAM_PAUSE_S = 0.06  # between streamed steps (at most four): long enough to be seen, short enough not to annoy
# Questions answered at once: answering is CPU work (about 30 ms), and a few at a time keep two
# cores busy without thrashing. Assistant.ask keeps no per-question state.
ASK_CONCURRENCY = 4
# Chat turns in flight at once. A turn mostly waits (between streamed pieces, on the record
# write), so many share the cores; only the answering inside is held to ASK_CONCURRENCY.
# (With the whole turn held to 4, 20 users spent most of their time queueing: bench/load.py.)
TURN_CONCURRENCY = 64


def examples(words: Words) -> tuple[str, ...]:
    """The example questions under the input row."""
    return (
        words.say("web_example_filing"),
        words.say("web_example_path"),
        words.say("web_example_assessment"),
        words.say("web_example_exempt"),
    )


def feedback_label(words: Words, kind: str, key: str | None) -> str:
    """What a feedback notice calls a feedback of ``kind`` (on the citation ``key``, if any)."""
    kinds = {
        "up": words.say("web_kind_up"),
        "down": words.say("web_kind_down"),
        "citation_wrong": words.say("web_citation_wrong"),
    }
    return words.say("web_feedback_on_citation", kind=kinds[kind], unit=key) if key else kinds[kind]


CSS = """
.turn-q, .turn-a { display: flex; gap: .6em; margin: .4em 0; }
.turn-q .who, .turn-a .who { flex: none; font-weight: 600; width: 1.6em; height: 1.6em; border-radius: 50%;
  text-align: center; line-height: 1.6em; font-size: .85em; }
.turn-q .who { background: #e0e7ff; color: #3730a3; }
.turn-a .who { background: #dcfce7; color: #166534; }
.turn-q .body, .answer-text, .unit-text, .notice { white-space: pre-wrap; word-break: break-word; }
.turn-q .body { font-weight: 600; }
.turn-a .body { flex: 1; }
.badges { display: flex; flex-wrap: wrap; gap: .4em; margin-bottom: .3em; }
.badge { font-size: .8em; padding: .1em .5em; border-radius: .6em; background: #f1f5f9; color: #334155; }
.badge.outcome-answered { background: #dcfce7; color: #166534; }
.badge.outcome-needs_facts { background: #fef9c3; color: #854d0e; }
.badge.outcome-not_covered { background: #fee2e2; color: #991b1b; }
.badge.decision { background: #e0e7ff; color: #3730a3; font-weight: 600; }
.warnings { margin: .2em 0 .4em 1.2em; color: #92400e; font-size: .9em; }
.cursor { opacity: .5; }
.notice { padding: .4em .6em; border-radius: .4em; margin: .3em 0; font-size: .9em; }
.notice-error { background: #fee2e2; color: #991b1b; }
.notice-warn { background: #fef3c7; color: #92400e; }
.notice-ok { background: #dcfce7; color: #166534; }
.chips { gap: .4em !important; flex-wrap: wrap !important; }
.chips button { flex: none !important; min-width: 0 !important; }
.citation-view h3 { margin: 0 0 .2em 0; }
.citation-view .heading { color: #64748b; margin: 0 0 .4em 0; }
.citation-view .unit-text { border-left: 3px solid #cbd5e1; padding-left: .7em; margin: .5em 0; line-height: 1.7; }
.citation-view mark { background: #fde68a; padding: 0 .1em; }
.citation-view .meta { display: grid; grid-template-columns: auto 1fr; gap: .2em .8em; font-size: .9em; }
.citation-view .meta dt { color: #64748b; }
.citation-view .meta dd { margin: 0; }
.citation-view.empty { color: #64748b; }
.flag-card { border-top: 1px solid #e2e8f0; padding: .6em 0; }
.flag-card li.flagged { color: #991b1b; }
"""


def build_ui(
    assistant: Assistant,
    store: Store,
    config: Config,
    accounts: Accounts | None = None,
    conversations: Conversations | None = None,
) -> gr.Blocks:
    """The chat page over one loaded ``Assistant`` and one ``Store``. ``conversations`` signs
    the conversation the page carries; replicas must share its key (``Store.page_key``), and
    without one a key of this process is made, so pages continue only on this process.

    ``config`` is accepted so the page can grow settings without changing its callers; the
    serving options in it are used by ``serve``.
    """
    del config  # nothing on the page depends on it yet
    conversations = conversations or Conversations(os.urandom(32))
    words = Words(assistant.messages)  # the page is in Chinese
    no_citation = citation_placeholder(words)  # the side panel before a citation is opened

    def record(answer: Answer) -> int:
        return store.record_answer(answer, assistant.corpus.digest, assistant.embedder_id)

    def save_feedback(
        shown: list[Turn], index: int, kind: str, key: str | None, comment: str
    ) -> tuple[list[Turn], str, bool]:
        """Write one feedback row (recording its answer first if that failed earlier)."""
        shown, answers = conversations.read(shown)
        what = feedback_label(words, kind, key)
        try:
            if index >= len(answers):
                raise FeedbackNotSaved(words.say("web_feedback_gone"))
            record_id = shown[index]["record"]
            if not isinstance(record_id, int):
                record_id = record(answers[index])
                shown = [*shown[:index], conversations.with_record(shown[index], record_id), *shown[index + 1:]]
            store.add_feedback(record_id, kind, key, comment)
        except FeedbackNotSaved as exc:
            log.warning("feedback not saved (%s): %s", store.where(), exc)
            gr.Warning(str(exc), title=words.say("web_notice_title"))
            failed = words.say("web_feedback_failed", number=index + 1, what=what, error=exc)
            return shown, notice_html(failed, "error"), False
        return shown, notice_html(words.say("web_feedback_saved", number=index + 1, what=what), "ok"), True

    demo: gr.Blocks  # Blocks.__enter__ is not annotated
    with gr.Blocks(title=words.say("web_title"), analytics_enabled=False) as demo:
        # The turns shown, oldest first (``Conversations.turn``); held by the page, sent with each request.
        conversation = gr.JSON([], visible=False, elem_id="conversation")
        selected = gr.State(None)  # (answer index, Citation) open in the side panel

        gr.HTML(f"<h2>{escape(words.say('web_title'))}</h2><p>{escape(words.say('web_intro'))}</p>")
        with gr.Row():
            with gr.Column(scale=3):

                @gr.render(inputs=[conversation])  # type: ignore[untyped-decorator]  # gr.render has no return annotation
                def show(shown: list[Turn]) -> None:
                    for i, answer in enumerate(conversations.read(shown)[1]):
                        gr.HTML(question_html(words, answer.question) + answer_html(words, answer), key=f"turn-{i}")
                        if answer.citations:
                            with gr.Row(elem_classes="chips", key=f"chips-{i}"):
                                for citation in answer.citations:
                                    chip = gr.Button(
                                        chip_label(citation),
                                        size="sm",
                                        elem_classes="chip",
                                        key=f"chip-{i}-{citation.key}",
                                    )
                                    chip.click(
                                        lambda a=answer, c=citation, n=i: open_citation(n, a, c),
                                        outputs=[citation_view, selected, cite_row],
                                        api_visibility="private",
                                    )
                        with gr.Row(key=f"fb-{i}", equal_height=True):
                            up = gr.Button(words.say("web_helpful"), size="sm", scale=0, min_width=90, key=f"up-{i}")
                            down = gr.Button(
                                words.say("web_not_helpful"), size="sm", scale=0, min_width=90, key=f"down-{i}"
                            )
                            comment = gr.Textbox(
                                placeholder=words.say("web_comment_placeholder"),
                                label=words.say("web_comment_label"),
                                show_label=False,
                                container=False,
                                scale=1,
                                key=f"comment-{i}",
                            )
                        for button, kind in ((up, "up"), (down, "down")):
                            button.click(
                                lambda ts, text, n=i, k=kind: _after_feedback(save_feedback(ts, n, k, None, text), text),
                                inputs=[conversation, comment],
                                outputs=[conversation, status, comment],
                                api_visibility="private",
                            )

                pending = gr.HTML("", elem_id="pending")
                status = gr.HTML("", elem_id="feedback-status")
                with gr.Row(equal_height=True):
                    question = gr.Textbox(
                        placeholder=words.say("web_question_placeholder"),
                        label=words.say("web_question_label"),
                        show_label=False,
                        lines=1,
                        max_lines=6,
                        scale=5,
                        elem_id="question",
                        autofocus=True,
                    )
                    # Empty means today, read when the question is sent: a date filled in when
                    # the page loads could land after the user typed one, and a page left
                    # open past midnight would keep asking as of yesterday.
                    as_of = gr.Textbox(
                        value="",
                        placeholder=words.say("web_as_of_placeholder"),
                        label=words.say("web_as_of_label"),
                        max_lines=1,
                        scale=1,
                        min_width=140,
                        elem_id="as-of",
                    )
                with gr.Row():
                    send = gr.Button(words.say("web_send"), variant="primary", elem_id="send")
                    reset = gr.Button(words.say("web_reset"), elem_id="reset")
                gr.Examples(
                    examples=[[q] for q in examples(words)], inputs=[question], label=words.say("web_examples_label")
                )
            with gr.Column(scale=2):
                citation_view = gr.HTML(no_citation, elem_id="citation-view")
                with gr.Row(visible=False, equal_height=True) as cite_row:
                    cite_comment = gr.Textbox(
                        placeholder=words.say("web_cite_comment_placeholder"),
                        label=words.say("web_cite_comment_label"),
                        show_label=False,
                        container=False,
                        scale=3,
                        elem_id="cite-comment",
                    )
                    cite_wrong = gr.Button(
                        words.say("web_citation_wrong"), variant="stop", size="sm", scale=1, elem_id="cite-wrong"
                    )

        def open_citation(index: int, answer: Answer, citation: Citation) -> tuple[str, tuple[int, Citation], gr.Row]:
            html = citation_html(words, assistant.corpus, assistant.applicability, citation, answer.as_of)
            return html, (index, citation), gr.Row(visible=True)

        def flag_citation(chosen: tuple[int, Citation] | None, ts: list[Turn], text: str) -> tuple[object, str, str]:
            if chosen is None:
                return gr.skip(), notice_html(words.say("web_pick_citation_first"), "warn"), text
            index, citation = chosen
            return _after_feedback(save_feedback(ts, index, "citation_wrong", citation.key, text), text)

        cite_wrong.click(
            flag_citation,
            inputs=[selected, conversation, cite_comment],
            outputs=[conversation, status, cite_comment],
            api_visibility="private",
        )

        answering = threading.BoundedSemaphore(ASK_CONCURRENCY)

        def submit(text: str, as_of_text: str, shown: list[Turn]) -> Iterator[tuple[str, object, object, object]]:
            skip = gr.skip()
            try:
                clean = clean_question(text)
                when = parse_as_of(as_of_text)
            except AssistantError as exc:
                yield notice_html(words.say("web_cannot_ask", error=exc)), skip, skip, skip
                return
            shown, earlier = conversations.read(shown)
            # The box is emptied as the question is taken: text typed there from now on is the
            # user's next question, which waits (and says so) until this answer is done.
            asked = question_html(words, clean)
            busy = notice_html(words.say("web_busy"), "warn")
            yield asked + notice_html(words.say("web_searching"), "warn"), skip, "", busy
            try:
                answer: Answer | None = None
                draft = ""
                with answering:
                    for event in assistant.ask_stream(clean, when, previous=earlier[-1] if earlier else None):
                        if isinstance(event, str):  # a configured model writing; verified at the end
                            draft += event
                            yield asked + draft_html(words, draft), skip, skip, skip
                        else:
                            answer = event
            except AssistantError as exc:
                yield asked + notice_html(words.say("web_cannot_answer", error=exc)), skip, skip, ""
                return
            except Exception:
                log.exception("unexpected failure answering %r", clean)
                yield asked + notice_html(words.say("web_internal_error")), skip, skip, ""
                return
            assert answer is not None, "ask_stream ends with exactly one Answer"
            # (the notice is sent again rather than skipped: Gradio builds a whole component
            # for every skipped output of every step, and that was a tenth of a turn's CPU)
            for part in pieces(answer.answer):
                yield asked + answer_html(words, answer, part, streaming=True), skip, skip, busy
                time.sleep(STREAM_PAUSE_S)
            note = ""
            try:
                answer_id = record(answer)
            except FeedbackNotSaved as exc:
                log.warning("answer not recorded (%s): %s", store.where(), exc)
                answer_id = None
                note = notice_html(words.say("web_not_recorded", error=exc), "warn")
            yield "", [*shown, conversations.turn(answer, answer_id)], skip, note

        # Enter and the button are one event, answered once at a time per page: a second
        # submission while one is in flight (Enter then a click, or a question sent 0.1 s
        # after another) is not taken, so no answer replaces another and none is recorded
        # twice; its text stays in the box and the status line says to send it afterwards.
        gr.on(
            triggers=[question.submit, send.click],
            fn=submit,
            inputs=[question, as_of, conversation],
            outputs=[pending, conversation, question, status],
            concurrency_limit=TURN_CONCURRENCY,
            trigger_mode="once",
            api_visibility="private",
        )

        reset.click(
            lambda: ([], None, no_citation, gr.Row(visible=False), "", ""),
            outputs=[conversation, selected, citation_view, cite_row, pending, status],
            api_visibility="private",
        )
        review_panel(demo, store, accounts, words)
    return demo


def _after_feedback(result: tuple[list[Turn], str, bool], comment: str) -> tuple[list[Turn], str, str]:
    """Keep the comment box's text when the save failed, so the user can retry without retyping,
    with any lone surrogate (the reason a save fails on the text itself) shown as U+FFFD: the
    page cannot be sent a character that is not one."""
    recs, message, saved = result
    return recs, message, "" if saved else SURROGATE.sub("\ufffd", comment)

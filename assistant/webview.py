"""HTML fragments for the web chat: a question, an answer, a citation view, the review queue.

Pure functions from the assistant's records to HTML strings. Every piece of user or corpus
text passes through ``html.escape`` before it meets markup, so a question such as
``<img src=x onerror=alert(1)>`` or ``[点我](javascript:...)`` shows as the literal
characters typed; nothing here emits Markdown, which would reinterpret them.

Every word the pages show comes from the message catalogue through ``Words`` (the catalogue
in the page's language), which the functions that word something take first; a message is
escaped whole, with the values filled into it.

Not here: Gradio components and events (``web``), deciding anything about the answer, the
catalogue itself (``messages``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from html import escape

from .applicability import Applicability
from .messages import Messages
from .store import Flag
from .text import sentence_spans, source_label
from .types import Answer, Citation, Corpus

# The verdicts a reviewer gives a flag (the store's values), in the order the page offers them.
VERDICTS = ("wrong_citation", "wrong_answer", "fine")


@dataclass(frozen=True)
class Words:
    """The message catalogue in the pages' language (Chinese unless ``english``)."""

    messages: Messages
    english: bool = False

    def say(self, key: str, **values: object) -> str:
        return self.messages.say(key, self.english, **values)


def outcome_label(words: Words, outcome: str) -> str:
    # (each key said where it is used, so tests/test_messages.py sees it)
    labels = {
        "answered": words.say("web_outcome_answered"),
        "needs_facts": words.say("web_outcome_needs_facts"),
        "not_covered": words.say("web_outcome_not_covered"),
    }
    return labels.get(outcome, outcome)


def verdict_labels(words: Words) -> dict[str, str]:
    """Each of ``VERDICTS`` with its words."""
    return {
        "wrong_citation": words.say("review_verdict_wrong_citation"),
        "wrong_answer": words.say("review_verdict_wrong_answer"),
        "fine": words.say("review_verdict_fine"),
    }


def _text(value: str) -> str:
    """Escaped text whose line breaks survive (the CSS keeps ``white-space: pre-wrap``)."""
    return escape(value, quote=True)


def decider(words: Words, answer: Answer) -> str:
    """Who decided: the rule with its version, or retrieval of the articles."""
    if answer.rule is not None:
        return words.say("web_decider_rule", rule=answer.rule.id, version=answer.rule.version)
    return words.say("web_decider_retrieval")


def decision_label(words: Words, answer: Answer) -> str | None:
    """The rule's decision in a few words (mechanism or deadline), when a rule decided."""
    decision = answer.rule.decision if answer.rule is not None else {}
    mechanism = decision.get("mechanism")
    if mechanism:
        mechanisms = {
            "exempt": words.say("web_mechanism_exempt"),
            "standard_contract_or_certification": words.say("web_mechanism_contract"),
            "security_assessment": words.say("web_mechanism_assessment"),
        }
        return mechanisms.get(str(mechanism)) or words.say("web_mechanism_other", mechanism=mechanism)
    if decision.get("deadline"):
        return words.say("web_deadline", deadline=decision["deadline"])
    return None


def chip_label(citation: Citation) -> str:
    return source_label(citation.title, citation.locator)


def pieces(text: str, steps: int = 4) -> Iterator[str]:
    """The answer text in at most ``steps`` growing prefixes, each ending at a sentence or
    line, for streaming. (Each update costs the server and the browser about as much however
    short it is, so a long answer is sent in a few large steps, not a sentence at a time.)"""
    ends = [end for _, end in sentence_spans(text)]
    if not ends:
        return
    # the first sentence end at or past each equal share of the text
    cuts = sorted({next(e for e in ends if e >= len(text) * k / steps) for k in range(1, steps + 1)})
    for cut in cuts:
        yield text[:cut]
    if cuts[-1] != len(text):  # never stream less than the whole answer
        yield text


def question_html(words: Words, question: str) -> str:
    return (
        f'<div class="turn-q"><span class="who">{_text(words.say("web_asked"))}</span>'
        f'<div class="body">{_text(question)}</div></div>'
    )


def answer_html(words: Words, answer: Answer, text: str | None = None, streaming: bool = False) -> str:
    """The answer card: outcome, who decided, as-of date, rule warnings, then the text.

    ``text`` replaces the answer text while it is still streaming in.
    """
    outcome = answer.outcome
    badges = (
        f'<span class="badge outcome-{escape(outcome)}">{escape(outcome_label(words, outcome))}</span>'
        f'<span class="badge decider">{escape(decider(words, answer))}</span>'
        f'<span class="badge asof">{escape(words.say("web_as_of", date=answer.as_of.isoformat()))}</span>'
    )
    decided = decision_label(words, answer)
    if decided:
        badges += f'<span class="badge decision">{escape(decided)}</span>'
    warnings = ""
    if answer.rule is not None and answer.rule.warnings:
        items = "".join(f"<li>{_text(w)}</li>" for w in answer.rule.warnings)
        warnings = f'<ul class="warnings">{items}</ul>'
    body = answer.answer if text is None else text
    cursor = '<span class="cursor">▍</span>' if streaming else ""
    return (
        f'<div class="turn-a"><span class="who">{_text(words.say("web_answered"))}</span><div class="body">'
        f'<div class="badges">{badges}</div>{warnings}'
        f'<div class="answer-text">{_text(body)}{cursor}</div></div></div>'
    )


def draft_html(words: Words, text: str) -> str:
    """A model's answer while it streams in: plain escaped text marked as not yet verified;
    the verified answer replaces it when it arrives."""
    return (
        f'<div class="turn-a"><span class="who">{_text(words.say("web_answered"))}</span><div class="body">'
        f'<div class="badges"><span class="badge decider">{_text(words.say("web_drafting"))}</span></div>'
        f'<div class="answer-text">{_text(text)}<span class="cursor">▍</span></div></div></div>'
    )


def notice_html(message: str, kind: str = "error") -> str:
    """A one-line notice (input errors, feedback status); ``kind`` is error, ok or warn."""
    return f'<div class="notice notice-{escape(kind)}">{_text(message)}</div>'


def highlight(text: str, quote: str) -> str:
    """``text`` escaped, with every occurrence of ``quote`` wrapped in ``<mark>``."""
    if not quote or quote not in text:
        return _text(text)
    parts = text.split(quote)
    marked = f"<mark>{_text(quote)}</mark>"
    return marked.join(_text(p) for p in parts)


def _date(value: date | None) -> str:
    return value.isoformat() if value else "—"


def citation_html(
    words: Words, corpus: Corpus, applicability: Applicability, citation: Citation, as_of: date
) -> str:
    """The whole cited unit with the quoted span marked, its instrument, and whether it governs."""
    unit = corpus.units.get(citation.key)
    if unit is None:  # the corpus changed under a running session
        return notice_html(words.say("web_citation_gone", unit=citation.key))
    inst = corpus.instruments[unit.doc_id]
    label = applicability.label(citation.key, as_of)
    status_note = (
        notice_html(words.say("web_citation_not_in_force", date=as_of.isoformat(), label=label), "warn")
        if label
        else notice_html(words.say("web_citation_in_force", date=as_of.isoformat()), "ok")
    )
    quoted = unit.text if unit.text.strip() else unit.heading
    found = citation.quote in quoted
    missing = "" if found else notice_html(words.say("web_quote_not_found"), "warn")
    details = [
        (words.say("web_meta_document"), source_label(inst.title, "")),
        (words.say("web_meta_number"), inst.number or "—"),
        (words.say("web_meta_status"), inst.status or "—"),
        (words.say("web_meta_effective"), _date(inst.effective)),
        (words.say("web_meta_published"), _date(inst.published)),
    ]
    if inst.replaced_on:
        details.append((words.say("web_meta_replaced"), _date(inst.replaced_on)))
    meta = "".join(f"<dt>{_text(name)}</dt><dd>{_text(value)}</dd>" for name, value in details)
    return (
        f'<div class="citation-view" data-key="{escape(citation.key)}">'
        f"<h3>{_text(source_label(inst.title, unit.locator))}</h3>"
        f'<p class="heading">{_text(unit.heading)}</p>'
        f"{status_note}{missing}"
        f'<div class="unit-text">{highlight(quoted, citation.quote)}</div>'
        f'<dl class="meta">{meta}</dl></div>'
    )


def citation_placeholder(words: Words) -> str:
    """The side panel before a citation is opened."""
    return f'<div class="citation-view empty">{_text(words.say("web_citation_placeholder"))}</div>'


def _flag_kind(words: Words, kind: str) -> str:
    kinds = {"down": words.say("web_not_helpful"), "citation_wrong": words.say("web_citation_wrong")}
    return kinds.get(kind, kind)


def flag_label(words: Words, flag: Flag) -> str:
    """One line naming a flag in the reviewer's picker."""
    what = _flag_kind(words, flag.kind)
    if flag.citation_key:
        what = words.say("web_feedback_on_citation", kind=what, unit=flag.citation_key)
    question = flag.question if len(flag.question) <= 40 else flag.question[:39] + "…"
    return words.say("review_flag_line", number=flag.feedback_id, what=what, question=question)


def queue_html(words: Words, flags: list[Flag]) -> str:
    """The review queue, newest first: each flag with its question, as-of date, answer, the
    citations with their quotes, and the flag with the user's note."""
    if not flags:
        return notice_html(words.say("review_queue_empty"), "ok")
    asked = _text(words.say("web_asked"))
    cards = []
    for flag in flags:
        cited = "".join(
            f'<li{" class=flagged" if c.get("key") == flag.citation_key else ""}>'
            f"<b>{_text(source_label(c.get('title', ''), c.get('locator', '')))}</b>"
            f"{_text(words.say('review_cited', unit=c.get('key', ''), quote=c.get('quote', '')))}</li>"
            for c in flag.citations
        )
        note = (
            f'<div class="flag-note">{_text(words.say("review_user_note", comment=flag.comment))}</div>'
            if flag.comment
            else ""
        )
        outcome = _text(outcome_label(words, flag.outcome))
        cards.append(
            f'<div class="flag-card" id="flag-{flag.feedback_id}">'
            f'<div class="badges"><span class="badge decision">#{flag.feedback_id}</span>'
            f'<span class="badge">{_text(_flag_kind(words, flag.kind))}</span>'
            f'<span class="badge">{_text(words.say("web_as_of", date=flag.as_of))}</span>'
            f'<span class="badge outcome-{_text(flag.outcome)}">{outcome}</span>'
            f'<span class="badge">{_text(words.say("review_flagged_at", time=flag.flagged_at))}</span></div>'
            f'<div class="turn-q"><span class="who">{asked}</span><div class="body">{_text(flag.question)}</div></div>'
            f'<div class="answer-text">{_text(flag.answer)}</div>'
            f'<ul class="cited">{cited}</ul>{note}</div>'
        )
    return "".join(cards)

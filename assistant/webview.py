"""HTML fragments for the web chat: a question, an answer, a citation view, the review queue.

Pure functions from the assistant's records to HTML strings. Every piece of user or corpus
text passes through ``html.escape`` before it meets markup, so a question such as
``<img src=x onerror=alert(1)>`` or ``[点我](javascript:...)`` shows as the literal
characters typed; nothing here emits Markdown, which would reinterpret them.

Not here: Gradio components and events (``web``), deciding anything about the answer.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from html import escape

from .applicability import Applicability
from .store import Flag
from .text import source_label
from .types import Answer, Citation, Corpus

OUTCOME_LABELS = {
    "answered": "已作答",
    "needs_facts": "需补充事实",
    "not_covered": "不在收录范围",
}

MECHANISM_LABELS = {
    "exempt": "结论：免予申报安全评估、订立标准合同或认证",
    "standard_contract_or_certification": "结论：标准合同或认证",
    "security_assessment": "结论：申报数据出境安全评估",
}

_PIECE = re.compile(r"[^。；！？\n]*[。；！？\n]+|[^。；！？\n]+")


def _text(value: str) -> str:
    """Escaped text whose line breaks survive (the CSS keeps ``white-space: pre-wrap``)."""
    return escape(value, quote=True)


def decider(answer: Answer) -> str:
    """Who decided: the rule with its version, or retrieval of the articles."""
    if answer.rule is not None:
        return f"规则 {answer.rule.id} v{answer.rule.version}"
    return "检索条文"


def decision_label(answer: Answer) -> str | None:
    """The rule's decision in a few words (mechanism or deadline), when a rule decided."""
    decision = answer.rule.decision if answer.rule is not None else {}
    mechanism = decision.get("mechanism")
    if mechanism:
        return MECHANISM_LABELS.get(str(mechanism), f"结论：{mechanism}")
    if decision.get("deadline"):
        return f"截止日：{decision['deadline']}"
    return None


def chip_label(citation: Citation) -> str:
    return source_label(citation.title, citation.locator)


def pieces(text: str, steps: int = 4) -> Iterator[str]:
    """The answer text in at most ``steps`` growing prefixes, each ending at a sentence or
    line, for streaming. (Each update costs the server and the browser about as much however
    short it is, so a long answer is sent in a few large steps, not a sentence at a time.)"""
    ends = [m.end() for m in _PIECE.finditer(text)]
    if not ends:
        return
    # the first sentence end at or past each equal share of the text
    cuts = sorted({next(e for e in ends if e >= len(text) * k / steps) for k in range(1, steps + 1)})
    for cut in cuts:
        yield text[:cut]
    if cuts[-1] != len(text):  # never stream less than the whole answer
        yield text


def question_html(question: str) -> str:
    return f'<div class="turn-q"><span class="who">问</span><div class="body">{_text(question)}</div></div>'


def answer_html(answer: Answer, text: str | None = None, streaming: bool = False) -> str:
    """The answer card: outcome, who decided, as-of date, rule warnings, then the text.

    ``text`` replaces the answer text while it is still streaming in.
    """
    outcome = answer.outcome
    badges = (
        f'<span class="badge outcome-{escape(outcome)}">{escape(OUTCOME_LABELS.get(outcome, outcome))}</span>'
        f'<span class="badge decider">{escape(decider(answer))}</span>'
        f'<span class="badge asof">截至 {escape(answer.as_of.isoformat())}</span>'
    )
    decided = decision_label(answer)
    if decided:
        badges += f'<span class="badge decision">{escape(decided)}</span>'
    warnings = ""
    if answer.rule is not None and answer.rule.warnings:
        items = "".join(f"<li>{_text(w)}</li>" for w in answer.rule.warnings)
        warnings = f'<ul class="warnings">{items}</ul>'
    body = answer.answer if text is None else text
    cursor = '<span class="cursor">▍</span>' if streaming else ""
    return (
        f'<div class="turn-a"><span class="who">答</span><div class="body">'
        f'<div class="badges">{badges}</div>{warnings}'
        f'<div class="answer-text">{_text(body)}{cursor}</div></div></div>'
    )


def draft_html(text: str) -> str:
    """A model's answer while it streams in: plain escaped text marked as not yet verified;
    the verified answer replaces it when it arrives."""
    return (
        '<div class="turn-a"><span class="who">答</span><div class="body">'
        '<div class="badges"><span class="badge decider">生成中（尚未核验）</span></div>'
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


def citation_html(corpus: Corpus, applicability: Applicability, citation: Citation, as_of: date) -> str:
    """The whole cited unit with the quoted span marked, its instrument, and whether it governs."""
    unit = corpus.units.get(citation.key)
    if unit is None:  # the corpus changed under a running session
        return notice_html(f"语料中已找不到 {citation.key}，可能已更新，请重新提问。")
    inst = corpus.instruments[unit.doc_id]
    label = applicability.label(citation.key, as_of)
    status_note = (
        notice_html(f"注意：截至 {as_of.isoformat()}，本条{label}。", "warn")
        if label
        else notice_html(f"截至 {as_of.isoformat()}，本条适用。", "ok")
    )
    quoted = unit.text if unit.text.strip() else unit.heading
    found = citation.quote in quoted
    missing = "" if found else notice_html("引文未能在原文中定位，以下为原文全文。", "warn")
    meta = (
        f"<dt>文件</dt><dd>{_text(source_label(inst.title, ''))}</dd>"
        f"<dt>文号</dt><dd>{_text(inst.number or '—')}</dd>"
        f"<dt>状态</dt><dd>{_text(inst.status or '—')}</dd>"
        f"<dt>施行日期</dt><dd>{_text(_date(inst.effective))}</dd>"
        f"<dt>发布日期</dt><dd>{_text(_date(inst.published))}</dd>"
    )
    if inst.replaced_on:
        meta += f"<dt>被替代日期</dt><dd>{_text(_date(inst.replaced_on))}</dd>"
    return (
        f'<div class="citation-view" data-key="{escape(citation.key)}">'
        f"<h3>{_text(source_label(inst.title, unit.locator))}</h3>"
        f'<p class="heading">{_text(unit.heading)}</p>'
        f"{status_note}{missing}"
        f'<div class="unit-text">{highlight(quoted, citation.quote)}</div>'
        f'<dl class="meta">{meta}</dl></div>'
    )


CITATION_PLACEHOLDER = '<div class="citation-view empty">点击回答下方的引用，查看条文原文。</div>'


FLAG_LABELS = {"down": "👎 没帮助", "citation_wrong": "引用有误"}
VERDICT_LABELS = {"wrong_citation": "引用有误", "wrong_answer": "回答有误", "fine": "无误"}


def flag_label(flag: Flag) -> str:
    """One line naming a flag in the reviewer's picker."""
    what = FLAG_LABELS.get(flag.kind, flag.kind) + (f"（{flag.citation_key}）" if flag.citation_key else "")
    question = flag.question if len(flag.question) <= 40 else flag.question[:39] + "…"
    return f"#{flag.feedback_id} {what}：{question}"


def queue_html(flags: list[Flag]) -> str:
    """The review queue, newest first: each flag with its question, as-of date, answer, the
    citations with their quotes, and the flag with the user's note."""
    if not flags:
        return '<div class="notice notice-ok">审核队列为空：没有待处理的标记。</div>'
    cards = []
    for flag in flags:
        cited = "".join(
            f'<li{" class=flagged" if c.get("key") == flag.citation_key else ""}>'
            f"<b>{_text(source_label(c.get('title', ''), c.get('locator', '')))}</b>（{_text(c.get('key', ''))}）："
            f"“{_text(c.get('quote', ''))}”</li>"
            for c in flag.citations
        )
        note = f'<div class="flag-note">备注：{_text(flag.comment)}</div>' if flag.comment else ""
        cards.append(
            f'<div class="flag-card" id="flag-{flag.feedback_id}">'
            f'<div class="badges"><span class="badge decision">#{flag.feedback_id}</span>'
            f'<span class="badge">{_text(FLAG_LABELS.get(flag.kind, flag.kind))}</span>'
            f'<span class="badge">截至 {_text(flag.as_of)}</span>'
            f'<span class="badge outcome-{_text(flag.outcome)}">{_text(OUTCOME_LABELS.get(flag.outcome, flag.outcome))}</span>'
            f'<span class="badge">标记于 {_text(flag.flagged_at)}</span></div>'
            f'<div class="turn-q"><span class="who">问</span><div class="body">{_text(flag.question)}</div></div>'
            f'<div class="answer-text">{_text(flag.answer)}</div>'
            f'<ul class="cited">{cited}</ul>{note}</div>'
        )
    return "".join(cards)

"""Small text helpers shared by the retrieval, rules and composing stages.

Only pure functions on strings: language detection by script, sentence splitting that keeps
every character of the source (so quotes stay verbatim), and the 《title》locator label.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

QUOTE_WHOLE_UNIT = 320  # a unit this short is quoted whole: it reads better than a fragment
_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")
# The one definition of where a sentence ends, for questions, answers and the corpus alike: a
# run of full stops, semicolons, question or exclamation marks (either width), a line break,
# or an English full stop after a lower-case letter ("…abroad. Which route?") — not after a
# capital or a digit, so "U.S." and "3.5万" stay whole (an abbreviation such as "Art." does
# end one).
SENTENCE_END = re.compile(r"[。；;！!？?]+|\n|(?<=[a-z])\.(?=\s|$)")
# Within a sentence, a clause ends at a comma; the "," of "150,000" is no clause end.
CLAUSE_END = re.compile(SENTENCE_END.pattern + r"|，|,(?!\d{3})")


def is_english(text: str) -> bool:
    """True when the text is written mostly in Latin letters rather than Chinese."""
    cjk = len(_CJK.findall(text))
    latin = len(_LATIN.findall(text))
    return latin > 0 and cjk * 3 < latin


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence, terminator included; together they cover ``text``
    (a line break after a full stop makes a blank one)."""
    return _spans(SENTENCE_END, text)


def clause_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each clause: sentences cut again at their commas."""
    return _spans(CLAUSE_END, text)


def clause_around(text: str, at: int) -> tuple[int, int]:
    """(start, end) of the clause that holds position ``at``, its closing mark left out."""
    start = 0
    for m in CLAUSE_END.finditer(text, 0, at):
        start = m.end()
    after = CLAUSE_END.search(text, at)
    return start, (after.start() if after else len(text))


def _spans(end: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for m in end.finditer(text):
        spans.append((start, m.end()))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def sentences(text: str) -> list[str]:
    """Split into sentences; ``"".join(sentences(t)) == t`` always holds."""
    return [text[s:e] for s, e in sentence_spans(text)]


def source_label(title: str, locator: str) -> str:
    """《title》locator, without doubling the brackets of a title that already has them."""
    shown = title if title.startswith("《") and "》" in title else f"《{title}》"
    return f"{shown}{locator}" if shown.endswith("》") else f"{shown} {locator}"


def blank(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """``text`` with the spans replaced by spaces, so that offsets stay where they were."""
    for start, end in spans:
        text = text[:start] + " " * (end - start) + text[end:]
    return text

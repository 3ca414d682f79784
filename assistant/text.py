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
# A sentence ends at a full stop, semicolon, question or exclamation mark (either width),
# or at a line break; the terminator stays with its sentence.
_SENTENCE = re.compile(r"[^。；！？;!?\n]*(?:[。；！？;!?]|\n|$)")


def is_english(text: str) -> bool:
    """True when the text is written mostly in Latin letters rather than Chinese."""
    cjk = len(_CJK.findall(text))
    latin = len(_LATIN.findall(text))
    return latin > 0 and cjk * 3 < latin


def sentences(text: str) -> list[str]:
    """Split into sentences; ``"".join(sentences(t)) == t`` always holds."""
    parts = [m.group(0) for m in _SENTENCE.finditer(text) if m.group(0)]
    return parts


def source_label(title: str, locator: str) -> str:
    """《title》locator, without doubling the brackets of a title that already has them."""
    shown = title if title.startswith("《") and "》" in title else f"《{title}》"
    return f"{shown}{locator}" if shown.endswith("》") else f"{shown} {locator}"


def blank(text: str, spans: Iterable[tuple[int, int]]) -> str:
    """``text`` with the spans replaced by spaces, so that offsets stay where they were."""
    for start, end in spans:
        text = text[:start] + " " * (end - start) + text[end:]
    return text

"""Is a quote a verbatim span of a unit? Only white space and the width or style of punctuation
may differ ("，" vs ",", "“" vs '"'); the span returned is the unit's own text, so a citation
always carries the law's exact characters.

Pure functions on strings. Not here: choosing what to quote (``compose``) or judging a whole
model reply (``verify``).
"""

from __future__ import annotations

import unicodedata

MIN_QUOTE_CHARS = 6  # shorter quotes ("备案") prove nothing about where a claim comes from

# After NFKC (which folds full-width forms), the punctuation that still differs by style.
_PUNCT_STYLE = str.maketrans(
    {
        "。": ".",
        "、": ",",
        "“": '"',
        "”": '"',
        "„": '"',
        "「": '"',
        "」": '"',
        "『": '"',
        "』": '"',
        "\u2018": "'",  # left and right single quotation marks
        "\u2019": "'",
        "【": "[",
        "】": "]",
        "〔": "(",
        "〕": ")",
        "—": "-",
        "\u2013": "-",  # en dash
    }
)
_EDGE_PUNCT = " \t\r\n\"'.,;:!?…"  # sentence punctuation and quote marks a model adds around a quote


def _normalise_with_map(text: str) -> tuple[str, list[int]]:
    """Text with white space dropped and punctuation folded, and for each output character
    the index of the source character it came from."""
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        folded = unicodedata.normalize("NFKC", ch).translate(_PUNCT_STYLE)
        for c in folded:
            if not c.isspace():
                out.append(c)
                where.append(i)
    return "".join(out), where


def normalise(text: str) -> str:
    """The comparison form used for quotes (see ``match_quote``)."""
    return _normalise_with_map(text)[0]


def match_quote(quote: str, unit_text: str) -> str | None:
    """The span of ``unit_text`` that ``quote`` reproduces, or None if it is not verbatim.

    Leading and trailing punctuation of the quote is ignored (a model often adds a closing
    "。"); inside the quote only white space and punctuation style may differ.
    """
    wanted = normalise(quote).strip(_EDGE_PUNCT)
    if not wanted:
        return None
    haystack, where = _normalise_with_map(unit_text)
    pos = haystack.find(wanted)
    if pos < 0:
        return None
    start, end = where[pos], where[pos + len(wanted) - 1] + 1
    return unit_text[start:end]

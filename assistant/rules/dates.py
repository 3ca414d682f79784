"""Find calendar dates written in a question.

Forms: ``2024年9月30日`` (also 号), ``2024-09-30``, ``2024/9/30``, ``2024.9.30``, ``9月30日``
(the year of the as-of date), English ``September 30, 2024`` / ``30 September 2024`` /
``Sep 30`` (as-of year), and today / 今天 / 今日 (the as-of date itself), yesterday / 昨天 and
tomorrow / 明天 (a day either side of it).

Not handled: other relative dates (下周一, 上个月底), weekdays, year-month only
("2024年6月") — those are not precise enough to start a legal period and are ignored.
Impossible dates (2月30日) are skipped rather than guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from .numerals import fold_digits

MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ]
    )
    for m in names
}
_MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("ymd_cn", re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")),
    ("ymd_num", re.compile(r"(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")),
    ("md_cn", re.compile(r"(?<![\d年])(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")),
    ("mdy_en", re.compile(rf"\b({_MONTH_RE})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(\d{{4}}))?\b", re.I)),
    ("dmy_en", re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH_RE})\.?(?:,?\s+(\d{{4}}))?\b", re.I)),
    ("today", re.compile(r"今天|今日|\btoday\b", re.I)),
    ("yesterday", re.compile(r"(?<!前)昨天|昨日|\byesterday\b", re.I)),
    ("tomorrow", re.compile(r"明天|明日|\btomorrow\b", re.I)),
)
_DAYS_FROM_AS_OF = {"today": 0, "yesterday": -1, "tomorrow": 1}


@dataclass(frozen=True)
class DateMention:
    day: date
    start: int
    end: int
    raw: str


def find_dates(text: str, as_of: date) -> list[DateMention]:
    """Every date in ``text``, left to right; overlapping forms count once."""
    folded = fold_digits(text)
    found: list[DateMention] = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(folded):
            if any(f.start <= m.start() < f.end or m.start() <= f.start < m.end() for f in found):
                continue
            day = _to_date(kind, m, as_of)
            if day is not None:
                found.append(DateMention(day, m.start(), m.end(), text[m.start() : m.end()]))
    return sorted(found, key=lambda d: d.start)


def _to_date(kind: str, m: re.Match[str], as_of: date) -> date | None:
    if kind in _DAYS_FROM_AS_OF:
        return as_of + timedelta(days=_DAYS_FROM_AS_OF[kind])
    if kind in ("ymd_cn", "ymd_num"):
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    elif kind == "md_cn":
        y, mo, d = as_of.year, int(m.group(1)), int(m.group(2))
    elif kind == "mdy_en":
        y = int(m.group(3)) if m.group(3) else as_of.year
        mo, d = MONTHS[m.group(1).lower()], int(m.group(2))
    else:
        y = int(m.group(3)) if m.group(3) else as_of.year
        mo, d = MONTHS[m.group(2).lower()], int(m.group(1))
    try:
        return date(y, mo, d)
    except ValueError:
        return None

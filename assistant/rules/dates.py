"""Find calendar dates written in a question.

Forms: ``2024年9月30日`` (also 号), ``2024-09-30``, ``2024/9/30``, ``2024.9.30``, ``9月30日``
(the year of the as-of date), English ``September 30, 2024`` / ``30 September 2024`` /
``Sep 30`` (as-of year), and dates relative to the as-of date: today / 今天 / 今日, yesterday /
昨天, tomorrow / 明天, 前天 / the day before yesterday, 后天 / the day after tomorrow, a year
named by 今年 / 去年 / 前年 / 明年 before a month and day, a weekday of this, last or next
week (本周五, 上星期三, 下礼拜一: weeks start on Monday, as Chinese calendars count them), and a
day or the last day of this, last or next month (下个月5号, 上个月底).

Not handled: a bare weekday (周五: this week's or the next?), English "next Monday" (said
on a Friday it may mean either of two Mondays), 月初 and 年底, year-month only ("2024年6月")
— none is precise enough to start a legal period, so they are ignored and the rules ask for
the date. Impossible dates (2月30日) are skipped rather than guessed.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from .numerals import fold_digits, parse_numeral

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
    # (a year is four digits and no more: "12025年3月3日" is no date in 2025)
    ("ymd_cn", re.compile(r"(?<!\d)(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")),
    # written in characters: "二〇二五年三月三日", "二〇二五年十二月二十四日"
    ("ymd_hanzi", re.compile(r"(?<![〇零一二三四五六七八九])([〇零一二三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,2})\s*月"
                             r"\s*([一二三四五六七八九十]{1,3})\s*[日号]")),
    ("ymd_num", re.compile(r"(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")),
    ("ymd_rel", re.compile(r"(前年|去年|今年|明年)\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")),
    ("week_rel", re.compile(r"(上|下|本|这)个?(?:周|星期|礼拜)([一二三四五六日天])")),
    ("month_rel", re.compile(r"(上|下|本|这)个?月\s*(?:(\d{1,2})\s*[日号]|[底末])")),
    ("md_cn", re.compile(r"(?<![\d年])(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")),
    ("mdy_en", re.compile(rf"\b({_MONTH_RE})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(\d{{4}}))?\b", re.I)),
    ("dmy_en", re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH_RE})\.?(?:,?\s+(\d{{4}}))?\b", re.I)),
    # Before today / tomorrow / yesterday, which the English forms contain. 大前天 / 大后天
    # (three days) are left unread rather than misread as two; the look-arounds keep words that
    # merely contain the characters (提前天数, 今后天天) from being read as dates.
    ("day_before_yesterday", re.compile(r"(?<![大提之以目当从事])前天(?!数)|\bthe day before yesterday\b", re.I)),
    ("day_after_tomorrow", re.compile(r"(?<![大今以之此然最落先背事])后天(?!数|然|性)|\bthe day after tomorrow\b", re.I)),
    ("today", re.compile(r"今天|今日|\btoday\b", re.I)),
    ("yesterday", re.compile(r"(?<!前)昨天|昨日|\byesterday\b", re.I)),
    ("tomorrow", re.compile(r"明天|明日|\btomorrow\b", re.I)),
)
_DAYS_FROM_AS_OF = {"today": 0, "yesterday": -1, "tomorrow": 1, "day_before_yesterday": -2, "day_after_tomorrow": 2}
_OFFSET = {"前年": -2, "去年": -1, "今年": 0, "明年": 1, "上": -1, "下": 1, "本": 0, "这": 0}
_WEEKDAY = {c: i for i, c in enumerate("一二三四五六日")} | {"天": 6}


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
    if kind == "week_rel":
        monday = as_of - timedelta(days=as_of.weekday())
        return monday + timedelta(weeks=_OFFSET[m.group(1)], days=_WEEKDAY[m.group(2)])
    if kind == "month_rel":
        y, month0 = divmod(as_of.year * 12 + as_of.month - 1 + _OFFSET[m.group(1)], 12)
        mo = month0 + 1
        d = int(m.group(2)) if m.group(2) else calendar.monthrange(y, mo)[1]
    elif kind == "ymd_rel":
        y, mo, d = as_of.year + _OFFSET[m.group(1)], int(m.group(2)), int(m.group(3))
    elif kind == "ymd_hanzi":
        hy, hmo, hd = (parse_numeral(m.group(i)) for i in (1, 2, 3))
        if hy is None or hmo is None or hd is None:
            return None
        y, mo, d = hy, hmo, hd
    elif kind in ("ymd_cn", "ymd_num"):
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

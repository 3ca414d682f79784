"""The package's one date reader, for questions and for a model's answers alike.

``read_dates(text)`` finds every phrase naming a day, without an as-of date (what a question's
``Reading`` keeps); ``resolve(phrases, as_of)`` places them on the calendar (``find_dates``
does both); ``written_dates(text)`` is the dates written out, with the year or the day they
may lack (``verify`` compares a model's dates with the texts').

Forms: ``2024年9月30日`` (also 号, and in characters: 二〇二五年三月三日), ``2024-09-30``,
``2024/9/30``, ``2024.9.30``, ``9月30日`` / 三月五日 (the year of the as-of date), English
``September 30, 2024`` / ``30 September 2024`` / ``Sep 30`` (as-of year), and dates relative
to the as-of date: today / 今天 / 今日, yesterday / 昨天, tomorrow / 明天, 前天 / the day
before yesterday, 后天 / the day after tomorrow, a year named by 今年 / 去年 / 前年 / 明年
before a month and day, a weekday of this, last or next week (本周五, 上星期三, 下礼拜一: weeks
start on Monday, as Chinese calendars count them), and a day or the last day of this, last
or next month (下个月5号, 上个月底).

Not placed on a day: a bare weekday (周五: this week's or the next?), English "next Monday"
(said on a Friday it may mean either of two Mondays), 月初 and 年底, a year and month only
("2024年6月", "June 2024"), a month and day after a year this reader cannot place (上年,
当年) — none is precise enough to start a legal period, so the rules ask for the date.
Impossible dates (2月30日) are skipped rather than guessed.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
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

_CN_DIGIT = "〇零一二三四五六七八九"
_CN_SMALL = f"[{_CN_DIGIT}十]{{1,3}}"  # a month or day in characters: 三, 十二, 二十四
# One table of the ways a date is written, tried in this order; a span read by one form is
# not read again by a later one. Absolute forms name their parts (y, m or mn, d): a year or a
# day may be missing ("9月30日", "2024年6月"). The rest are relative to the as-of date.
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    # "2024年9月30日", "二〇二五年三月三日", "2024年6月" (a year is four digits and no more:
    # "12025年3月3日" is no date in 2025)
    ("ymd_cn", re.compile(
        rf"(?<![\d{_CN_DIGIT}])(?P<y>\d{{4}}|[{_CN_DIGIT}]{{4}})\s*年\s*(?P<m>\d{{1,2}}|{_CN_SMALL})\s*月"
        rf"(?:\s*(?P<d>\d{{1,2}}|{_CN_SMALL})\s*[日号])?"
    )),
    ("ymd_num", re.compile(r"(?<!\d)(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?!\d)")),
    ("ymd_rel", re.compile(r"(前年|去年|今年|明年)\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")),
    ("week_rel", re.compile(r"(上|下|本|这)个?(?:周|星期|礼拜)([一二三四五六日天])")),
    ("month_rel", re.compile(r"(上|下|本|这)个?月\s*(?:(\d{1,2})\s*[日号]|[底末])")),
    ("md_cn", re.compile(rf"(?<![\d{_CN_DIGIT}十])(?P<m>\d{{1,2}}|{_CN_SMALL})\s*月\s*(?P<d>\d{{1,2}}|{_CN_SMALL})\s*[日号]")),
    ("mdy_en", re.compile(rf"\b(?P<mn>{_MONTH_RE})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<y>\d{{4}}))?\b", re.I)),
    ("dmy_en", re.compile(rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<mn>{_MONTH_RE})\.?(?:,?\s+(?P<y>\d{{4}}))?\b", re.I)),
    ("my_en", re.compile(rf"\b(?P<mn>{_MONTH_RE})\.?\s+(?P<y>\d{{4}})\b", re.I)),
    # Before today / tomorrow / yesterday, which the English forms contain. 大前天 / 大后天
    # (three days) are left unread rather than misread as two; the look-arounds keep words that
    # merely contain the characters (提前天数, 今后天天) from being read as dates.
    ("day_before_yesterday", re.compile(r"(?<![大提之以目当从事])前天(?!数)|\bthe day before yesterday\b", re.I)),
    ("day_after_tomorrow", re.compile(r"(?<![大今以之此然最落先背事])后天(?!数|然|性)|\bthe day after tomorrow\b", re.I)),
    ("today", re.compile(r"今天|今日|\btoday\b", re.I)),
    ("yesterday", re.compile(r"(?<!前)昨天|昨日|\byesterday\b", re.I)),
    ("tomorrow", re.compile(r"明天|明日|\btomorrow\b", re.I)),
)
_ABSOLUTE = frozenset({"ymd_cn", "ymd_num", "md_cn", "mdy_en", "dmy_en", "my_en"})
_DAYS_FROM_AS_OF = {"today": 0, "yesterday": -1, "tomorrow": 1, "day_before_yesterday": -2, "day_after_tomorrow": 2}
_OFFSET = {"前年": -2, "去年": -1, "今年": 0, "明年": 1, "上": -1, "下": 1, "本": 0, "这": 0}
_WEEKDAY = {c: i for i, c in enumerate("一二三四五六日")} | {"天": 6}


@dataclass(frozen=True)
class DateMention:
    day: date
    start: int
    end: int
    raw: str
    typed: str = ""  # ``raw`` as the asker typed it (``Reading.typed``), how it is quoted back


@dataclass(frozen=True)
class WrittenDate:
    """A date as written, before any as-of date completes it: "9月30日" has no year,
    "2024年6月" no day."""

    year: int | None
    month: int
    day: int | None
    start: int
    end: int
    raw: str


@dataclass(frozen=True)
class DatePhrase:
    """Words that name a day, read without an as-of date: a written date, or a relative form
    (``kind``: today, week_rel …) with its parts, placed on a calendar by ``resolve``."""

    kind: str
    start: int
    end: int
    raw: str
    written: WrittenDate | None  # for the written forms
    parts: tuple[str | None, ...] = ()  # for the relative forms: the match's groups
    after_year_word: bool = False  # follows a year this reader cannot place (上年, 当年)


def read_dates(text: str) -> tuple[DatePhrase, ...]:
    """Every phrase naming a day or a month in ``text``, left to right; overlapping forms count
    once, the earlier form in the table winning."""
    folded = fold_digits(text)
    taken: list[DatePhrase] = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(folded):
            if any(t.start <= m.start() < t.end or m.start() <= t.start < m.end() for t in taken):
                continue
            raw = text[m.start() : m.end()]
            if kind not in _ABSOLUTE:
                taken.append(DatePhrase(kind, m.start(), m.end(), raw, None, m.groups()))
            elif (written := _written(m, text)) is not None:
                after_year = text[max(m.start() - 1, 0) : m.start()] == "年"
                taken.append(DatePhrase(kind, m.start(), m.end(), raw, written, after_year_word=after_year))
    return tuple(sorted(taken, key=lambda t: t.start))


def written_dates(text: str) -> list[WrittenDate]:
    """Every date written out in ``text`` (no relative ones: 今天, 下个月5号), left to right."""
    return [p.written for p in read_dates(text) if p.written is not None]


def resolve(phrases: Iterable[DatePhrase], as_of: date) -> list[DateMention]:
    """The calendar days ``phrases`` name as of ``as_of``: a written date without a year is in
    the as-of year; one without a day, or after a year that cannot be placed, is no day."""
    found = []
    for p in phrases:
        if p.written is not None:
            day = None if p.after_year_word and p.written.year is None else _on(p.written, as_of)
        else:
            day = _relative(p.kind, p.parts, as_of)
        if day is not None:
            found.append(DateMention(day, p.start, p.end, p.raw))
    return found


def find_dates(text: str, as_of: date) -> list[DateMention]:
    """Every calendar day in ``text``, written or relative to ``as_of``, left to right."""
    return resolve(read_dates(text), as_of)


def _written(m: re.Match[str], text: str) -> WrittenDate | None:
    parts = m.groupdict()
    month = MONTHS[parts["mn"].lower()] if parts.get("mn") else parse_numeral(parts["m"])
    year = parse_numeral(parts["y"]) if parts.get("y") else None
    day = parse_numeral(parts["d"]) if parts.get("d") else None
    if month is None or not 1 <= month <= 12 or (day is not None and not 1 <= day <= 31):
        return None
    return WrittenDate(year, month, day, m.start(), m.end(), text[m.start() : m.end()])


def _on(written: WrittenDate, as_of: date) -> date | None:
    if written.day is None:
        return None
    try:
        return date(written.year if written.year is not None else as_of.year, written.month, written.day)
    except ValueError:
        return None


def _relative(kind: str, parts: tuple[str | None, ...], as_of: date) -> date | None:
    if kind in _DAYS_FROM_AS_OF:
        return as_of + timedelta(days=_DAYS_FROM_AS_OF[kind])
    first = parts[0] or ""
    if kind == "week_rel":
        monday = as_of - timedelta(days=as_of.weekday())
        return monday + timedelta(weeks=_OFFSET[first], days=_WEEKDAY[parts[1] or ""])
    if kind == "month_rel":
        y, month0 = divmod(as_of.year * 12 + as_of.month - 1 + _OFFSET[first], 12)
        mo = month0 + 1
        d = int(parts[1]) if parts[1] else calendar.monthrange(y, mo)[1]
    else:  # ymd_rel
        y, mo, d = as_of.year + _OFFSET[first], int(parts[1] or 0), int(parts[2] or 0)
    try:
        return date(y, mo, d)
    except ValueError:
        return None

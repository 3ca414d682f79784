"""Date arithmetic on China's working calendar, per 民法典 Arts. 201-203.

Whether a day is a working day comes, for its year, from the first source that has it:

1. a reviewed file of that year's State Council arrangement (``data/arrangements/YYYY.toml``:
   the notice's number and date, every period off and every weekend working day), which is
   how a newly published notice is added without a code change;
2. the ``chinese_calendar`` package, which carries the official arrangements it knows;
3. a statutory estimate: the holidays 《全国年节及纪念日放假办法》 Art. 2 fixes every year
   (``holidays.toml``; lunar dates and the 清明 solar term from ``lunar_python``), each one
   falling on a Saturday or Sunday made up on the next working day after its holiday (Art. 6).
   The year's 调休 (extra days off, weekend working days; Art. 7) cannot be known, so every
   result that relied on an estimated year names that year and callers must warn.

A year before the statutory table applies and outside the package is judged on weekends alone
(also named, also warned about).

- ``add_working_days(cal, start, n)``: the first day is not counted (Art. 201).
- ``working_days_before(cal, end, n)``: n working days back from ``end`` (not counted).
- ``add_months`` / ``add_years``: the corresponding day (Art. 202; the month end when there is
  none), rolled past rest days to the next working day (Art. 203).

Not here: which period applies, or wording.
"""

from __future__ import annotations

import calendar
import threading
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import chinese_calendar

from ..types import Corpus
from .table import Quote, RuleTableError

_HERE = Path(__file__).parent
DEFAULT_ARRANGEMENTS = _HERE.parent / "data" / "arrangements"
DEFAULT_HOLIDAYS = _HERE / "holidays.toml"

NOTICE, PACKAGE, STATUTORY, WEEKENDS = "notice", "package", "statutory", "weekends"


@dataclass(frozen=True)
class Arrangement:
    """One year's official arrangement, from a reviewed file."""

    year: int
    title: str
    number: str
    published: date
    days_off: Mapping[date, str]  # day -> the holiday period's name
    working_weekends: frozenset[date]


@dataclass(frozen=True)
class StatutoryHoliday:
    name: str
    on: str  # "MM-DD", "lunar:MM-DD", "lunar:eve" or "term:清明"
    days: int
    quote: Quote  # the Art. 2 item it is read from


@dataclass(frozen=True)
class DayInfo:
    day: date
    working: bool
    source: str  # NOTICE | PACKAGE | STATUTORY | WEEKENDS
    name: str | None  # the holiday's Chinese name, when the day is one


@dataclass(frozen=True)
class CalendarResult:
    day: date
    estimated_years: tuple[int, ...] = ()  # years counted by the statutory estimate
    weekend_years: tuple[int, ...] = ()  # years counted on weekends alone
    notices: tuple[Arrangement, ...] = ()  # arrangements from reviewed files that were used
    holidays_skipped: tuple[str, ...] = ()  # e.g. ("2024-10-01 国庆节", ...)
    makeup_days_counted: tuple[str, ...] = ()  # weekend days that were working days (调休)


@dataclass(frozen=True)
class WorkCalendar:
    arrangements: Mapping[int, Arrangement]
    statutory: tuple[StatutoryHoliday, ...]
    makeup: Quote  # Art. 6
    statutory_from: date
    # year -> {day: name} of the statutory estimate, filled on first use (same input, same output)
    _estimates: dict[int, dict[date, str]] = field(default_factory=dict, compare=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, compare=False, repr=False)

    def day(self, day: date) -> DayInfo:
        arrangement = self.arrangements.get(day.year)
        if arrangement is not None:
            if day in arrangement.working_weekends:
                return DayInfo(day, True, NOTICE, None)
            name = arrangement.days_off.get(day)
            return DayInfo(day, name is None and day.weekday() < 5, NOTICE, name)
        try:
            working = chinese_calendar.is_workday(day)
            _, english = chinese_calendar.get_holiday_detail(day)
        except NotImplementedError:
            pass
        else:
            return DayInfo(day, working, PACKAGE, _chinese_name(english) if english else None)
        if date(day.year, 12, 31) < self.statutory_from:
            return DayInfo(day, day.weekday() < 5, WEEKENDS, None)
        name = self._estimate(day.year).get(day)
        return DayInfo(day, name is None and day.weekday() < 5, STATUTORY, name)

    def _estimate(self, year: int) -> dict[date, str]:
        with self._lock:
            if year not in self._estimates:
                self._estimates[year] = statutory_days(self.statutory, year)
            return self._estimates[year]

    def citations_needed(self, result: CalendarResult) -> tuple[Quote, ...]:
        """The articles an estimate rests on: Art. 2's items and Art. 6."""
        if not result.estimated_years:
            return ()
        return (*(h.quote for h in self.statutory), self.makeup)


def statutory_days(holidays: tuple[StatutoryHoliday, ...], year: int) -> dict[date, str]:
    """Every day off in ``year`` by Art. 2, plus Art. 6's make-up days: for each holiday day
    on a Saturday or Sunday, the next weekday after that holiday's days that is not already off."""
    off: dict[date, str] = {}
    blocks: list[tuple[str, list[date]]] = []
    for h in holidays:
        first = _first_day(h.on, year)
        days = [first + timedelta(days=i) for i in range(h.days)]
        blocks.append((h.name, days))
        off.update((d, h.name) for d in days if d.year == year)
    for name, days in blocks:
        owed = sum(1 for d in days if d.weekday() >= 5)
        day = days[-1]
        while owed:
            day += timedelta(days=1)
            if day.weekday() < 5 and day not in off:
                if day.year == year:
                    off[day] = f"{name}补假"
                owed -= 1
    return off


def _first_day(on: str, year: int) -> date:
    from lunar_python import Lunar, Solar

    if on == "lunar:eve":
        # the day before the first day of the lunar year that begins in this solar year
        new_year = Lunar.fromYmd(year, 1, 1).getSolar()
        return date(new_year.getYear(), new_year.getMonth(), new_year.getDay()) - timedelta(days=1)
    if on.startswith("lunar:"):
        month, day = (int(x) for x in on[6:].split("-"))
        solar = Lunar.fromYmd(year, month, day).getSolar()
        return date(solar.getYear(), solar.getMonth(), solar.getDay())
    if on.startswith("term:"):
        term = on[5:]
        for offset in range(366):
            d = date(year, 1, 1) + timedelta(days=offset)
            if Solar.fromYmd(d.year, d.month, d.day).getLunar().getJieQi() == term:
                return d
        raise RuleTableError(f"no solar term {term!r} in {year}")
    month, day = (int(x) for x in on.split("-"))
    return date(year, month, day)


_NAMES_EN: dict[str, str] = {h.value: getattr(h, "chinese", h.value) for h in chinese_calendar.Holiday}
# the package's short names, as the law and the notices write them
_LONG = {"清明": "清明节", "端午": "端午节", "中秋": "中秋节"}


def _chinese_name(english: str) -> str:
    zh = _NAMES_EN.get(english, english)
    return _LONG.get(zh, zh)


def holiday_name_en(zh: str) -> str:
    """An English name for a Chinese holiday name ("国庆节、中秋节", "元旦补假" included)."""
    back = {_LONG.get(v, v): k for k, v in _NAMES_EN.items()}
    parts = []
    for part in zh.split("、"):
        makeup = part.endswith("补假")
        base = part.removesuffix("补假")
        parts.append(back.get(base, base) + (" (make-up day)" if makeup else ""))
    return " / ".join(parts)


# --- loading ---------------------------------------------------------------------------


def load_work_calendar(
    corpus: Corpus | None = None, arrangements: Path = DEFAULT_ARRANGEMENTS, holidays: Path = DEFAULT_HOLIDAYS
) -> WorkCalendar:
    """Read the statutory table and every arrangement file. With ``corpus``, every quote must
    be verbatim in its unit; any problem is a ``RuleTableError`` naming the file."""
    data = _toml(holidays)
    statutory = []
    for entry in data.get("holiday", []):
        quote = Quote(str(entry["key"]), str(entry["text"]))
        statutory.append(StatutoryHoliday(str(entry["name"]), str(entry["on"]), _days(holidays, quote.text), quote))
    makeup = Quote(str(data["makeup"]["key"]), str(data["makeup"]["text"]))
    if corpus is not None:
        for quote in (*(h.quote for h in statutory), makeup):
            unit = corpus.units.get(quote.key)
            if unit is None or quote.text not in unit.text:
                raise RuleTableError(f"{holidays}: {quote.text!r} is not verbatim in {quote.key}")
    years = {}
    for path in sorted(arrangements.glob("*.toml")):
        arrangement = _arrangement(path)
        years[arrangement.year] = arrangement
    return WorkCalendar(years, tuple(statutory), makeup, data["valid_from"])


def _toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as problem:
        raise RuleTableError(f"{path}: cannot be read: {problem}") from None


def _days(path: Path, text: str) -> int:
    from ..numerals import parse_numeral

    start, end = text.find("放假"), text.find("天")
    count = parse_numeral(text[start + 2 : end]) if 0 <= start < end else None
    if not count:
        raise RuleTableError(f"{path}: no '放假N天' in {text!r}")
    return count


def _arrangement(path: Path) -> Arrangement:
    data = _toml(path)
    try:
        year = int(data["year"])
        off: dict[date, str] = {}
        work: set[date] = set()
        for period in data["period"]:
            first, last = period["from"], period["to"]
            if not isinstance(first, date) or not isinstance(last, date) or last < first:
                raise ValueError(f"period {period.get('name')!r} needs dates from <= to")
            day = first
            while day <= last:
                off[day] = str(period["name"])
                day += timedelta(days=1)
            work.update(period.get("work", []))
        bad = sorted(d for d in (*off, *work) if d.year != year) + sorted(d for d in work if d.weekday() < 5 or d in off)
        if bad:
            raise ValueError(f"days outside {year}, or working days that are weekdays or days off: {bad}")
        return Arrangement(year, str(data["title"]), str(data["number"]), data["published"], off, frozenset(work))
    except (KeyError, TypeError, ValueError) as problem:
        raise RuleTableError(f"{path}: not a valid arrangement: {problem}") from None


# --- counting --------------------------------------------------------------------------


def add_working_days(cal: WorkCalendar, start: date, n: int) -> CalendarResult:
    """The n-th working day after ``start`` (``start`` itself not counted); n >= 1."""
    if n < 1:
        raise ValueError("a working-day period has at least one day")
    return _walk(cal, start, n, +1)


def working_days_before(cal: WorkCalendar, end: date, n: int) -> CalendarResult:
    """The n-th working day counting back from ``end`` (``end`` itself not counted); n >= 1."""
    if n < 1:
        raise ValueError("a working-day period has at least one day")
    return _walk(cal, end, n, -1)


class _Tally:
    """What a walk over the calendar met: sources per year, holidays, make-up days."""

    def __init__(self, cal: WorkCalendar) -> None:
        self.cal = cal
        self.sources: dict[int, str] = {}
        self.skipped: list[str] = []
        self.makeup: list[str] = []

    def see(self, info: DayInfo) -> None:
        self.sources[info.day.year] = info.source
        if info.working and info.day.weekday() >= 5:
            self.makeup.append(info.day.isoformat())
        elif not info.working and info.name:
            self.skipped.append(f"{info.day.isoformat()} {info.name}")

    def result(self, day: date) -> CalendarResult:
        by = self.sources
        return CalendarResult(
            day,
            tuple(sorted(y for y, s in by.items() if s == STATUTORY)),
            tuple(sorted(y for y, s in by.items() if s == WEEKENDS)),
            tuple(self.cal.arrangements[y] for y in sorted(by) if by[y] == NOTICE),
            tuple(self.skipped),
            tuple(self.makeup),
        )


def _walk(cal: WorkCalendar, origin: date, n: int, step: int) -> CalendarResult:
    day, counted = origin, 0
    tally = _Tally(cal)
    while counted < n:
        day += timedelta(days=step)
        info = cal.day(day)
        tally.see(info)
        counted += info.working
    return tally.result(day)


def corresponding_day(start: date, months: int) -> date:
    """Art. 202: the day of the month ``months`` after ``start``; the month end if none."""
    total = start.year * 12 + (start.month - 1) + months
    year, month = divmod(total, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(start.day, last))


def roll_past_rest_days(cal: WorkCalendar, day: date) -> CalendarResult:
    """Art. 203: a last day that is a rest day moves to the day after the rest ends."""
    tally = _Tally(cal)
    info = cal.day(day)
    tally.see(info)
    while not info.working:
        day += timedelta(days=1)
        info = cal.day(day)
        tally.see(info)
    tally.makeup.clear()  # a roll counts no working days
    return tally.result(day)


def add_months(cal: WorkCalendar, start: date, months: int) -> tuple[date, CalendarResult]:
    """(the corresponding day, the last day after Art. 203) for a period of ``months``."""
    nominal = corresponding_day(start, months)
    return nominal, roll_past_rest_days(cal, nominal)


def add_years(cal: WorkCalendar, start: date, years: int) -> tuple[date, CalendarResult]:
    """(the corresponding day, the last day after Art. 203) for a period of ``years``."""
    return add_months(cal, start, 12 * years)

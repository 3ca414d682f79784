"""Date arithmetic on China's official working calendar, per 民法典 Arts. 201-203.

- ``add_working_days(start, n)``: the first day is not counted (Art. 201); the result is the
  n-th working day after ``start``. Working days follow the State Council's arrangement as
  carried by the ``chinese_calendar`` package: statutory holidays are skipped and weekend
  make-up days (调休) count.
- ``working_days_before(end, n)``: the day n working days before ``end`` (``end`` itself not
  counted), for windows such as "届满前60个工作日".
- ``add_months`` / ``add_years``: the corresponding day of the last month (Art. 202; the month
  end when there is none), then rolled past a rest day to the next working day (Art. 203).
  "法定休假日" is read as any day that is not a working day on the official calendar — the
  weekly rest days and the statutory holidays — which is how Chinese procedure counts it.

For a year the package has no data for (it raises ``NotImplementedError``), days are judged
on weekends alone and the result names that year in ``estimated_years``: callers must warn.

Not here: which period applies, or wording. No caching, no global state.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

import chinese_calendar


@dataclass(frozen=True)
class DayInfo:
    day: date
    working: bool
    official: bool  # False: judged on weekends alone, the year has no published arrangement
    name: str | None  # the holiday's name, when the calendar gives one


@dataclass(frozen=True)
class CalendarResult:
    day: date
    estimated_years: tuple[int, ...]  # years judged on weekends alone
    holidays_skipped: tuple[str, ...]  # e.g. ("2024-10-01 National Day", ...)
    makeup_days_counted: tuple[str, ...]  # weekend days that were working days (调休)


def day_info(day: date) -> DayInfo:
    """Whether ``day`` is a working day, from the official calendar when it has the year."""
    try:
        working = chinese_calendar.is_workday(day)
        _, name = chinese_calendar.get_holiday_detail(day)
    except NotImplementedError:
        return DayInfo(day, day.weekday() < 5, False, None)
    return DayInfo(day, working, True, name)


def add_working_days(start: date, n: int) -> CalendarResult:
    """The n-th working day after ``start`` (``start`` itself not counted); n >= 1."""
    if n < 1:
        raise ValueError("a working-day period has at least one day")
    return _walk(start, n, +1)


def working_days_before(end: date, n: int) -> CalendarResult:
    """The n-th working day counting back from ``end`` (``end`` itself not counted); n >= 1."""
    if n < 1:
        raise ValueError("a working-day period has at least one day")
    return _walk(end, n, -1)


def _walk(origin: date, n: int, step: int) -> CalendarResult:
    day, counted = origin, 0
    estimated: set[int] = set()
    skipped: list[str] = []
    makeup: list[str] = []
    while counted < n:
        day += timedelta(days=step)
        info = day_info(day)
        if not info.official:
            estimated.add(day.year)
        if info.working:
            counted += 1
            if day.weekday() >= 5:
                makeup.append(day.isoformat())
        elif info.name:
            skipped.append(f"{day.isoformat()} {info.name}")
    return CalendarResult(day, tuple(sorted(estimated)), tuple(skipped), tuple(makeup))


def corresponding_day(start: date, months: int) -> date:
    """Art. 202: the day of the month ``months`` after ``start``; the month end if none."""
    total = start.year * 12 + (start.month - 1) + months
    year, month = divmod(total, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(start.day, last))


def roll_past_rest_days(day: date) -> CalendarResult:
    """Art. 203: a last day that is a rest day moves to the day after the rest ends."""
    estimated: set[int] = set()
    skipped: list[str] = []
    info = day_info(day)
    while True:
        if not info.official:
            estimated.add(day.year)
        if info.working:
            break
        if info.name:
            skipped.append(f"{day.isoformat()} {info.name}")
        day += timedelta(days=1)
        info = day_info(day)
    return CalendarResult(day, tuple(sorted(estimated)), tuple(skipped), ())


def add_months(start: date, months: int) -> tuple[date, CalendarResult]:
    """(the corresponding day, the last day after Art. 203) for a period of ``months``."""
    nominal = corresponding_day(start, months)
    return nominal, roll_past_rest_days(nominal)


def add_years(start: date, years: int) -> tuple[date, CalendarResult]:
    """(the corresponding day, the last day after Art. 203) for a period of ``years``."""
    return add_months(start, 12 * years)


def holiday_name_zh(name: str) -> str:
    """The Chinese name of a holiday as ``chinese_calendar`` names it in English."""
    for holiday in chinese_calendar.Holiday:
        if holiday.value == name:
            return getattr(holiday, "chinese", name)
    return name

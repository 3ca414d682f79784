"""Compute the deadline a question asks for, from the period in the rule table.

Topics (``Facts.deadline_topic``) and what each counts from:

- ``filing``: 10 working days from the standard contract taking effect (Measures Art. 7;
  filing guide v2 "二、备案方式" from 2024-03-22). A date the question calls a signing date is
  used as the effective date, with a note.
- ``check``: 15 working days for the provincial office to check submitted materials.
- ``supplement``: 10 working days to supplement materials, from the date given (the notice).
- ``assessment_validity``: the security-assessment result is valid 3 years (Provisions Art. 9;
  2 years under the Security Assessment Measures Art. 14 before 2024-03-22); the 60-working-
  day window is counted back from the last day of validity (after Art. 203's roll-forward):
  under the Provisions it is when an extension may first be applied for, before them the
  latest day to apply again.
- ``certificate_validity``: a personal-information export certificate is valid 3 years and, to
  keep using it, certification is applied for again 6 months before it expires (Certification
  Measures Art. 8, from 2026-01-01). The article does not say from which day the 3 years run;
  they are counted from the certificate's issue, with a note saying so. The 6 months are
  counted back from the last day of validity to the corresponding day (the month end when
  there is none), with no roll: a step due *before* a day is not moved later.
- ``remediation``: 6 months from the Measures taking effect (Measures Art. 13); the start
  date is the one written in that article.

Working days, months and years are counted by ``calendar_days``. The rule in force on the
as-of date is applied; if the start date falls before that rule took effect, a note says so.

Not here: recognising that a question is a deadline question (``engine``) or wording.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..dates import DateMention
from ..errors import UsageError
from .calendar_days import (
    Arrangement,
    CalendarResult,
    WorkCalendar,
    add_months,
    add_working_days,
    add_years,
    corresponding_day,
    working_days_before,
)
from .facts import Facts
from .table import Period, Rule, RuleTableError

START_FACT = {
    "filing": "contract_effective_date",
    "check": "submission_date",
    "supplement": "notice_date",
    "assessment_validity": "assessment_result_date",
    "certificate_validity": "certificate_date",
}
_VALIDITY_TOPICS = ("assessment_validity", "certificate_validity")
# Start dates a period can be counted from: the lunar calendar and the date arithmetic of
# a period years long need room on both sides; no text here governs outside these years.
CALENDAR_RANGE = (date(1990, 1, 1), date(2090, 12, 31))


@dataclass(frozen=True)
class DeadlineDecision:
    topic: str
    start: date | None
    deadline: date | None
    period: Period
    missing: tuple[str, ...]
    calendar: CalendarResult | None  # how the deadline was counted
    corresponding_day: date | None = None  # month/year periods: Art. 202's day before any roll
    window: date | None = None  # validity: the 60-working-day mark before expiry
    window_calendar: CalendarResult | None = None
    notes: tuple[str, ...] = ()  # codes, rendered by ``statements``
    start_as_written: str = ""  # the question's words for the start ("上周三"), shown beside the date

    @property
    def _results(self) -> tuple[CalendarResult, ...]:
        return tuple(r for r in (self.calendar, self.window_calendar) if r is not None)

    @property
    def estimated_years(self) -> tuple[int, ...]:
        """Years counted by the statutory estimate (no published arrangement)."""
        return tuple(sorted({y for r in self._results for y in r.estimated_years}))

    @property
    def weekend_years(self) -> tuple[int, ...]:
        """Years counted on weekends alone (neither an arrangement nor the statutory table)."""
        return tuple(sorted({y for r in self._results for y in r.weekend_years}))

    @property
    def notices(self) -> tuple[Arrangement, ...]:
        """The published arrangements the count used, by year."""
        found = {a.year: a for r in self._results for a in r.notices}
        return tuple(found[y] for y in sorted(found))


def compute(rule: Rule, facts: Facts, cal: WorkCalendar) -> DeadlineDecision:
    period = rule.period("period")
    if rule.topic == "remediation":
        start = rule.day("start")
        nominal, result = _span(cal, start, period)
        return DeadlineDecision(rule.topic, start, result.day, period, (), result, corresponding_day=nominal)
    mention = _start_date(facts, rule.topic)
    if mention is None:
        return DeadlineDecision(rule.topic, None, None, period, (START_FACT[rule.topic],), None)
    start, written = mention.day, mention.typed or mention.raw  # quoted back as typed
    if not CALENDAR_RANGE[0] <= start <= CALENDAR_RANGE[1]:
        raise UsageError(
            f"the date {start.isoformat()} is outside the years the working calendar covers "
            f"({CALENDAR_RANGE[0].year}–{CALENDAR_RANGE[1].year})"
        )
    notes = []
    if start < rule.valid_from:
        notes.append("start_before_rule")
    if rule.topic == "filing" and facts.signed_not_effective:
        notes.append("signing_date_taken_as_effective")
    if period.unit == "workday":
        result = add_working_days(cal, start, period.amount)
        return DeadlineDecision(
            rule.topic, start, result.day, period, (), result, notes=tuple(notes), start_as_written=written
        )
    if rule.topic not in _VALIDITY_TOPICS:
        raise RuleTableError(f"{rule.id}: no computation for topic {rule.topic!r} with {period.text!r}")
    if rule.topic == "certificate_validity":
        notes.append("certificate_validity_from_issue")
    nominal, result = _span(cal, start, period)
    window = rule.period("window")
    back = _before(cal, result.day, window)
    return DeadlineDecision(
        rule.topic,
        start,
        result.day,
        period,
        (),
        result,
        corresponding_day=nominal,
        window=back.day,
        window_calendar=back,
        notes=tuple(notes),
        start_as_written=written,
    )


def _before(cal: WorkCalendar, end: date, window: Period) -> CalendarResult:
    """The day a window of working days or months before ``end`` begins."""
    if window.unit == "workday":
        return working_days_before(cal, end, window.amount)
    if window.unit == "month":
        return CalendarResult(corresponding_day(end, -window.amount))
    raise RuleTableError(f"cannot count a window of {window.text!r} back from a day")


def _span(cal: WorkCalendar, start: date, period: Period) -> tuple[date, CalendarResult]:
    if period.unit == "month":
        return add_months(cal, start, period.amount)
    if period.unit == "year":
        return add_years(cal, start, period.amount)
    raise RuleTableError(f"cannot count a period of {period.text!r} in months or years")


def _start_date(facts: Facts, topic: str) -> DateMention | None:
    """The date the period runs from: the first date given other than "today"; for the
    filing period only a date the question gives the contract (see ``Facts.contract_dated``)."""
    if topic == "filing" and not facts.contract_dated:
        return None
    explicit = [d for d in facts.dates if d.raw.lower() not in ("今天", "今日", "today")]
    chosen = explicit or list(facts.dates)
    return chosen[0] if chosen else None

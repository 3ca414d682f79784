"""The rules module's entry point: decide a threshold or deadline question, or decline it.

``RuleEngine(corpus, table)`` checks the table against the corpus once (every cited key
exists, every number and quote is verbatim in its unit) and refuses an unfit table.
``evaluate(question, as_of)`` reads the facts, recognises the kind of question and applies
the rule in force on ``as_of``:

- a deadline question (a deadline topic and a start date) → ``deadlines``;
- a deadline question that clearly asks for a date but gives no start date → needs that date;
- a transfer-path question (transfer context plus a count of people, or a question about
  which mechanism applies) → ``transfer``;
- anything else, or a date before any rule of the table → ``None`` (retrieval answers).

The question's wording never changes a decision except through the facts it states: an
instruction inside the question ("直接说可以签标准合同") is not a fact and is ignored.

Not here: reading facts, deciding, wording — each has its module.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from ..reading import Reading
from ..types import Corpus, RuleResult
from . import deadline_statements, deadlines, followup, notes, statements, transfer
from .calendar_days import WorkCalendar, load_work_calendar
from .citations import cite, cite_quotes
from .facts import Facts, extract_facts
from .table import Rule, RuleTable, RuleTableError, check_table

_NOTE_AS_ASSUMPTION = ("important_data_assumed_none",)


class RuleEngine:
    def __init__(self, corpus: Corpus, table: RuleTable, calendar: WorkCalendar | None = None) -> None:
        problems = check_table(table, corpus)
        if problems:
            raise RuleTableError("the rule table does not fit the corpus:\n" + "\n".join(problems))
        self._corpus = corpus
        self._table = table
        # the statutory holidays and each year's arrangement, checked against the corpus once
        self._calendar = calendar or load_work_calendar(corpus)

    @property
    def table(self) -> RuleTable:
        return self._table

    def evaluate(self, question: Reading | str, as_of: date) -> RuleResult | None:
        """The rule decision for ``question`` (its ``Reading``, or a string read here) as of
        ``as_of``, or None if no rule decides it."""
        reading = Reading.coerce(question)
        if not reading.text.strip():
            return None
        return self._decide(extract_facts(reading, as_of), as_of, reading.english)

    def evaluate_followup(
        self, question: Reading | str, earlier: Sequence[Reading | str], as_of: date
    ) -> RuleResult | None:
        """Decide ``question`` with the facts of the ``earlier`` questions (first to last)
        carried forward (``followup.merge``); None when no rule can use the result."""
        reading = Reading.coerce(question)
        if not reading.text.strip() or not earlier:
            return None
        first, *rest = (Reading.coerce(q) for q in earlier)
        facts = extract_facts(first, as_of)
        for r in (*rest, reading):
            facts = followup.merge(facts, extract_facts(r, as_of), r.text)
        return self._decide(facts, as_of, reading.english)

    def _decide(self, facts: Facts, as_of: date, en: bool) -> RuleResult | None:
        kind = classify(facts)
        if kind == "deadline":
            rule = self._table.find("deadline", facts.deadline_topic or "", as_of)
            return self._deadline(rule, facts, as_of, en) if rule else None
        if kind == "transfer":
            rule = self._table.find("transfer", "transfer", as_of)
            result = self._transfer(rule, facts, as_of, en) if rule else None
            if result is not None and result.missing_facts and facts.asks_duties and not facts.asks_path:
                # "出境人数不到10万，不用签SCC了，那PIA也不用做了吗？" asks about duties that hold
                # whatever the route (Provisions Art. 10): the texts answer it, and the
                # facts a route would need are not asked for.
                return None
            if result is not None and result.missing_facts and facts.names_treaty:
                # "如果我国和对方国家签订的协定对出境条件有专门约定…": the treaty's own conditions
                # may apply (PIPL Art. 38, Regulation Art. 36), which the texts answer and the
                # rule table cannot.
                return None
            return result
        return None

    # --- transfer -----------------------------------------------------------------------

    def _transfer(self, rule: Rule, facts: Facts, as_of: date, en: bool) -> RuleResult:
        if facts.conflicts:
            # "我们是关基 … 我们不是关基": neither statement is chosen over the other
            return RuleResult(
                id=rule.id,
                version=rule.version,
                decision={},
                facts=facts.to_dict(),
                missing_facts=facts.conflicts,
                warnings=(),
                citations=(),
                statement=notes.conflict_statement(facts.conflicts, en),
            )
        impossible = [c for c in facts.counts if c.impossible]
        if impossible:
            # Never decide a path from "-5万人" or "10^12人": ask for the real count.
            return RuleResult(
                id=rule.id,
                version=rule.version,
                decision={},
                facts=facts.to_dict(),
                missing_facts=tuple(dict.fromkeys(f"count_{c.category}" for c in impossible)),
                warnings=(),
                citations=(),
                statement=notes.impossible_count_statement(impossible[0].typed or impossible[0].raw, rule.counting, en),
            )
        inputs = transfer.known_inputs(rule, facts)
        decision = transfer.decide(rule, inputs)
        codes = list(inputs.notes)
        extra_cites: list[str] = []
        if rule.counting == "current_year" and facts.old_terms and rule.has("prevails"):
            codes.append("old_terms")
            extra_cites.append("prevails")
        if rule.logic == "security_assessment_only":
            codes.append("measures_not_in_force")
        outcome = decision.outcome
        if outcome is None:
            names = [n for n, _ in rule.numbers]
        else:
            names = list(outcome.basis)
            if outcome.label == transfer.NO_CONTRACT_YET:
                names = [n for n, _ in rule.numbers] + names
            if "important_data_assumed_none" in codes and rule.has("important_data_notified"):
                extra_cites.append("important_data_notified")
            elif facts.important_data_not_notified and rule.has("important_data_notified"):
                # "可能算重要数据，但从来没有部门通知过我们": Art. 2 is what settles it, so it is
                # quoted beside the decision, not only used
                codes.append("important_data_not_notified")
                extra_cites.append("important_data_notified")
            if facts.circumvents and rule.has("no_splitting"):
                # a plan to stay under a threshold by splitting: decided on the total, with
                # the rule that forbids the splitting quoted
                codes.append("no_splitting")
                extra_cites.append("no_splitting")
            if facts.asks_duties and rule.has("other_duties"):
                # "does being exempt also release us from consent?": no route, the exemption
                # included, lifts them (Provisions Art. 10)
                codes.append("other_duties")
                extra_cites.append("other_duties")
        citations = cite(self._corpus, rule, names + extra_cites)
        statement = statements.transfer_statement(
            rule, decision, citations, as_of, tuple(codes), en, self._table, facts.asked_mechanism
        )
        assumptions = [notes.note_text(n, rule, as_of, en, self._table) for n in codes if n in _NOTE_AS_ASSUMPTION]
        warnings = tuple(notes.note_text(n, rule, as_of, en, self._table) for n in codes if n not in _NOTE_AS_ASSUMPTION)
        return RuleResult(
            id=rule.id,
            version=rule.version,
            decision=_transfer_decision(rule, decision, assumptions, self._corpus, names),
            facts=facts.to_dict(),
            missing_facts=decision.missing,
            warnings=warnings,
            citations=citations,
            statement=statement,
        )

    # --- deadlines ----------------------------------------------------------------------

    def _deadline(self, rule: Rule, facts: Facts, as_of: date, en: bool) -> RuleResult:
        d = deadlines.compute(rule, facts, self._calendar)
        names = [n for n, _ in rule.numbers]
        if d.deadline is not None:
            names.append("first_day")
            if d.corresponding_day is not None:
                names.append("corresponding_day")
                # quoted when it moved the day, or when the question asks what a holiday would do
                if d.corresponding_day != d.deadline or facts.mentions_holiday:
                    names.append("holiday_roll")
        citations = cite(self._corpus, rule, names)
        results = [r for r in (d.calendar, d.window_calendar) if r is not None]
        holiday_law = [q for r in results for q in self._calendar.citations_needed(r)]
        citations += tuple(c for c in cite_quotes(self._corpus, holiday_law) if c.key not in {x.key for x in citations})
        warnings = deadline_statements.calendar_warnings(d.estimated_years, d.weekend_years, en)
        return RuleResult(
            id=rule.id,
            version=rule.version,
            decision=_deadline_decision(rule, d),
            facts=facts.to_dict(),
            missing_facts=d.missing,
            warnings=warnings,
            citations=citations,
            statement=deadline_statements.deadline_statement(rule, d, citations, as_of, en),
        )


def classify(facts: Facts) -> str | None:
    """ "deadline", "transfer" or None: which rule family, if any, the question is for."""
    people = any(c.category in ("general", "sensitive") for c in facts.counts)
    stated = people or facts.ciio is not None or facts.important_data is not None or facts.scenarios
    # With no fact stated, a mechanism named inside an information question ("if we must
    # file, what materials?", "how long does a certificate last?") is not a question about
    # the route: the texts answer it. "Which route?" and a plain "do we need X?" still are.
    asks = facts.asks_path and (stated or facts.asks_which_path or not facts.wh_question)
    transfer_q = (facts.transfer_context and (people or asks)) or (asks and people)
    if facts.important_data_status_asked and not (people or facts.ciio is not None or facts.scenarios):
        # "从来没有被通知过哪些是重要数据，还要按重要数据申报吗？" asks whether the data counts as
        # important data, which Provisions Art. 2 answers; nothing stated would decide a route.
        transfer_q = False
    if (facts.anonymised or facts.names_certifier) and not stated:
        # "只给匿名化处理后的数据，还要签标准合同吗？" turns on PIPL Art. 4's definition, and a
        # question about what a certification body must do or how it certifies decides no
        # route: the texts answer both.
        transfer_q = False
    topic = facts.deadline_topic
    if topic == "remediation" and facts.asks_date:
        return "deadline"
    if topic in deadlines.START_FACT:
        dated = bool(facts.dates) and (topic != "filing" or facts.contract_dated)
        if dated and (facts.asks_date or not transfer_q):
            return "deadline"
        if not dated and facts.asks_specific_date:
            return "deadline"  # computes nothing; asks for the start date
    return "transfer" if transfer_q else None


def _transfer_decision(
    rule: Rule, decision: transfer.TransferDecision, assumptions: list[str], corpus: Corpus, names: list[str]
) -> dict[str, Any]:
    outcome = decision.outcome
    if outcome is None:
        return {}
    basis = list(dict.fromkeys(rule.anchor(n).key for n in outcome.basis))
    out: dict[str, Any] = {}
    if outcome.label == transfer.NO_CONTRACT_YET:
        # Before the Measures there is no standard-contract mechanism: no "mechanism" key at all
        # rather than a fourth mechanism value.
        out["security_assessment_required"] = False
        out["standard_contract_available"] = False
        if rule.valid_until is not None:
            out["standard_contract_available_from"] = (rule.valid_until + timedelta(days=1)).isoformat()
    else:
        out["mechanism"] = outcome.label
    out["basis"] = basis
    out["counting"] = {"current_year": "自当年1月1日起", "since_previous_year": "自上年1月1日起"}[
        rule.counting or "current_year"
    ]
    if assumptions:
        out["assumptions"] = assumptions
    return out


_WINDOW_KEY = {"assessment_validity_extend": "extension_window_opens", "certificate_renewal": "apply_by"}


def _deadline_decision(rule: Rule, d: deadlines.DeadlineDecision) -> dict[str, Any]:
    if d.deadline is None:
        return {}
    out: dict[str, Any] = {
        "deadline": d.deadline.isoformat(),
        "start": d.start.isoformat() if d.start else None,
        "period": d.period.text,
        "topic": d.topic,
        "calendar": _calendar_label(d),
    }
    if d.notices:
        out["arrangements"] = [f"{a.title}（{a.number}）" for a in d.notices]
    if d.calendar is not None:
        out["holidays_skipped"] = list(d.calendar.holidays_skipped)
        out["makeup_workdays_counted"] = list(d.calendar.makeup_days_counted)
    if d.corresponding_day is not None:
        out["corresponding_day"] = d.corresponding_day.isoformat()
    if d.window is not None:
        out[_WINDOW_KEY.get(rule.logic, "reapply_by")] = d.window.isoformat()
    return out


def _calendar_label(d: deadlines.DeadlineDecision) -> str:
    """"official", or which years were estimated and how."""
    parts = []
    if d.estimated_years:
        parts.append("statutory_estimate_for_" + ",".join(map(str, d.estimated_years)))
    if d.weekend_years:
        parts.append("weekends_only_for_" + ",".join(map(str, d.weekend_years)))
    return ";".join(parts) or "official"

"""Decide the transfer path (exempt / standard contract or certification / security assessment).

Two steps, both pure:

1. ``known_inputs(rule, facts)`` turns what the question states into what the rule can use:
   each count becomes a range of possible values *in the rule's counting period* — exact
   when the question counts over that period, an upper bound when it counts over a longer one
   (自上年1月1日起 under the 2024 Provisions), a lower bound when over a shorter one (今年 under
   the Measures), unknown when over a period that does not count (去年 under the Provisions).
   Unstated important data is taken as none: under the Provisions (Art. 2) data not notified
   or published as important need not be declared; before them, the question's silence is
   taken the same way. This assumption is recorded, never hidden.
2. ``decide(rule, inputs)`` runs the rule's logic over every combination of the values the
   unknowns could take (CIIO yes/no; counts at, just below and just above each threshold of
   the rule and at the ends of their ranges). One outcome → decided. Several → the facts whose
   value changes the outcome are returned as missing; nothing is guessed.

Outcome labels are the three ``MECHANISMS`` plus ``"no_standard_contract_yet"``: before
2023-06-01 a transfer below the security-assessment thresholds had no standard-contract
mechanism to use (the Measures were not in force). A scenario exemption counts only under a
rule that quotes the text granting it (Provisions Arts. 3-6 from 2024-03-22; a statutory duty,
Network Data Regulation Art. 35(6), from 2025-01-01); on earlier dates it is ignored with a note.

The thresholds come from the rule table; nothing here knows a number or a date.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass

from .counts import CountMention
from .facts import Facts
from .table import Rule, RuleTableError

NO_CONTRACT_YET = "no_standard_contract_yet"
# Network Data Regulation Art. 35(6), from 2025-01-01, beside Provisions Art. 5's three
_EXEMPT_SCENARIOS = ("contract_with_individual", "hr_management", "emergency", "statutory_duty")
_WHOLE_SCENARIOS = ("no_personal_info", "collected_abroad")


@dataclass(frozen=True)
class Span:
    """The values a count can take: ``low`` ≤ count ≤ ``high`` (None: no upper bound)."""

    low: int
    high: int | None

    @property
    def exact(self) -> bool:
        return self.high == self.low


@dataclass(frozen=True)
class Inputs:
    ciio: bool | None
    general: Span | None  # None: not stated
    sensitive: Span | None
    processed: Span | None
    important_data: bool
    scenarios: tuple[str, ...]
    notes: tuple[str, ...]  # codes, rendered by ``statements``
    stated: tuple[CountMention, ...]  # the counts as the question gives them, for the facts line


@dataclass(frozen=True)
class Situation:
    """One concrete set of facts the logic can decide."""

    ciio: bool
    general: int
    sensitive: int
    processed: int
    important_data: bool
    scenarios: tuple[str, ...]


@dataclass(frozen=True)
class Outcome:
    label: str  # a mechanism, or NO_CONTRACT_YET
    basis: tuple[str, ...]  # names of the rule's numbers/quotes that carry the decision


@dataclass(frozen=True)
class Branch:
    """The outcome for one value of a missing fact: CIIO or not (``low`` 1 or 0), or a count
    in ``low`` ≤ count < ``high`` (``high`` None: no upper bound). When another missing fact
    still decides it, ``outcome`` is None and ``then`` branches on that fact."""

    fact: str
    low: int
    high: int | None
    outcome: Outcome | None
    then: tuple[Branch, ...] = ()


# One combination of the unknowns' values (CIIO as False/True) and its outcome.
Combo = tuple[dict[str, int], Outcome]


@dataclass(frozen=True)
class TransferDecision:
    outcome: Outcome | None  # None: facts are missing
    missing: tuple[str, ...]  # "ciio" | "count_general" | "count_sensitive" | "count_processed"
    possible: tuple[str, ...]  # the labels still open when facts are missing
    inputs: Inputs
    # when one or two facts are missing: the outcome under each of their values, so the
    # answer can give them all before asking for the facts
    branches: tuple[Branch, ...] = ()


def known_inputs(rule: Rule, facts: Facts) -> Inputs:
    notes: list[str] = []
    general = _span(rule, facts, "general", notes)
    sensitive = _span(rule, facts, "sensitive", notes)
    if sensitive is None and facts.sensitive_denied:
        sensitive = Span(0, 0)
    processed = None
    if rule.has("assessment_processed"):
        m = facts.count("processed")
        if m is not None:
            processed = Span(m.low, m.high)
            if m.approximate:
                notes.append("approximate")
    important = facts.important_data
    if important is None:
        important = False
        notes.append("important_data_assumed_none")
    # A scenario counts only under a rule that quotes the text granting it.
    scenarios = tuple(sc for sc in facts.scenarios if rule.has(sc))
    dropped = [sc for sc in facts.scenarios if sc not in scenarios]
    if "statutory_duty" in dropped:
        notes.append("statutory_duty_not_in_force")
    if any(sc != "statutory_duty" for sc in dropped):
        notes.append("scenarios_not_in_force")
    notes_once = tuple(dict.fromkeys(notes))
    return Inputs(facts.ciio, general, sensitive, processed, important, scenarios, notes_once, facts.counts)


def _span(rule: Rule, facts: Facts, category: str, notes: list[str]) -> Span | None:
    mentions = [c for c in facts.counts if c.category == category]
    if not mentions:
        return None
    mention = _best(rule, facts, mentions)
    period = mention.period or facts.period
    # Only a count over the same period adds up ("去年8万人，今年又传了3万人" does not).
    extra = [m for m in mentions if m is not mention and m.additional and (m.period or facts.period) == period]
    if mention.approximate or any(m.approximate for m in extra):
        notes.append("approximate")
    low, high = mention.low, mention.high
    if extra:
        # The thresholds count cumulatively: what is sent on top of a count already given adds to it.
        notes.append("counts_added")
        low += sum(m.low for m in extra)
        high = None if high is None or any(m.high is None for m in extra) else high + sum(m.high for m in extra if m.high is not None)
    # Counts sent side by side over the same period, none said to be the total or a part of
    # another ("A业务提供了5万人，B业务提供了8万人"): they may name the same people or different
    # ones, so the cumulative count lies between the largest and the sum. The decision stands
    # only if it is the same across that range; otherwise the total is asked for.
    side = [
        m for m in mentions
        if m is not mention and all(m is not e for e in extra) and m.sent and not (m.part or m.additional or m.total)
        and (m.period or facts.period) == period
    ]
    if side and mention.sent and not mention.total:
        # said to be different people ("用户不重叠"): the sum is the count
        notes.append("counts_added" if facts.distinct_people else "counts_side_by_side")
        low = low + sum(m.low for m in side) if facts.distinct_people else max(low, *(m.low for m in side))
        high = None if high is None or any(m.high is None for m in side) else high + sum(m.high for m in side if m.high is not None)
    if period is None or period == rule.counting:
        return Span(low, high)
    if rule.counting == "current_year":
        if period == "since_previous_year":
            notes.append("period_longer_than_rule")
            return Span(0, high)
        notes.append("period_last_year_not_counted")
        return None
    notes.append("period_shorter_than_rule")
    return Span(low, None)


def _best(rule: Rule, facts: Facts, mentions: list[CountMention]) -> CountMention:
    """Prefer a count said to be the total, then one over the rule's own counting period,
    then the first; at each step a count said to be sent abroad over one that is not
    ("公司有15万用户，今年向境外提供了8万人")."""
    for pool in ([m for m in mentions if m.total], [m for m in mentions if (m.period or facts.period) == rule.counting]):
        if pool:
            return next((m for m in pool if m.sent), pool[0])
    return next((m for m in mentions if m.sent), mentions[0])


def decide(rule: Rule, inputs: Inputs) -> TransferDecision:
    logic = _LOGIC.get(rule.logic)
    if logic is None:
        raise RuleTableError(f"{rule.id}: unknown transfer logic {rule.logic!r}")
    amounts = {name: rule.amount(name) for name, _ in rule.numbers}  # read the table once
    axes = _axes(rule, inputs, sorted(set(amounts.values())))
    names = list(axes)
    uses_processed = rule.has("assessment_processed")
    combos = []
    for values in itertools.product(*(axes[n] for n in names)):
        v = dict(zip(names, values, strict=True))
        # Nobody sends abroad more people's information than they process.
        if (
            uses_processed
            and inputs.processed is None
            and v["count_processed"] < max(v["count_general"], v["count_sensitive"])
        ):
            continue
        situation = Situation(
            bool(v["ciio"]),  # (already a bool: the axis holds False and True)
            v["count_general"],
            v["count_sensitive"],
            v["count_processed"],
            inputs.important_data,
            inputs.scenarios,
        )
        combos.append((v, logic(rule.id, amounts, situation)))
    labels = tuple(dict.fromkeys(o.label for _, o in combos))
    if len(labels) == 1:
        bases = [set(o.basis) for _, o in combos]
        common = set.intersection(*bases)
        first = combos[0][1].basis
        basis = tuple(b for b in first if b in common) or first
        return TransferDecision(Outcome(labels[0], basis), (), labels, inputs)
    varying = [n for n in names if len(axes[n]) > 1]
    missing = tuple(n for n in varying if _matters(n, names, combos)) or tuple(varying)
    branches = _branches(missing, combos) if len(missing) <= 2 else ()
    return TransferDecision(None, missing, labels, inputs, branches)


def _branches(facts: tuple[str, ...], combos: list[Combo]) -> tuple[Branch, ...]:
    """Outcome per value of the first missing fact, values with one outcome merged into
    ranges, branching on the next fact where the first alone does not decide; empty when
    some combination stays open (a fact not asked for still matters)."""
    name, rest = facts[0], facts[1:]
    by_value: dict[int, list[Combo]] = {}
    for v, outcome in combos:
        by_value.setdefault(int(v[name]), []).append((v, outcome))

    def key(group: list[Combo]) -> tuple[object, ...]:
        labels = {o.label for _, o in group}
        if len(labels) == 1:
            return ("decided", labels.pop())
        return ("open", _branch_shape(_branches(rest, group)) if rest else None)

    runs: list[tuple[int, list[Combo]]] = []
    for value in sorted(by_value):
        group = by_value[value]
        if runs and key(runs[-1][1]) == key(group):
            runs[-1][1].extend(group)
        else:
            runs.append((value, list(group)))
    out = []
    for i, (low, group) in enumerate(runs):
        high = low + 1 if name == "ciio" else runs[i + 1][0] if i + 1 < len(runs) else None
        labels = {o.label for _, o in group}
        if len(labels) == 1:
            out.append(Branch(name, low, high, group[0][1]))
            continue
        then = _branches(rest, group) if rest else ()
        if not then:
            return ()
        out.append(Branch(name, low, high, None, then))
    return tuple(out)


def _branch_shape(branches: tuple[Branch, ...]) -> tuple[object, ...]:
    """What a run of values must share to merge: the same sub-branches and outcomes. Where
    the first sub-branch starts is left out: nobody processes fewer people's information than
    they send abroad, so it starts at the count this run sends, which is no threshold and would
    otherwise split the run at every point tried ("1人以上、不满2人")."""
    return tuple(
        (b.low if i else None, b.high, b.outcome.label if b.outcome else None, _branch_shape(b.then))
        for i, b in enumerate(branches)
    )


def _matters(name: str, names: list[str], combos: list[Combo]) -> bool:
    groups: dict[tuple[int, ...], set[str]] = {}
    for v, outcome in combos:
        key = tuple(v[n] for n in names if n != name)
        groups.setdefault(key, set()).add(outcome.label)
    return any(len(labels) > 1 for labels in groups.values())


def _axes(rule: Rule, inputs: Inputs, thresholds: list[int]) -> dict[str, tuple[int, ...]]:
    return {
        # Not a CIIO first: when the outcome is the same either way, the basis reported is
        # then one that holds without assuming the unstated fact (important data, a count).
        "ciio": (inputs.ciio,) if inputs.ciio is not None else (False, True),
        "count_general": _points(inputs.general, thresholds),
        "count_sensitive": _points(inputs.sensitive, thresholds),
        "count_processed": _points(inputs.processed, thresholds) if rule.has("assessment_processed") else (0,),
    }


def _points(span: Span | None, thresholds: list[int]) -> tuple[int, ...]:
    """Values that reach every region the thresholds cut the span into."""
    span = span or Span(0, None)
    top = span.high if span.high is not None else max([*thresholds, span.low]) * 10 + 1
    points = {span.low, top}
    for t in [*thresholds, 1]:
        points.update(p for p in (t - 1, t, t + 1) if span.low <= p <= top)
    return tuple(sorted(points))


# --- the logics --------------------------------------------------------------------------


def _security_assessment_only(rule_id: str, n: Mapping[str, int], s: Situation) -> Outcome:
    basis = _assessment_triggers(n, s)
    if basis:
        return Outcome("security_assessment", basis)
    return Outcome(NO_CONTRACT_YET, ("measures_effective",))


def _measures_and_security_assessment(rule_id: str, n: Mapping[str, int], s: Situation) -> Outcome:
    basis = _assessment_triggers(n, s)
    if basis:
        return Outcome("security_assessment", basis)
    # Measures Art. 4: all four conditions must hold together.
    if (
        not s.ciio
        and s.processed < n["contract_processed_below"]
        and s.general < n["contract_general_below"]
        and s.sensitive < n["contract_sensitive_below"]
    ):
        return Outcome(
            "standard_contract_or_certification",
            ("contract_ciio", "contract_processed_below", "contract_general_below", "contract_sensitive_below"),
        )
    raise RuleTableError(f"{rule_id}: thresholds leave a gap between assessment and standard contract")


def _assessment_triggers(n: Mapping[str, int], s: Situation) -> tuple[str, ...]:
    """Security Assessment Measures Art. 4 (items 1-3)."""
    basis = []
    if s.important_data:
        basis.append("important_data")
    if s.ciio:
        basis.append("ciio")
    if s.processed >= n["assessment_processed"]:
        basis.append("assessment_processed")
    if s.general >= n["assessment_general"]:
        basis.append("assessment_general")
    if s.sensitive >= n["assessment_sensitive"]:
        basis.append("assessment_sensitive")
    return tuple(basis)


def _provisions_2024(rule_id: str, n: Mapping[str, int], s: Situation) -> Outcome:
    # Art. 6 exempts any data outside a free trade zone's list; its text makes no exception
    # for important data or CIIOs (what needs a mechanism is for the list to say).
    if "ftz_outside_list" in s.scenarios:
        return Outcome("exempt", ("ftz_outside_list",))
    # Arts. 3 and 4 take the data out of all three mechanisms, CIIO or not (Art. 7 para. 2).
    for scenario in _WHOLE_SCENARIOS:
        if scenario in s.scenarios and not s.important_data:
            return Outcome("exempt", (scenario,))
    exempt_by = [sc for sc in _EXEMPT_SCENARIOS if sc in s.scenarios]
    if exempt_by:
        if s.important_data:  # Art. 5 para. 2: the exemption never covers important data
            return Outcome("security_assessment", ("exempt_excludes_important", "important_data"))
        return Outcome("exempt", tuple(exempt_by))
    if s.important_data:
        return Outcome("security_assessment", ("ciio",) if s.ciio else ("important_data",))
    if s.ciio:
        return Outcome("security_assessment", ("ciio",))
    triggers = []
    if s.general >= n["assessment_general"]:
        triggers.append("assessment_general")
    if s.sensitive >= n["assessment_sensitive"]:
        triggers.append("assessment_sensitive")
    if triggers:
        return Outcome("security_assessment", tuple(triggers))
    contract = []
    if n["contract_general"] <= s.general < n["contract_general_below"]:
        contract += ["contract_general", "contract_general_below"]
    if 0 < s.sensitive < n["contract_sensitive_below"]:
        contract.append("contract_sensitive_below")
    if contract:
        return Outcome("standard_contract_or_certification", tuple(contract))
    if s.general < n["exempt_general_below"] and s.sensitive == 0:
        return Outcome("exempt", ("exempt_general_below",))
    raise RuleTableError(f"{rule_id}: thresholds leave a gap between exemption and standard contract")


_LOGIC = {
    "security_assessment_only": _security_assessment_only,
    "measures_and_security_assessment": _measures_and_security_assessment,
    "provisions_2024": _provisions_2024,
}

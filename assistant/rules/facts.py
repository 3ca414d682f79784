"""Read the facts a rule needs from a question, in Chinese or English.

``extract_facts(question, as_of)`` returns a frozen ``Facts``: CIIO status, the counts of
people whose personal information goes abroad (ordinary / sensitive) and of people whose
information is processed, the period each count covers, important data, the scenario
exemptions, dates, and what kind of question it is (asks for a transfer path, or for a
deadline of some kind). Every fact the question does not state is ``None`` — never a default.

The reading is shared out: ``asserted`` first blanks what is not the asker's own statement;
``counts`` reads the counts of people and their period, ``status`` the CIIO status and
important data, ``scenarios`` the exemptions, ``conflicts`` what is stated both ways, and
``asked`` which mechanism a yes/no question is about. What kind of question it is, is read
here. Every regular expression is one of ``patterns``, kept with its examples in
``patterns/*.toml``.

Deliberately not done here: deciding anything. Nothing in this module knows a threshold or
a date on which law changed; ``transfer`` and ``deadlines`` do.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import date
from typing import Any

from ..dates import DateMention, resolve
from ..numerals import fold_digits
from ..patterns import pattern
from ..reading import Reading
from .asked import asked_mechanism
from .asserted import asserted
from .conflicts import conflicting
from .counts import CountMention, counting_period, period_spans, read_counts
from .scenarios import scenarios
from .status import ciio, important_data


@dataclass(frozen=True)
class Facts:
    """What a question states. ``None`` always means "not stated"."""

    ciio: bool | None
    counts: tuple[CountMention, ...]
    important_data: bool | None
    important_data_status_asked: bool  # the question is whether its data counts as important data
    important_data_not_notified: bool  # says no one notified or published it as important data (Art. 2)
    scenarios: tuple[str, ...]
    period: str | None  # the counting period named anywhere in the question
    old_terms: bool  # framed in the Measures' pre-2024 terms (上年, 《办法》第四条, 处理…人)
    transfer_context: bool
    asks_path: bool  # asks which path, or whether a mechanism is needed or usable
    asks_which_path: bool  # asks which path in so many words
    wh_question: bool  # asks what, how, who... rather than yes or no
    sensitive_denied: bool  # the question says there is no sensitive personal information
    deadline_topic: str | None  # "filing" | "check" | "supplement" | "assessment_validity" | "certificate_validity"
    # | "remediation"
    asks_date: bool
    asks_specific_date: bool
    dates: tuple[DateMention, ...]
    signed_not_effective: bool  # the date given is a signing date and 生效 is not mentioned
    # A date can be the contract's only when the question speaks of it taking effect or being
    # signed: "2026年1月1日到现在传了3.2万人…还要备案吗" dates the count, not a contract.
    contract_dated: bool = False
    anonymised: bool = False  # the data is said to be anonymised (PIPL Art. 4: not personal information)
    names_certifier: bool = False  # a certification body is named (the asker or the subject)
    circumvents: bool = False  # plans a transfer so as to stay under a threshold (Measures Art. 4)
    asks_duties: bool = False  # speaks of notice, separate consent or the impact assessment
    names_treaty: bool = False  # a treaty or agreement between states may set the conditions
    distinct_people: bool = False  # the counts given are said to be of different people
    mentions_holiday: bool = False  # raises a last day on a holiday, so Art. 203 is quoted
    asked_mechanism: str | None = None  # a yes/no question whether this mechanism is needed (``asked``)
    conflicts: tuple[str, ...] = ()  # facts the asker stated both ways ("ciio"): asked back, never chosen

    def count(self, category: str) -> CountMention | None:
        """The first count of that category, if any."""
        return next((c for c in self.counts if c.category == category), None)

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form, for ``RuleResult.facts``."""
        out = asdict(self)
        out["dates"] = [{"date": d.day.isoformat(), "raw": d.raw, "typed": d.typed} for d in self.dates]
        out["counts"] = [asdict(c) for c in self.counts]
        out["scenarios"] = list(self.scenarios)
        return out


def extract_facts(question: Reading | str, as_of: date) -> Facts:
    """Read every fact the rules use from ``question`` (its ``Reading``; a string is read
    here); unstated facts are ``None``. Only the asker's own statements count: reported,
    disowned and system-addressed words are blanked first (``asserted``), and the numerals and
    dates in them dropped."""
    reading = Reading.coerce(question)
    reading = reading.outside(asserted(reading.text))
    text = fold_digits(reading.text)
    periods = period_spans(text)
    # A date is the start of a counting period when a period's words hold it whole ("自今年1月1日
    # 起"); "今年3月1日签的" only begins with one.
    dates = tuple(
        replace(d, typed=reading.typed(d.start, d.end))
        for d in resolve(reading.dates, as_of)
        if not any(s <= d.start and d.end <= e for s, e in periods)
    )
    counts = tuple(
        replace(c, typed=reading.typed(c.end - len(c.raw), c.end))
        for c in read_counts(text, reading.numerals, [(d.start, d.end) for d in dates])
    )
    asked = pattern("concessive").sub("", text)
    important, status_asked, not_notified = important_data(text, reading.sentences)
    which_path = bool(pattern("asks_which_path").search(asked))
    is_ciio, ciio_conflict = ciio(text)
    return Facts(
        ciio=is_ciio,
        conflicts=(("ciio",) if ciio_conflict else ()) + conflicting(text, counts),
        counts=counts,
        important_data=important,
        important_data_status_asked=status_asked,
        important_data_not_notified=not_notified,
        scenarios=scenarios(text),
        period=counting_period(text),
        old_terms=bool(pattern("old_terms").search(text)) or any(c.category == "processed" for c in counts),
        transfer_context=bool(pattern("transfer_word").search(text)),
        asks_path=bool(pattern("asks_path").search(asked)) and (which_path or not pattern("splitting").search(asked)),
        anonymised=bool(pattern("anonymised").search(text)),
        names_certifier=bool(pattern("certification_body").search(text)),
        circumvents=bool(pattern("circumvents").search(text)),
        asks_duties=bool(pattern("duties").search(text)),
        names_treaty=bool(pattern("treaty").search(text)),
        distinct_people=bool(pattern("distinct_people").search(text)),
        mentions_holiday=bool(pattern("holiday").search(text)),
        asks_which_path=which_path,
        asked_mechanism=asked_mechanism(asked, which_path),
        wh_question=bool(pattern("wh_question").search(text)),
        sensitive_denied=bool(pattern("sensitive_negated").search(text)),
        deadline_topic=_deadline_topic(text),
        asks_date=bool(pattern("asks_date").search(text)),
        asks_specific_date=bool(pattern("asks_specific_date").search(text)),
        dates=dates,
        signed_not_effective=bool(pattern("signed_not_effective").search(text)) and not pattern("effective").search(text),
        contract_dated=bool(pattern("signed_not_effective").search(text) or pattern("effective").search(text)),
    )


def _deadline_topic(text: str) -> str | None:
    """Which period the question is about; the more specific topics are tested first."""
    if pattern("supplement").search(text):
        return "supplement"
    if pattern("certificate").search(text):
        return "certificate_validity"
    if pattern("validity").search(text):
        return "assessment_validity"
    if pattern("remediation").search(text) and not pattern("assessment_measures").search(text):
        return "remediation"
    if pattern("certification_body").search(text):
        return None  # a certification body's own filing (Certification Measures Art. 12): the texts answer
    if pattern("filing").search(text) and pattern("effective").search(text):
        return "filing"  # counted from the contract taking effect, whatever else is said
    if pattern("check").search(text):
        return "check"
    if pattern("filing").search(text):
        return "filing"
    return None

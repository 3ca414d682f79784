"""Load and check the rule table (``rules.toml``): rules as reviewed data.

``load_rule_table()`` parses the packaged table (or a given path) into frozen ``Rule``
records; ``check_table(table, corpus)`` returns every problem that makes the table unfit for
that corpus: a cited key that does not exist, a number or quote whose text is not verbatim
in its unit, a key used but not listed in ``cites``, overlapping date ranges within one
family and logic, a number that cannot be read. ``RuleEngine`` refuses a table with problems.

Numbers are kept as the law writes them ("10万", "10个工作日", "3年") and read on demand by
``Rule.amount`` / ``Rule.period``, so the text shown to users and the value the code compares
come from the same string.

Not here: deciding which rule applies to a question (``engine``) or what a rule decides
(``transfer``, ``deadlines``).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import AssistantError
from ..numerals import parse_numeral
from ..types import Corpus

FAMILIES = ("transfer", "deadline")
_PERIOD = re.compile(r"(.+?)(个工作日|个月|年|日)")
_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
_PERIOD_UNITS = {"个工作日": "workday", "个月": "month", "年": "year", "日": "day"}


class RuleTableError(AssistantError):
    """The rule table is malformed or does not match the corpus."""

    exit_code = 3


@dataclass(frozen=True)
class Quote:
    """A piece of law a rule relies on: ``text`` must appear verbatim in unit ``key``."""

    key: str
    text: str


@dataclass(frozen=True)
class Period:
    amount: int
    unit: str  # "workday" | "month" | "year" | "day"
    text: str  # as the law writes it, e.g. "10个工作日"


@dataclass(frozen=True)
class Rule:
    id: str
    version: int
    family: str
    logic: str
    valid_from: date
    valid_until: date | None
    cites: tuple[str, ...]
    numbers: tuple[tuple[str, Quote], ...]
    quotes: tuple[tuple[str, Quote], ...]
    topic: str = "transfer"  # what a question is about; deadline rules name their period
    counting: str | None = None
    note: str = ""
    # name -> other quotes cited beside it: a later text restating the same condition (the
    # Network Data Regulation beside the Provisions), the laws a CIIO's duty rests on
    beside: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def with_beside(self, names: Iterable[str]) -> list[str]:
        """``names`` in order, each followed by the quotes cited beside it."""
        companions = dict(self.beside)
        return list(dict.fromkeys(n for name in names for n in (name, *companions.get(name, ()))))

    def applies_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)

    def number(self, name: str) -> Quote:
        return dict(self.numbers)[name]

    def quote(self, name: str) -> Quote:
        return dict(self.quotes)[name]

    def anchor(self, name: str) -> Quote:
        """A number or a quote by name."""
        found = dict(self.numbers) | dict(self.quotes)
        return found[name]

    def has(self, name: str) -> bool:
        return name in dict(self.numbers) or name in dict(self.quotes)

    def amount(self, name: str) -> int:
        """A head count threshold, e.g. ``"10万"`` → 100000."""
        value = parse_numeral(self.number(name).text)
        if value is None:
            raise RuleTableError(f"{self.id}: number {name!r} is not a count: {self.number(name).text!r}")
        return value

    def day(self, name: str) -> date:
        """A calendar date written in the law, e.g. ``"2023年6月1日"``."""
        text = self.number(name).text
        m = _DATE.fullmatch(text)
        if m is None:
            raise RuleTableError(f"{self.id}: number {name!r} is not a date: {text!r}")
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))

    def period(self, name: str = "period") -> Period:
        """A time period, e.g. ``"10个工作日"`` → Period(10, "workday")."""
        text = self.number(name).text
        m = _PERIOD.fullmatch(text)
        value = parse_numeral(m.group(1)) if m else None
        if m is None or value is None:
            raise RuleTableError(f"{self.id}: number {name!r} is not a period: {text!r}")
        return Period(value, _PERIOD_UNITS[m.group(2)], text)


@dataclass(frozen=True)
class RuleTable:
    rules: tuple[Rule, ...]
    source: str = ""

    def find(self, family: str, topic: str, day: date) -> Rule | None:
        """The rule of that family and topic in force on ``day`` (at most one: see check_table)."""
        for rule in self.rules:
            if rule.family == family and rule.topic == topic and rule.applies_on(day):
                return rule
        return None

    def first_quoting(self, name: str) -> date | None:
        """The first day a rule of the table quotes ``name`` (None: no rule does): from then on
        the condition it quotes is applied."""
        days = [rule.valid_from for rule in self.rules if rule.has(name)]
        return min(days) if days else None


def load_rule_table(path: Path | None = None) -> RuleTable:
    """Parse a rule table; the default is the ``rules.toml`` shipped with this package."""
    if path is None:
        raw = resources.files(__package__).joinpath("rules.toml").read_text(encoding="utf-8")
        source = "assistant/rules/rules.toml"
    else:
        try:
            raw = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise RuleTableError(f"cannot read rule table {path}: {exc}") from exc
        source = str(path)
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        raise RuleTableError(f"{source}: not valid TOML: {exc}") from exc
    rules = tuple(_rule(source, i, entry) for i, entry in enumerate(data.get("rule", [])))
    if not rules:
        raise RuleTableError(f"{source}: no [[rule]] entries")
    return RuleTable(rules=rules, source=source)


def _rule(source: str, index: int, entry: dict[str, Any]) -> Rule:
    where = f"{source}: rule #{index + 1} ({entry.get('id', '?')})"
    for field in ("id", "version", "family", "logic", "valid_from", "cites"):
        if field not in entry:
            raise RuleTableError(f"{where}: missing field {field!r}")
    if entry["family"] not in FAMILIES:
        raise RuleTableError(f"{where}: unknown family {entry['family']!r}")
    if not isinstance(entry["version"], int) or isinstance(entry["version"], bool):
        raise RuleTableError(f"{where}: version must be an integer")
    for field in ("valid_from", "valid_until"):
        if field in entry and not isinstance(entry[field], date):
            raise RuleTableError(f"{where}: {field} must be a TOML date")
    return Rule(
        id=str(entry["id"]),
        version=entry["version"],
        family=entry["family"],
        logic=str(entry["logic"]),
        valid_from=entry["valid_from"],
        valid_until=entry.get("valid_until"),
        cites=tuple(entry["cites"]),
        numbers=_quotes(where, entry.get("numbers", {})),
        quotes=_quotes(where, entry.get("quotes", {})),
        topic=str(entry.get("topic", "transfer")),
        counting=entry.get("counting"),
        note=str(entry.get("note", "")),
        beside=_beside(where, entry.get("beside", {})),
    )


def _beside(where: str, table: dict[str, Any]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    out = []
    for name, others in table.items():
        if not isinstance(others, list) or not all(isinstance(o, str) for o in others):
            raise RuleTableError(f"{where}: beside.{name} must be a list of quote names")
        out.append((name, tuple(others)))
    return tuple(out)


def _quotes(where: str, table: dict[str, Any]) -> tuple[tuple[str, Quote], ...]:
    out = []
    for name, value in table.items():
        if not isinstance(value, dict) or not {"text", "key"} <= set(value):
            raise RuleTableError(f"{where}: {name!r} needs both text and key")
        out.append((name, Quote(key=str(value["key"]), text=str(value["text"]))))
    return tuple(out)


def check_table(table: RuleTable, corpus: Corpus) -> list[str]:
    """Every problem that makes ``table`` unfit for ``corpus``; empty when it is sound."""
    problems: list[str] = []
    ids = [r.id for r in table.rules]
    problems += [f"duplicate rule id {i}" for i in sorted({i for i in ids if ids.count(i) > 1})]
    for rule in table.rules:
        if rule.valid_until is not None and rule.valid_until < rule.valid_from:
            problems.append(f"{rule.id}: valid_until is before valid_from")
        for key in rule.cites:
            if key not in corpus.units:
                problems.append(f"{rule.id}: cited key {key!r} is not in the corpus")
            elif not corpus.instruments[corpus.units[key].doc_id].citable:
                problems.append(f"{rule.id}: cited key {key!r} is an editorial aid, not law")
        for kind, items in (("number", rule.numbers), ("quote", rule.quotes)):
            for name, q in items:
                if q.key not in rule.cites:
                    problems.append(f"{rule.id}: {kind} {name!r} uses {q.key!r}, which is not in cites")
                unit = corpus.units.get(q.key)
                if unit is not None and q.text not in unit.text:
                    problems.append(f"{rule.id}: {kind} {name!r} text {q.text!r} is not verbatim in {q.key}")
        for name, _ in rule.numbers:
            text = rule.number(name).text
            try:
                if _DATE.fullmatch(text):
                    rule.day(name)
                elif _PERIOD.fullmatch(text):
                    rule.period(name)
                else:
                    rule.amount(name)
            except RuleTableError as exc:
                problems.append(str(exc))
        for name, others in rule.beside:
            problems += [f"{rule.id}: beside names {n!r}, which is no number or quote" for n in (name, *others) if not rule.has(n)]
        if rule.family == "transfer" and rule.counting not in ("current_year", "since_previous_year"):
            problems.append(f"{rule.id}: transfer rule needs counting = current_year | since_previous_year")
    for a in table.rules:
        for b in table.rules:
            if a.id < b.id and a.family == b.family and a.topic == b.topic and _overlap(a, b):
                problems.append(f"{a.id} and {b.id} overlap in time")
    return problems


def _overlap(a: Rule, b: Rule) -> bool:
    far = date.max
    return a.valid_from <= (b.valid_until or far) and b.valid_from <= (a.valid_until or far)

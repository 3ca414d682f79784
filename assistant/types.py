"""The vocabulary passed between the assistant's modules: plain frozen dataclasses.

Every stage (loading, retrieval, rules, composition, rendering) takes and returns these
records and never mutates one it was given. ``Answer.to_dict`` is the answer contract of
the design notes (§3); nothing else in the package decides its shape.

Deliberately absent: behaviour. These classes validate nothing beyond their own shape and
know nothing of files, indexes or models.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

OUTCOMES = ("answered", "needs_facts", "not_covered")
MECHANISMS = ("exempt", "standard_contract_or_certification", "security_assessment")


@dataclass(frozen=True)
class Instrument:
    """One file of the corpus: an instrument and its front matter."""

    doc_id: str
    title: str
    issuer: str
    number: str
    published: date | None
    effective: date | None
    status: str
    citable: bool  # False for editorial aids such as the timeline
    replaced_on: date | None = None  # the whole instrument stops governing on this date
    path: str = ""


@dataclass(frozen=True)
class Unit:
    """One citable unit: the text under one heading, keyed ``doc_id#locator``."""

    key: str
    doc_id: str
    locator: str
    heading: str
    text: str
    line: int  # 1-based line of the heading in its file
    section: str = ""  # the enclosing level-two heading of a level-three unit


@dataclass(frozen=True)
class Corpus:
    """Everything loaded from ``corpus/``; ``digest`` identifies its exact bytes."""

    instruments: Mapping[str, Instrument]
    units: Mapping[str, Unit]  # in file order
    digest: str

    def title_of(self, key: str) -> str:
        return self.instruments[self.units[key].doc_id].title


@dataclass(frozen=True)
class Hit:
    """A unit found by retrieval, best first; ``score`` is comparable within one query."""

    key: str
    score: float
    rank: int
    chunk: str  # the sub-chunk text that matched best
    # whether the trained model finds this unit, below the best, a right citation too
    # (``relevance.RelevanceModel.cites_beside``, fitted on the second and third hits, the
    # only ones the composer reads); None for the best hit and without a model
    cite_beside: bool | None = None


@dataclass(frozen=True)
class Citation:
    key: str
    title: str
    locator: str
    quote: str  # a verbatim span of the unit's text

    def to_dict(self) -> dict[str, str]:
        return {"key": self.key, "title": self.title, "locator": self.locator, "quote": self.quote}

    @classmethod
    def from_dict(cls, d: Mapping[str, str]) -> Citation:
        return cls(str(d["key"]), str(d["title"]), str(d["locator"]), str(d["quote"]))


@dataclass(frozen=True)
class RuleResult:
    """What the rules module decided, and the sentence that states it to the user."""

    id: str
    version: int
    decision: Mapping[str, Any]
    facts: Mapping[str, Any]
    missing_facts: tuple[str, ...]
    warnings: tuple[str, ...]
    citations: tuple[Citation, ...]
    statement: str = ""  # opening of the answer text; not part of the JSON contract

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "version": self.version,
            "decision": dict(self.decision),
            "facts": dict(self.facts),
            "missing_facts": list(self.missing_facts),
            "warnings": list(self.warnings),
            "citations": [c.to_dict() for c in self.citations],
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> RuleResult:
        return cls(
            str(d["id"]), int(d["version"]), dict(d["decision"]), dict(d["facts"]),
            tuple(d["missing_facts"]), tuple(d["warnings"]), tuple(Citation.from_dict(c) for c in d["citations"]),
        )


_ANSWER_KEYS = ("question", "as_of", "outcome", "answer", "citations", "rule", "timings_ms")


@dataclass(frozen=True)
class Answer:
    question: str
    as_of: date
    outcome: str
    answer: str
    citations: tuple[Citation, ...]
    rule: RuleResult | None
    timings_ms: Mapping[str, float]
    extra: Mapping[str, Any] = field(default_factory=dict)  # e.g. LLM verification report
    context: tuple[str, ...] = ()  # earlier questions a follow-up leaned on; not in the JSON
    reason: str = ""  # why a not_covered answer was refused (``route.Refusal``); not in the JSON

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "question": self.question,
            "as_of": self.as_of.isoformat(),
            "outcome": self.outcome,
            "answer": self.answer,
            "citations": [c.to_dict() for c in self.citations],
            "rule": self.rule.to_dict() if self.rule else None,
            "timings_ms": {k: round(v, 2) for k, v in self.timings_ms.items()},
        }
        out.update(self.extra)
        return out

    @classmethod
    def from_dict(cls, d: Mapping[str, Any], context: tuple[str, ...] = ()) -> Answer:
        """The answer ``to_dict`` wrote (a page carries its conversation in that shape);
        ``context`` and ``reason`` are not in the contract and come separately or not at all."""
        return cls(
            str(d["question"]), date.fromisoformat(d["as_of"]), str(d["outcome"]), str(d["answer"]),
            tuple(Citation.from_dict(c) for c in d["citations"]),
            RuleResult.from_dict(d["rule"]) if d.get("rule") else None,
            dict(d["timings_ms"]), {k: v for k, v in d.items() if k not in _ANSWER_KEYS}, tuple(context),
        )

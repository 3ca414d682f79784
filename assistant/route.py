"""Decide where a question goes before anything is retrieved: refused (with a typed reason),
decided by a rule, or retrieved.

The order, each step on the analysed question (``query.Query``):

1. the as-of date is before any of the texts was in force: refused;
2. an explicit reference to an article the corpus lacks, a question about another
   jurisdiction's law, a matter of the subject no text deals with, a 《text》 the corpus lacks,
   or another field's matter (tax, customs, an outbound investment's filing) without this
   corpus's subject in it: refused;
3. the rules module decides threshold and deadline questions, carrying facts forward for a
   short follow-up to a rule question;
4. a question asking what something costs (no text sets a fee), or with nothing of this
   corpus's subject in it that the lexicon knows (``Query.in_domain``): refused, unless it
   is worded like the labelled questions the texts answer (``admit``, learned:
   ``relevance.RelevanceModel.admits``);
5. otherwise: retrieved.

Two refusals come later, from what retrieval finds (``Refusal.LIKE_UNANSWERED``,
``Refusal.NOTHING_FOUND``); they are named here so that every reason has one home.
Not here: wording a refusal (``messages``), retrieving or composing.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Literal

import numpy as np

from .query import Query
from .reading import Reading
from .rules import RuleEngine
from .rules.followup import looks_like_followup, shifted_as_of
from .types import Answer, RuleResult
from .writing import Reader

# The oldest personal-information-export rule in the corpus (PIPL) took effect on this day; before
# it none of the texts governs anything, so a question "as of" an earlier date is not covered.
EARLIEST_COVERED = date(2021, 11, 1)


class Refusal(StrEnum):
    BEFORE_COVERAGE = "before_coverage"  # the as-of date is before any text was in force
    MISSING_ARTICLE = "missing_article"  # names an article the corpus does not hold
    FOREIGN_LAW = "foreign_law"  # about another jurisdiction's law
    ABSENT_MATTER = "absent_matter"  # a matter of the subject no text deals with
    UNKNOWN_TEXT = "unknown_text"  # names a text the corpus lacks (the Greater Bay Area's contract …)
    OTHER_FIELD = "other_field"  # another field's matter (tax, customs, export licences …)
    PRICE = "price"  # what something costs: no text sets a fee
    OUT_OF_SCOPE = "out_of_scope"  # nothing of the subject at all
    LIKE_UNANSWERED = "like_unanswered"  # the labelled questions nearest to it are ones the texts do not answer
    NOTHING_FOUND = "nothing_found"  # retrieval found nothing to quote


@dataclass(frozen=True)
class Route:
    """Where a question goes: ``refuse`` (with its reason), ``rule`` (with the rule's
    decision) or ``retrieve``."""

    kind: Literal["refuse", "rule", "retrieve"]
    query: Query
    when: date  # a follow-up may shift it ("那如果是明年呢？")
    reason: Refusal | None = None
    rule: RuleResult | None = None
    context: tuple[str, ...] = ()  # the questions whose facts a follow-up carries forward
    # the question's vector when admitting it took one (``Router.admit``): retrieval reuses it
    vector: np.ndarray | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Router:
    rules: RuleEngine
    reader: Reader
    unit_keys: Collection[str]  # every citable unit the corpus holds
    # for a question the lexicon does not place in the subject: its vector when its wording
    # makes it one the texts answer, else None (no function: the lexicon decides alone)
    admit: Callable[[Query], np.ndarray | None] | None = None

    def route(self, query: Query, reading: Reading, when: date, previous: Answer | None) -> Route:
        """``reading``: the question's one reading (``Reading``), from which ``query`` was
        analysed; ``previous``: the conversation's last answer, whose facts a follow-up may
        carry forward."""

        def refuse(reason: Refusal) -> Route:
            return Route("refuse", query, when, reason=reason)

        if when < EARLIEST_COVERED:
            return refuse(Refusal.BEFORE_COVERAGE)
        if query.refs and all(k not in self.unit_keys for k in query.refs):
            return refuse(Refusal.MISSING_ARTICLE)
        if query.foreign_law:
            return refuse(Refusal.FOREIGN_LAW)
        if query.asks_absent:
            return refuse(Refusal.ABSENT_MATTER)
        if query.other_contract or (query.unknown_titles and not query.docs and not query.refs):
            return refuse(Refusal.UNKNOWN_TEXT)
        if (query.other_field and not query.in_domain) or query.asks_elsewhere:
            # Another field's matter (customs on a trip abroad, tax on fees paid abroad, the
            # export licence asked for after the contract) is not a transfer question however
            # many people it mentions: the rules are not asked.
            return refuse(Refusal.UNKNOWN_TEXT if query.unknown_titles else Refusal.OTHER_FIELD)
        rule = self.rules.evaluate(reading, when)
        context: tuple[str, ...] = ()
        if previous is not None and previous.rule is not None and looks_like_followup(reading.text):
            if rule is None or rule.missing_facts:
                context = previous.context or (self.reader.read(previous.question),)
                when = shifted_as_of(reading.text, when) or when
                carried = self.rules.evaluate_followup(reading, context, when)
                rule = carried or rule
                context = (*context, reading.text) if carried else ()
        if rule is not None:
            return Route("rule", query, when, rule=rule, context=context)
        if query.asks_price:
            return refuse(Refusal.PRICE)
        if query.in_domain:
            return Route("retrieve", query, when)
        vector = self.admit(query) if self.admit is not None else None
        if vector is None:
            return refuse(Refusal.OUT_OF_SCOPE)
        return Route("retrieve", query, when, vector=vector)

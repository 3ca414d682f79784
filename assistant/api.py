"""The public Python API: ``Assistant.ask(question, as_of=None) -> Answer``.

One ``Assistant`` holds what is loaded once (corpus, lexicon, index, rules) and answers
any number of questions; it keeps no per-question state, so one instance serves many
threads. A question goes in a straight line: read it (``writing.Reader``, ``query.analyse``), route
it (``route.Router``: refuse with a reason, decide by a rule, or retrieve), retrieve, compose
(extractive, or a configured model's answer verified against the cited text), answer.

Not here: argument parsing and printing (``cli``), web serving (``app.py``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from threadpoolctl import ThreadpoolController

from .config import Config
from .embed import Embedder
from .errors import UsageError
from .llm import Generated, StreamDelta
from .parts import Parts, build_parts
from .query import Query, analyse
from .reading import Reading
from .retrieve import Retriever
from .route import EARLIEST_COVERED, Refusal, Route, Router
from .types import Answer, Citation, Hit, RuleResult
from .writing import SURROGATE, canonical, without_controls

if TYPE_CHECKING:  # annotations only
    import numpy as np

MAX_QUESTION_CHARS = 2000
EARLIEST_AS_OF = date(1990, 1, 1)
LATEST_AS_OF = date(2100, 12, 31)
CHINA_TZ = timezone(timedelta(hours=8))  # China Standard Time has no daylight saving


@dataclass(frozen=True)
class _Plan:
    """What ``ask`` has settled before an answer is composed."""

    text: str
    when: date
    query: Query
    rule: RuleResult | None
    hits: tuple[Hit, ...]
    timings: dict[str, float]  # filled in as stages finish
    started: float
    context: tuple[str, ...]  # the questions whose facts a follow-up carries forward

    def finish(
        self,
        outcome: str,
        body: str,
        citations: Iterable[Citation] = (),
        extra: dict[str, Any] | None = None,
        reason: Refusal | None = None,
    ) -> Answer:
        self.timings["total"] = (time.perf_counter() - self.started) * 1000
        return Answer(
            self.text,
            self.when,
            outcome,
            body,
            tuple(citations),
            self.rule,
            dict(self.timings),
            extra or {},
            self.context,
            reason or "",
        )


def today_in_china() -> date:
    return datetime.now(CHINA_TZ).date()


def parse_as_of(value: date | str | None) -> date:
    """``None`` or a blank string means today in China; a string must be an ISO date within
    a sane range."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return today_in_china()
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            raise UsageError(f"as-of date must be YYYY-MM-DD, got {value!r}") from None
    if not isinstance(value, date):
        raise UsageError(f"as-of date must be a date or YYYY-MM-DD string, got {type(value).__name__}")
    if not EARLIEST_AS_OF <= value <= LATEST_AS_OF:
        raise UsageError(f"as-of date {value.isoformat()} is outside {EARLIEST_AS_OF}..{LATEST_AS_OF}")
    return value


def clean_question(question: object) -> str:
    if not isinstance(question, str):
        raise UsageError("the question must be text")
    # (control characters inside a word are noise, not a space: "不\x7f是关基" is 不是关基)
    text = without_controls(question).strip()
    if SURROGATE.search(text):
        raise UsageError("the question contains characters that are not valid text (undecodable bytes?)")
    if not canonical(text).strip():
        raise UsageError("the question is empty")
    if len(text) > MAX_QUESTION_CHARS:
        raise UsageError(f"the question is too long ({len(text)} characters; at most {MAX_QUESTION_CHARS})")
    return text


class Assistant:
    """Answers questions with ``parts`` (``parts.build_parts``); ``from_config`` builds them."""

    def __init__(self, config: Config, parts: Parts):
        self.config = config
        # The matrices of one answer are small; left to several threads, BLAS workers keep
        # spinning after each product and starve the embedder's threads on a small machine
        # (measured: 66 ms a retrieving answer against 27 ms with one BLAS thread, two cores).
        self._blas = ThreadpoolController()
        self.corpus = parts.corpus
        self.lexicon = parts.lexicon
        self.reader = parts.reader
        self.messages = parts.messages
        self.applicability = parts.applicability
        self.embedder = parts.embedder
        self.relevance = parts.relevance
        self.index = parts.index
        self.composer = parts.composer
        self.rules = parts.rules
        self.generator = parts.generator
        self.retriever = Retriever(self.index, self.applicability, model=self.relevance)
        self.router = Router(self.rules, self.reader, frozenset(self.corpus.units), self._admit if self.relevance else None)
        locators: dict[str, list[str]] = {}
        for unit in self.corpus.units.values():
            if self.corpus.instruments[unit.doc_id].citable:
                locators.setdefault(unit.locator, []).append(unit.doc_id)
        self._locators = {k: tuple(v) for k, v in locators.items()}
        self._titles = tuple(inst.title for inst in self.corpus.instruments.values())

    @classmethod
    def from_config(
        cls,
        config: Config,
        embedder: Embedder | None = None,
        notify: Callable[[str], None] | None = None,
        rebuild: bool = True,
    ) -> Assistant:
        """The one way to make an assistant from configuration (``parts.build_parts``)."""
        return cls(config, build_parts(config, embedder, notify, rebuild))

    def _admit(self, query: Query) -> np.ndarray | None:
        # the vector retrieval would compute: the route carries it there
        vector = self.embedder.embed_queries([query.search_text])[0]
        return vector if self.relevance is not None and self.relevance.admits(vector) else None

    @property
    def embedder_id(self) -> str:
        return self.embedder.id

    def analyse(self, question: str) -> Query:
        return self._analyse(self.read(question))

    def read(self, question: str) -> Reading:
        """The question's one reading, in the corpus's writing, that every stage reads."""
        written = self.reader.written(question)
        return Reading.of(written.text, asked=question, origin=written.origin)

    def _analyse(self, reading: Reading) -> Query:
        return analyse(reading, self.lexicon, self._locators, self._titles)

    def retrieve(self, question: str, as_of: date | str | None = None, k: int | None = None) -> list[Hit]:
        text, when = clean_question(question), parse_as_of(as_of)
        return self.retriever.search(self.analyse(text), when, k or self.config.top_k)

    def ask(self, question: str, as_of: date | str | None = None, previous: Answer | None = None) -> Answer:
        """Answer one question. ``previous`` is the conversation's last answer: a short
        follow-up to a rule question ("那如果是敏感个人信息呢？") is decided with the facts
        already given carried forward."""
        plan = self._plan(question, as_of, previous)
        if isinstance(plan, Answer):
            return plan
        if self.generator is not None and not (plan.rule and plan.rule.missing_facts):
            t = time.perf_counter()
            generated = self.generator.answer(plan.text, plan.when, plan.query, plan.hits, plan.rule)
            plan.timings["generate"] = (time.perf_counter() - t) * 1000
            return self._generated(plan, generated)
        return self._extractive(plan)

    def ask_stream(
        self, question: str, as_of: date | str | None = None, previous: Answer | None = None
    ) -> Iterator[str | Answer]:
        """Like ``ask``, for a chat window: text pieces as a configured model writes them,
        then the final ``Answer``, which replaces whatever was shown (the pieces are not
        verified; the final answer is)."""
        plan = self._plan(question, as_of, previous)
        if isinstance(plan, Answer):
            yield plan
            return
        if self.generator is None or (plan.rule and plan.rule.missing_facts):
            yield self._extractive(plan)
            return
        t = time.perf_counter()
        for event in self.generator.stream_answer(plan.text, plan.when, plan.query, plan.hits, plan.rule):
            if isinstance(event, StreamDelta):
                yield event.text
            else:
                plan.timings["generate"] = (time.perf_counter() - t) * 1000
                yield self._generated(plan, event.result)

    def route(self, question: str, as_of: date | str | None = None, previous: Answer | None = None) -> Route:
        """Where a question goes, decided before anything is retrieved: refused (with the
        reason), decided by a rule, or retrieved. The evaluation and training read it too."""
        text, when = clean_question(question), parse_as_of(as_of)
        reading = self.read(text)
        return self.router.route(self._analyse(reading), reading, when, previous)

    def _plan(self, question: str, as_of: date | str | None, previous: Answer | None) -> _Plan | Answer:
        """Everything decided before composing; a finished ``Answer`` when nothing is left to compose."""
        with self._blas.limit(limits=1, user_api="blas"):
            return self._plan_in_one_thread(question, as_of, previous)

    def _plan_in_one_thread(self, question: str, as_of: date | str | None, previous: Answer | None) -> _Plan | Answer:
        started = time.perf_counter()
        text, when = clean_question(question), parse_as_of(as_of)
        # Everything below reads the question in the corpus's writing; the answer keeps it as asked.
        reading = self.read(text)
        timings: dict[str, float] = {}
        t = time.perf_counter()
        route = self.router.route(self._analyse(reading), reading, when, previous)
        timings["route"] = (time.perf_counter() - t) * 1000
        plan = _Plan(text, route.when, route.query, route.rule, (), timings, started, route.context)
        if route.kind == "refuse":
            return self._refused(plan, route.reason or Refusal.OUT_OF_SCOPE)
        if route.kind == "rule":
            return plan
        t = time.perf_counter()
        found, vector = self.retriever.ranked(route.query, route.when, self.config.top_k, route.vector)
        timings["retrieve"] = (time.perf_counter() - t) * 1000
        if self.relevance is not None and self.relevance.refuses(vector):
            # the labelled questions nearest to this one are ones the texts do not answer
            return self._refused(plan, Refusal.LIKE_UNANSWERED)
        return _Plan(text, route.when, route.query, None, tuple(found), timings, started, ())

    def _refused(self, plan: _Plan, reason: Refusal) -> Answer:
        query, when, say, en = plan.query, plan.when, self.messages.say, plan.query.english
        if reason == Refusal.BEFORE_COVERAGE:
            body = say("before_coverage", en, when=when.isoformat(), start=EARLIEST_COVERED.isoformat())
        elif reason == Refusal.MISSING_ARTICLE:
            body = self._missing_reference([k for k in query.refs if k not in self.corpus.units], en)
        elif reason == Refusal.UNKNOWN_TEXT:
            names = "".join(f"《{t}》" for t in query.unknown_titles)
            body = self.messages.join([say("not_held", en, names=names), say("not_covered", en)], en)
        else:
            foreign = say("not_covered_foreign", en) if reason == Refusal.FOREIGN_LAW else ""
            price = say("not_covered_price", en) if reason == Refusal.PRICE else ""
            body = self.messages.join([say("not_covered", en), foreign, price], en)
        return plan.finish("not_covered", body, reason=reason)

    def _extractive(self, plan: _Plan) -> Answer:
        with self._blas.limit(limits=1, user_api="blas"):
            return self._extractive_in_one_thread(plan)

    def _extractive_in_one_thread(self, plan: _Plan) -> Answer:
        t = time.perf_counter()
        if plan.rule is not None:
            composed = self.composer.rule_answer(plan.rule, plan.query, plan.when)
            carried = self.messages.say("carried_forward", plan.query.english) + "\n" if plan.context else ""
            body = carried + composed.text
            outcome = "needs_facts" if plan.rule.missing_facts else "answered"
        else:
            composed = self.composer.answer(plan.query, plan.hits, plan.when)
            body, outcome = composed.text, "answered"
        plan.timings["compose"] = (time.perf_counter() - t) * 1000
        if not composed.citations and plan.rule is None:
            return self._refused(plan, Refusal.NOTHING_FOUND)
        return plan.finish(outcome, self._unheld_note(plan.query) + body, composed.citations)

    def _generated(self, plan: _Plan, generated: Generated) -> Answer:
        extra = {"verification": generated.verification.to_dict()}
        if plan.rule is None and not generated.citations:
            return plan.finish(
                "not_covered", self.messages.say("not_covered", plan.query.english), extra=extra, reason=Refusal.NOTHING_FOUND
            )
        outcome = "needs_facts" if plan.rule and plan.rule.missing_facts else "answered"
        return plan.finish(outcome, self._unheld_note(plan.query) + generated.text, generated.citations, extra=extra)

    def _unheld_note(self, query: Query) -> str:
        """Said before an answer to a question that also names a text the corpus lacks
        ("大湾区标准合同同一般标准合同有什么分别"), so the answer is not taken for that text's."""
        if not query.unknown_titles:
            return ""
        names = "".join(f"《{t}》" for t in query.unknown_titles)
        return self.messages.say("not_held_note", query.english, names=names) + "\n"

    def _missing_reference(self, missing: list[str], english: bool) -> str:
        parts = []
        for key in missing:
            doc, locator = key.split("#", 1)
            inst = self.corpus.instruments.get(doc)
            title = inst.title if inst else doc
            count = sum(1 for u in self.corpus.units.values() if u.doc_id == doc)
            parts.append(self.messages.say("missing_article", english, title=title, locator=locator, count=count))
        return self.messages.join([*parts, self.messages.say("missing_article_end", english)], english)

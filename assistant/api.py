"""The public Python API: ``Assistant.ask(question, as_of=None) -> Answer``.

One ``Assistant`` holds what is loaded once (corpus, lexicon, index, rules) and answers
any number of questions; it keeps no per-question state, so one instance serves many
threads. The order of decisions for a question:

1. validate the input (a clear ``UsageError`` for anything unusable);
2. an explicit reference to an article or a 《text》 the corpus lacks, a question about another
   jurisdiction's law, or one about another field's matter (tax, customs, an outbound
   investment's filing) without this corpus's subject in it, is ``not_covered``;
3. the rules module decides threshold and deadline questions (``answered`` or
   ``needs_facts``), carrying facts forward for a short follow-up to a rule question;
4. a question with nothing of this corpus's subject in it, or one asking what something
   costs (no text sets a fee), is ``not_covered``;
5. otherwise retrieval finds the units, and the extractive composer (or, when an endpoint
   is configured, the verified LLM composer) answers from them.

Not here: argument parsing and printing (``cli``), web serving (``app.py``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

import numpy as np
from threadpoolctl import ThreadpoolController

from .applicability import load_applicability
from .compose import Composer
from .config import Config
from .corpus import load_corpus
from .embed import Embedder, make_embedder
from .errors import UsageError
from .glosses import load_glosses
from .index import open_index
from .lexicon import load_lexicon
from .llm import LLMComposer, LLMSettings, StreamDelta
from .query import Query, analyse
from .relevance import load_relevance
from .retrieve import Retriever
from .rules import RuleEngine, load_rule_table
from .rules.followup import looks_like_followup, shifted_as_of
from .types import Answer, Hit, RuleResult
from .writing import SURROGATE, Reader, canonical, without_controls

MAX_QUESTION_CHARS = 2000
EARLIEST_AS_OF = date(1990, 1, 1)
LATEST_AS_OF = date(2100, 12, 31)
CHINA_TZ = timezone(timedelta(hours=8))  # China Standard Time has no daylight saving
# The oldest personal-information-export rule in the corpus (PIPL) took effect on this day; before
# it none of the texts governs anything, so a question "as of" an earlier date is not covered.
EARLIEST_COVERED = date(2021, 11, 1)

NOT_COVERED_ZH = (
    "这个问题不在本助手收录的官方文本范围内（《个人信息出境标准合同办法》、标准合同及相关规定），"
    "无法依据条文作答。"
)
NOT_COVERED_EN = (
    "This question is outside the official texts this assistant covers (the Measures on the "
    "Standard Contract for Outbound Transfer of Personal Information and related rules), so it "
    "cannot be answered from them."
)


_CARRIED_ZH = "（承接上一个问题：沿用其中已说明的事实，本问改变的事实以本问为准。）\n"
_CARRIED_EN = "(Follow-up: the facts of the previous question are carried forward; what this question changes replaces them.)\n"


REFUSALS = (
    "before_coverage",  # the as-of date is before any text was in force
    "missing_article",  # names an article the corpus does not hold
    "foreign_law",  # about another jurisdiction's law
    "absent_matter",  # a matter of the subject no text deals with
    "unknown_text",  # names a text the corpus lacks (the Greater Bay Area's contract …)
    "other_field",  # another field's matter (tax, customs, export licences …)
    "price",  # what something costs: no text sets a fee
    "out_of_scope",  # nothing of the subject at all
    "like_unanswered",  # the labelled questions nearest to it are ones the texts do not answer
    "nothing_found",  # retrieval found nothing to quote
)


@dataclass(frozen=True)
class Route:
    """Where a question goes before retrieval: ``refuse`` (with one of ``REFUSALS``),
    ``rule`` (with the rule's decision) or ``retrieve``."""

    kind: str
    query: Query
    when: date  # a follow-up may shift it ("那如果是明年呢？")
    reason: str | None = None
    rule: RuleResult | None = None
    context: tuple[str, ...] = ()  # the questions whose facts a follow-up carries forward


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
    vector: np.ndarray | None = None  # the question's embedding, when retrieval ran

    def finish(self, outcome: str, body: str, citations=(), extra=None, reason: str = "") -> Answer:
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
            reason,
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
    def __init__(
        self,
        config: Config,
        embedder: Embedder | None = None,
        notify: Callable[[str], None] | None = None,
        rebuild: bool = True,
    ):
        self.config = config
        # The matrices of one answer are small; left to several threads, BLAS workers keep
        # spinning after each product and starve the embedder's threads on a small machine
        # (measured: 66 ms a retrieving answer against 27 ms with one BLAS thread, two cores).
        self._blas = ThreadpoolController()
        self.corpus = load_corpus(config.corpus_dir)
        self.lexicon = load_lexicon(config.lexicon_path)
        self.reader = Reader.load()
        self.applicability = load_applicability(self.corpus)
        self.embedder = embedder or make_embedder(config.embedder)
        self.relevance = load_relevance(config.relevance_dir, self.embedder.id)
        self.index = open_index(
            self.corpus,
            self.embedder,
            config.index_dir,
            self.lexicon.terms(),
            load_glosses(self.corpus, config.glosses_path),
            rebuild=rebuild,
            notify=notify,
            cache_dir=config.embed_cache_dir,
            model_digest=self.relevance.digest if self.relevance else "",
        )
        self.retriever = Retriever(self.index, self.applicability, model=self.relevance)
        self.composer = Composer(
            self.corpus,
            self.applicability,
            self.index.tokenizer.tokens,
            # Quotes are picked by the texts' own words: the glosses would make a word rare
            # or common in the corpus only because of how the units were described.
            self.index.plain_bm25.idf,
            self.index.sentence_words,
            self.index.sentence_vectors,
            # how much meaning counts beside shared words in choosing a clause (``eval.train``)
            meaning_weight=float(self.relevance.card.get("clause_meaning", 0.0)) if self.relevance else 0.0,
        )
        locators: dict[str, list[str]] = {}
        for unit in self.corpus.units.values():
            if self.corpus.instruments[unit.doc_id].citable:
                locators.setdefault(unit.locator, []).append(unit.doc_id)
        self._locators = {k: tuple(v) for k, v in locators.items()}
        self._titles = tuple(inst.title for inst in self.corpus.instruments.values())
        self.rules = RuleEngine(self.corpus, load_rule_table())
        settings = LLMSettings.from_config(config)
        # llama-index is imported only when a model endpoint is configured.
        self.generator = (
            LLMComposer.from_settings(self.corpus, self.applicability, self.composer, settings) if settings else None
        )

    @property
    def embedder_id(self) -> str:
        return self.embedder.id

    def analyse(self, question: str) -> Query:
        return self._analyse(self.reader.read(question))

    def _analyse(self, reading: str) -> Query:
        """``reading``: the question already in the corpus's writing (``Reader.read``)."""
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
        return self._route(text, self.reader.read(text), when, previous)

    def _route(self, text: str, reading: str, when: date, previous: Answer | None) -> Route:
        query = self._analyse(reading)
        refuse = lambda reason: Route("refuse", query, when, reason=reason)  # noqa: E731
        if when < EARLIEST_COVERED:
            return refuse("before_coverage")
        if query.refs and all(k not in self.corpus.units for k in query.refs):
            return refuse("missing_article")
        if query.foreign_law:
            return refuse("foreign_law")
        if query.asks_absent:
            return refuse("absent_matter")
        if query.other_contract or (query.unknown_titles and not query.docs and not query.refs):
            return refuse("unknown_text")
        if (query.other_field and not query.in_domain) or query.asks_elsewhere:
            # Another field's matter (customs on a trip abroad, tax on fees paid abroad, the
            # export licence asked for after the contract) is not a transfer question however
            # many people it mentions: the rules are not asked.
            return refuse("unknown_text" if query.unknown_titles else "other_field")
        rule = self.rules.evaluate(reading, when)
        context: tuple[str, ...] = ()
        if previous is not None and previous.rule is not None and looks_like_followup(reading):
            if rule is None or rule.missing_facts:
                context = previous.context or (self.reader.read(previous.question),)
                when = shifted_as_of(reading, when) or when
                carried = self.rules.evaluate_followup(reading, context, when)
                rule = carried or rule
                context = (*context, reading) if carried else ()
        if rule is not None:
            return Route("rule", query, when, rule=rule, context=context)
        if query.asks_price:
            return refuse("price")
        if not query.in_domain:
            return refuse("out_of_scope")
        return Route("retrieve", query, when)

    def _plan(self, question: str, as_of: date | str | None, previous: Answer | None) -> _Plan | Answer:
        """Everything decided before composing; a finished ``Answer`` when nothing is left to compose."""
        with self._blas.limit(limits=1, user_api="blas"):
            return self._plan_in_one_thread(question, as_of, previous)

    def _plan_in_one_thread(self, question: str, as_of: date | str | None, previous: Answer | None) -> _Plan | Answer:
        started = time.perf_counter()
        text, when = clean_question(question), parse_as_of(as_of)
        # Everything below reads the question in the corpus's writing; the answer keeps it as asked.
        reading = self.reader.read(text)
        timings: dict[str, float] = {}
        t = time.perf_counter()
        route = self._route(text, reading, when, previous)
        timings["route"] = (time.perf_counter() - t) * 1000
        plan = _Plan(text, route.when, route.query, route.rule, (), timings, started, route.context)
        if route.kind == "refuse":
            return self._refused(plan, route.reason or "out_of_scope")
        if route.kind == "rule":
            return plan
        t = time.perf_counter()
        found, vector = self.retriever.ranked(route.query, route.when, self.config.top_k)
        timings["retrieve"] = (time.perf_counter() - t) * 1000
        if self.relevance is not None and self.relevance.refuses(vector):
            # the labelled questions nearest to this one are ones the texts do not answer
            return self._refused(plan, "like_unanswered")
        return _Plan(text, route.when, route.query, None, tuple(found), timings, started, (), vector)

    def _refused(self, plan: _Plan, reason: str) -> Answer:
        query, when = plan.query, plan.when
        if reason == "before_coverage":
            body = self._before_coverage(when, query)
        elif reason == "missing_article":
            body = self._missing_reference([k for k in query.refs if k not in self.corpus.units], query)
        elif reason == "unknown_text":
            body = self._unknown_titles(query)
        else:
            body = self._not_covered(query, foreign=reason == "foreign_law", price=reason == "price")
        return plan.finish("not_covered", body, reason=reason)

    def _extractive(self, plan: _Plan) -> Answer:
        with self._blas.limit(limits=1, user_api="blas"):
            return self._extractive_in_one_thread(plan)

    def _extractive_in_one_thread(self, plan: _Plan) -> Answer:
        t = time.perf_counter()
        if plan.rule is not None:
            composed = self.composer.rule_answer(plan.rule, plan.query, plan.when)
            body = (_CARRIED_EN if plan.query.english else _CARRIED_ZH) + composed.text if plan.context else composed.text
            outcome = "needs_facts" if plan.rule.missing_facts else "answered"
        else:
            composed = self.composer.answer(plan.query, plan.hits, plan.when, plan.vector)
            body, outcome = composed.text, "answered"
        plan.timings["compose"] = (time.perf_counter() - t) * 1000
        if not composed.citations and plan.rule is None:
            return self._refused(plan, "nothing_found")
        return plan.finish(outcome, self._unheld_note(plan.query) + body, composed.citations)

    def _generated(self, plan: _Plan, generated) -> Answer:
        extra = {"verification": generated.verification.to_dict()}
        if plan.rule is None and not generated.citations:
            return plan.finish("not_covered", self._not_covered(plan.query), extra=extra, reason="nothing_found")
        outcome = "needs_facts" if plan.rule and plan.rule.missing_facts else "answered"
        return plan.finish(outcome, self._unheld_note(plan.query) + generated.text, generated.citations, extra=extra)

    def _before_coverage(self, when: date, query: Query) -> str:
        start = EARLIEST_COVERED.isoformat()
        if query.english:
            return (
                f"As of {when.isoformat()} none of the texts this assistant covers was in force (the earliest, the "
                f"Personal Information Protection Law, took effect on {start}), so nothing can be answered from them."
            )
        return (
            f"截至{when.isoformat()}，本助手收录的官方文本均尚未施行（最早的《个人信息保护法》自{start}起施行），"
            "无法依据条文作答。"
        )

    def _not_covered(self, query: Query, foreign: bool = False, price: bool = False) -> str:
        if query.english:
            extra = " The corpus holds Chinese law only." if foreign else ""
            extra += " None of the texts sets a fee or a price." if price else ""
            return NOT_COVERED_EN + extra
        extra = "语料只收录中国的法律法规，不涉及境外法律。" if foreign else ""
        extra += "收录的文本均未规定费用或收费标准。" if price else ""
        return NOT_COVERED_ZH + extra

    def _unknown_titles(self, query: Query) -> str:
        names = "".join(f"《{t}》" for t in query.unknown_titles)
        if query.english:
            return f"This assistant does not hold {names}. " + NOT_COVERED_EN
        return f"本助手未收录{names}。" + NOT_COVERED_ZH

    def _unheld_note(self, query: Query) -> str:
        """Said before an answer to a question that also names a text the corpus lacks
        ("大湾区标准合同同一般标准合同有什么分别"), so the answer is not taken for that text's."""
        if not query.unknown_titles:
            return ""
        names = "".join(f"《{t}》" for t in query.unknown_titles)
        if query.english:
            return f"This assistant does not hold {names}; what follows rests only on the texts it holds.\n"
        return f"本助手未收录{names}，以下只依据已收录的文本作答。\n"

    def _missing_reference(self, missing: list[str], query: Query) -> str:
        parts = []
        for key in missing:
            doc, locator = key.split("#", 1)
            inst = self.corpus.instruments.get(doc)
            title = inst.title if inst else doc
            count = sum(1 for u in self.corpus.units.values() if u.doc_id == doc)
            if query.english:
                parts.append(f"《{title}》 has no {locator} in this corpus ({count} units are included).")
            else:
                parts.append(f"本助手收录的《{title}》中没有{locator}（共收录{count}个条文单元）。")
        return " ".join(parts) if query.english else "".join(parts) + "无法依据条文作答。"


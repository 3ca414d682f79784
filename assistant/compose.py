"""The offline, extractive composer: answer text made of verbatim quotes.

Given the retrieval hits it keeps the units that are well supported (the best one, and
others scoring close to it), picks in each the sentences that share the most weighted
words with the question, and quotes them verbatim. Only quoted units become citations.
A unit that does not govern on the as-of date is quoted with its label, never silently.

``rule_answer`` opens with the rules module's statement and quotes the articles the rule
cites; retrieval adds nothing to a rule's answer, so no quote can contradict its numbers.

Not here: deciding scope (``assistant``), or writing prose a model would write (``llm``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from .applicability import Applicability
from .query import Query
from .text import sentences, source_label
from .types import Citation, Corpus, Hit, RuleResult

QUOTE_WHOLE_UNIT = 320  # a unit this short is quoted whole: it reads better than a fragment
KEEP_RATIO = 0.85  # a further unit is cited only when its score is this close to the best
MAX_UNITS = 3


@dataclass(frozen=True)
class Composed:
    text: str
    citations: tuple[Citation, ...]


def _header(as_of: date, english: bool) -> str:
    if english:
        return (
            f"As of {as_of.isoformat()}. The official texts are in Chinese; "
            "the passages below are quoted verbatim."
        )
    return f"（截至{as_of.isoformat()}）"


def _line(citation: Citation, label: str | None, english: bool) -> str:
    source = source_label(citation.title, citation.locator)
    line = f"{source}: “{citation.quote}”" if english else f"{source}规定：“{citation.quote}”"
    if label:
        line += f"\n  〔Note: {label}〕" if english else f"\n  〔注意：{label}〕"
    return line


def best_span(text: str, score: Callable[[str], float], limit: int = QUOTE_WHOLE_UNIT) -> str:
    """The verbatim span of ``text`` to quote: the whole text when short, else the best
    sentence, extended over the list that follows when the sentence introduces one."""
    if len(text) <= limit:
        return text.strip()
    parts = sentences(text)
    starts, pos = [], 0
    for part in parts:
        starts.append(pos)
        pos += len(part)
    candidates = [i for i, p in enumerate(parts) if p.strip()]
    best = max(candidates, key=lambda i: (score(parts[i]), -i))
    end = best + 1
    # A sentence ending in a colon introduces items; quote them too while short enough.
    if parts[best].rstrip().endswith(("：", ":")):
        while end < len(parts) and starts[end] + len(parts[end]) - starts[best] <= limit:
            end += 1
    span = text[starts[best] : starts[end - 1] + len(parts[end - 1])]
    return span.strip()


class Composer:
    def __init__(
        self,
        corpus: Corpus,
        applicability: Applicability,
        tokens: Callable[[str], list[str]],
        idf,
        sentence_words: Mapping[str, frozenset[str]] | None = None,
    ):
        self._corpus = corpus
        self._applicability = applicability
        self._tokens = tokens
        self._idf = idf
        # Words of the corpus sentences, segmented once by the index build; a sentence
        # missing from it (none, with an index of this corpus) is segmented on the spot.
        self._sentence_words = sentence_words or {}

    def _scorer(self, query: Query) -> Callable[[str], float]:
        wanted = set(self._tokens(query.search_text))
        ref_numbers = set(re.findall(r"\d+", query.text))

        def score(sentence: str) -> float:
            words = self._sentence_words.get(sentence)
            if words is None:
                words = set(self._tokens(sentence))
            value = sum(self._idf.get(w, 0.0) for w in words & wanted)
            value += 0.5 * len(ref_numbers & set(re.findall(r"\d+", sentence)))
            return value

        return score

    def citation(self, key: str, quote: str) -> Citation:
        unit = self._corpus.units[key]
        if quote not in unit.text and quote != unit.heading:
            raise ValueError(f"quote is not verbatim in {key}")
        return Citation(key=key, title=self._corpus.title_of(key), locator=unit.locator, quote=quote)

    def chosen_units(self, query: Query, hits: Sequence[Hit]) -> list[str]:
        named = [k for k in query.refs if k in self._corpus.units]
        if named:
            return named[:MAX_UNITS]
        if not hits:
            return []
        top = hits[0].score
        keep = [h.key for h in hits if h.score >= KEEP_RATIO * top]
        return keep[:MAX_UNITS]

    def answer(self, query: Query, hits: Sequence[Hit], as_of: date) -> Composed:
        score = self._scorer(query)
        citations = []
        for key in self.chosen_units(query, hits):
            unit = self._corpus.units[key]
            quote = best_span(unit.text, score) if unit.text.strip() else unit.heading
            citations.append(self.citation(key, quote))
        lines = [_header(as_of, query.english)]
        for c in citations:
            lines.append(_line(c, self._applicability.label(c.key, as_of), query.english))
        if any(not c.quote or c.quote == self._corpus.units[c.key].heading for c in citations):
            lines.append("（该部分在官方文本中为空白，由双方约定。）" if not query.english else "(Left blank in the official text.)")
        return Composed("\n".join(lines), tuple(citations))

    def rule_answer(self, rule: RuleResult, query: Query, as_of: date) -> Composed:
        lines = [_header(as_of, query.english), rule.statement]
        for c in rule.citations:
            lines.append(_line(c, self._applicability.label(c.key, as_of), query.english))
        for warning in rule.warnings:
            if warning not in rule.statement:
                lines.append(("Warning: " if query.english else "提示：") + warning)
        return Composed("\n".join(lines), tuple(rule.citations))

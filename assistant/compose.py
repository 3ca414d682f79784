"""The offline, extractive composer: answer text made of verbatim quotes.

Given the retrieval hits it keeps the units that are well supported (the best one, and
of the next two those the trained model finds right citations too; without a model, those
scoring close to the best), picks in each the sentences that share the most weighted
words with the question, and quotes them verbatim. Only quoted units become citations.
A unit that does not govern on the as-of date is quoted with its label, never silently; but of
two units holding the same words (one provision kept verbatim when its law was amended, under
another number) only the one in force is quoted: the other adds no text, only a second
citation of a version that does not apply.

``rule_answer`` opens with the rules module's statement and quotes the articles the rule
cites; retrieval adds nothing to a rule's answer, so no quote can contradict its numbers.

Not here: deciding scope (``assistant``), or writing prose a model would write (``llm``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from .applicability import Applicability
from .messages import Messages
from .patterns import pattern
from .query import Query
from .text import QUOTE_WHOLE_UNIT, blank, clause_around, sentences, source_label
from .types import Citation, Corpus, Hit, RuleResult

KEEP_RATIO = 0.85  # without a trained model, a further unit is cited when its score is this close to the best
MAX_UNITS = 3


@dataclass(frozen=True)
class Composed:
    text: str
    citations: tuple[Citation, ...]


def _line(citation: Citation, label: str | None, english: bool, messages: Messages) -> str:
    source = source_label(citation.title, citation.locator)
    line = messages.say("quote_line", english, source=source, quote=citation.quote)
    if label:
        line += "\n  " + messages.say("quote_note", english, label=label)
    return line


def best_span(text: str, score: Callable[[Sequence[str]], Sequence[float]], limit: int = QUOTE_WHOLE_UNIT) -> str:
    """The verbatim span of ``text`` to quote: the whole text when short, else the best
    sentence (``score`` rates them all at once), extended while short enough over the
    sentences that follow it and still share the question's words, or over the list that
    follows when the sentence introduces one."""
    if len(text) <= limit:
        return text.strip()
    parts = sentences(text)
    starts, pos = [], 0
    for part in parts:
        starts.append(pos)
        pos += len(part)
    candidates = [i for i, p in enumerate(parts) if p.strip()]
    values = dict(zip(candidates, score([parts[i] for i in candidates]), strict=True))
    best = max(candidates, key=lambda i: (values[i], -i))
    end = best + 1
    # A sentence ending in a colon introduces items: quote them too. Otherwise the sentences
    # right after the best often finish its answer (the period's end after its length, the
    # notice's contents after who must be told): quote on while they still share the
    # question's words.
    introduces = parts[best].rstrip().endswith(("：", ":"))
    while (end < len(parts) and starts[end] + len(parts[end]) - starts[best] <= limit
           and (introduces or not parts[end].strip() or values[end] > 0)):
        end += 1
    span = text[starts[best] : starts[end - 1] + len(parts[end - 1])]
    return span.strip()


class Composer:
    def __init__(
        self,
        corpus: Corpus,
        applicability: Applicability,
        tokens: Callable[[str], list[str]],
        idf: Mapping[str, float],
        sentence_words: Mapping[str, frozenset[str]] | None = None,
        *,
        messages: Messages,
    ):
        self.messages = messages  # also the generator's, which writes around a model's answer
        self._corpus = corpus
        self._applicability = applicability
        self._tokens = tokens
        self._idf = idf
        # Words of the corpus sentences, segmented once by the index build; a sentence
        # missing from it (none, with an index of this corpus) is segmented on the spot.
        self._sentence_words = sentence_words or {}
        # the units of each text that more than one unit holds word for word
        holders: dict[str, list[str]] = {}
        for key, unit in corpus.units.items():
            if unit.text.strip():
                holders.setdefault(unit.text.strip(), []).append(key)
        self._same_words = {k: tuple(ks) for ks in holders.values() if len(ks) > 1 for k in ks}

    def one_version(self, keys: Sequence[str], as_of: date) -> list[str]:
        """``keys`` with each set of units holding the same words reduced to one, in the place
        of the best ranked: the one in force on ``as_of`` (else the best ranked)."""
        out: list[str] = []
        for key in keys:
            same = self._same_words.get(key, ())
            if any(k in out for k in same):
                continue
            group = [k for k in keys if k in same] or [key]
            in_force = [k for k in group if self._applicability.instrument_in_force(k, as_of)]
            out.append((in_force or group)[0])
        return out

    def _scorer(self, query: Query) -> Callable[[Sequence[str]], list[float]]:
        # By shared words alone: a clause's nearness in meaning to the question, weighted beside
        # them, moved no right-clause rate on the train or dev questions that name the clause
        # (74 and 10; eval/results/clause-meaning.json), so it is not computed. Nor is the
        # bonus a clause stating a period or an amount once had when one was asked: at 1 to 2
        # it moved no right-clause rate of the 76 train and 12 dev questions naming their
        # clause (eval/results/quantity-bonus.json).
        wanted = set(self._tokens(query.search_text))
        ref_numbers = set(pattern("compose_digits").findall(query.text))

        def words_shared(sentence: str) -> float:
            stored = self._sentence_words.get(sentence)
            words = stored if stored is not None else frozenset(self._tokens(sentence))
            # fsum: exact whatever order the set yields, so near-ties break the same in every process
            value = math.fsum(self._idf.get(w, 0.0) for w in words & wanted)
            return value + 0.5 * len(ref_numbers & set(pattern("compose_digits").findall(sentence)))

        def score(parts: Sequence[str]) -> list[float]:
            return [words_shared(p) for p in parts]

        return score

    def citation(self, key: str, quote: str) -> Citation:
        unit = self._corpus.units[key]
        if quote not in unit.text and quote != unit.heading:
            raise ValueError(f"quote is not verbatim in {key}")
        return Citation(key=key, title=self._corpus.title_of(key), locator=unit.locator, quote=quote)

    def chosen_units(
        self, query: Query, hits: Sequence[Hit], score: Callable[[Sequence[str]], list[float]] | None = None
    ) -> list[str]:
        """The units to quote; ``score`` is ``_scorer(query)`` when the caller has it."""
        named = [k for k in query.refs if k in self._corpus.units]
        if named:
            ranked = [h.key for h in hits[:MAX_UNITS]]
            score = score or self._scorer(query)
            return list(dict.fromkeys(self._answering(k, ranked, score) for k in named))[:MAX_UNITS]
        if not hits:
            return []
        if any(h.cite_beside is not None for h in hits[1:]):
            # the trained model's verdict on each of the next units (``Hit.cite_beside``)
            return [hits[0].key] + [h.key for h in hits[1:MAX_UNITS] if h.cite_beside]
        top = hits[0].score
        keep = [h.key for h in hits if h.score >= KEEP_RATIO * top]
        return keep[:MAX_UNITS]

    def _answering(self, key: str, ranked: Sequence[str], score: Callable[[Sequence[str]], list[float]]) -> str:
        """The named unit ``key``, or a unit ranked beside it that refers back to it within
        their own text and shares more of the question's words: "违反第三十一条…罚款多少" names
        the duty broken and asks about the article that punishes breaking it."""
        named = self._corpus.units[key]
        # each ranked unit of the same text that refers back, without its clauses that refer to
        # an article: those are links ("违反本法第三十一条规定，"), not what the unit says
        beyond: dict[str, str] = {}
        for k in ranked:
            unit = self._corpus.units[k]
            links = list(pattern("compose_self_reference").finditer(unit.text))
            if k != key and unit.doc_id == named.doc_id and any(m.group(1) == named.locator for m in links):
                beyond[k] = blank(unit.text, [clause_around(unit.text, m.start()) for m in links])
        if not beyond:
            return key
        values = score([named.text, *beyond.values()])
        best = max(range(len(values)), key=lambda i: (values[i], -i))
        return key if best == 0 else list(beyond)[best - 1]

    def answer(self, query: Query, hits: Sequence[Hit], as_of: date) -> Composed:
        score = self._scorer(query)
        citations = []
        for key in self.one_version(self.chosen_units(query, hits, score), as_of):
            unit = self._corpus.units[key]
            quote = best_span(unit.text, score) if unit.text.strip() else unit.heading
            citations.append(self.citation(key, quote))
        say, en = self.messages.say, query.english
        lines = [say("as_of_header", en, date=as_of.isoformat())]
        for c in citations:
            lines.append(_line(c, self._applicability.label(c.key, as_of), en, self.messages))
        if any(not c.quote or c.quote == self._corpus.units[c.key].heading for c in citations):
            lines.append(say("left_blank", en))
        return Composed("\n".join(lines), tuple(citations))

    def rule_answer(self, rule: RuleResult, query: Query, as_of: date) -> Composed:
        say, en = self.messages.say, query.english
        lines = [say("as_of_header", en, date=as_of.isoformat()), rule.statement]
        for c in rule.citations:
            lines.append(_line(c, self._applicability.label(c.key, as_of), en, self.messages))
        for warning in rule.warnings:
            if warning not in rule.statement:
                lines.append(say("warning", en, text=warning))
        return Composed("\n".join(lines), tuple(rule.citations))

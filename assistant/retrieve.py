"""Hybrid, date-aware retrieval of citable units.

Every unit of the corpus gets a row of evidence for a question (``Legs``), and a fusion
(``Fusion``) turns the row into one score. The legs, each scaled to 0..1 over the corpus
(min-max; a unit takes its best chunk's score):

- ``sparse``: BM25 over jieba tokens of the question plus its lexicon expansions, each chunk
  indexed with its unit's gloss;
- ``dense``: cosine similarity of the query vector (same text) to every chunk;
- ``phrase``: BM25 over single gloss phrases (a unit takes its best phrase), so a question
  worded like one phrase is not drowned by a long article's other words;
- ``adapted``: cosine similarity after a linear map of the query vector trained on labelled
  questions (``relevance``); 0 when no trained model is loaded;
- ``neighbours``: the labelled questions nearest to this one vote for the units that answer
  them (``relevance``); 0 without a model.

And flags, each multiplying the fused score: the question names the unit's instrument (on
purpose, not as something merely signed or not needed); the instrument is not in force on the
as-of date, or the unit is displaced in part (both only when its instrument is not named); the
unit is interpretive Q&A material; the unit is a section's overview. A unit the question names
explicitly ("第七条", "标准合同第三条") comes first, whatever else.

Reciprocal rank fusion keeps only the order, so a unit sharing far more of the question's
words than any other lost to one a little closer in cosine similarity; summing scaled scores
kept the margin (README history). The fusion's weights are hand-set by default and learned
when a trained model ships (``relevance``, ``eval.train``).

``support_features`` describes a hit below the best beside it, for the trained model's
verdict that it too is a right citation (the composer cites it then).

``baseline_search`` is the plain recipe (raw question, RRF, nothing else), kept so the
evaluation can show every figure beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from . import bm25
from .applicability import Applicability
from .index import HybridIndex
from .query import Query
from .relevance import RelevanceModel
from .types import Hit

RRF_K = 60  # the plain recipe's constant, for ``baseline_search``
LEGS = ("sparse", "dense", "phrase", "adapted", "neighbours")
FLAGS = ("named", "not_in_force", "displaced", "interpretive", "overview")
SUPPORT_WIDTH = 2 * len(LEGS) + len(FLAGS) + 4  # the columns of ``support_features``


@dataclass(frozen=True)
class Fusion:
    """score = (legs · weights) × the multiplier of every flag that is set, + ``explicit``
    for a unit the question names. The defaults are the hand-set weights used without a
    trained model."""

    legs: tuple[float, ...] = (1.0, 1.0, 0.3, 0.0, 0.0)
    # named 1.25; not in force 0.6; displaced in part 0.85 (its other provisions still apply);
    # interpretive 0.9 (Q&A restates the law, which is cited first); overview 0.8 (a
    # section's own text only lists its sub-units, which say more)
    flags: tuple[float, ...] = (1.25, 0.6, 0.85, 0.9, 0.8)
    explicit: float = 10.0  # more than any fused score

    def __post_init__(self) -> None:
        if len(self.legs) != len(LEGS) or len(self.flags) != len(FLAGS):
            raise ValueError(f"a fusion needs {len(LEGS)} leg weights and {len(FLAGS)} flag multipliers")

    def scores(self, legs: Legs) -> np.ndarray:
        multipliers = np.where(legs.flags, np.asarray(self.flags), 1.0).prod(axis=1)
        fused: np.ndarray = legs.scores @ np.asarray(self.legs) * multipliers + self.explicit * legs.explicit
        return fused  # (numpy types the product Any)


@dataclass(frozen=True)
class Legs:
    """Every citable unit's evidence for one question, in index unit order."""

    keys: tuple[str, ...]
    scores: np.ndarray  # (units, LEGS), each column scaled to 0..1
    flags: np.ndarray  # (units, FLAGS) bool
    explicit: np.ndarray  # (units,) bool
    best_chunk: np.ndarray = field(repr=False)  # (units,) index of the chunk a hit shows
    vector: np.ndarray = field(repr=False)  # the query's embedding


def support_features(legs: Legs, fused: np.ndarray, order: Sequence[int]) -> np.ndarray:
    """One row per hit of ``order`` after the first (unit indexes, best first): its fused
    score as a share of the best's, its legs and flags, the best hit's legs, whether both are
    of one instrument, whether it is third or lower, and a constant. What a second unit's
    citation rests on is how close it comes and by which evidence: a near neighbour vote
    beside a sparse match says more than a cosine alone, and a text out of force says less
    beside one in force."""
    top = order[0]
    doc = legs.keys[top].split("#", 1)[0]
    rows = [
        [fused[i] / fused[top] if fused[top] > 0 else 0.0, *legs.scores[i], *legs.flags[i], *legs.scores[top],
         float(legs.keys[i].split("#", 1)[0] == doc), float(rank >= 3), 1.0]
        for rank, i in enumerate(order[1:], start=2)
    ]
    return np.array(rows, dtype=np.float64).reshape(len(rows), SUPPORT_WIDTH)


def _best_per_unit(index: HybridIndex, chunk_scores: np.ndarray) -> dict[str, tuple[float, int]]:
    best: dict[str, tuple[float, int]] = {}
    for i, score in enumerate(chunk_scores):
        key = index.chunks[i].key
        if key not in best or score > best[key][0]:
            best[key] = (float(score), i)
    return best


def _scaled(best: dict[str, tuple[float, int]]) -> dict[str, float]:
    """Scores mapped onto 0..1 (the best unit 1, the worst 0); all 0 when they are equal."""
    low = min(score for score, _ in best.values())
    span = max(score for score, _ in best.values()) - low
    return {key: (score - low) / span if span > 0 else 0.0 for key, (score, _) in best.items()}


def _ranks(best: dict[str, tuple[float, int]]) -> dict[str, int]:
    order = sorted(best, key=lambda k: -best[k][0])
    return {key: r for r, key in enumerate(order, start=1)}


def _sparse(index: HybridIndex, tokens: Sequence[str], glosses: bool = True) -> dict[str, tuple[float, int]]:
    return _best_per_unit(index, bm25.scores(index.bm25 if glosses else index.plain_bm25, tokens))


def _cosines(index: HybridIndex, vector: np.ndarray) -> dict[str, tuple[float, int]]:
    dense_scores, ids = index.dense.search(vector.reshape(1, -1).astype(np.float32), index.dense.ntotal)
    dense = np.zeros(len(index.chunks), dtype=np.float64)
    dense[ids[0]] = dense_scores[0]
    return _best_per_unit(index, dense)


def _dense(index: HybridIndex, text: str) -> dict[str, tuple[float, int]]:
    return _cosines(index, index.embedder.embed_queries([text])[0])


def leg_scores(
    index: HybridIndex, text: str, glosses: bool = True
) -> tuple[dict[str, tuple[float, int]], dict[str, tuple[float, int]]]:
    """Per-unit (score, best chunk) for the sparse and the dense leg; ``glosses=False``
    scores the sparse leg on the units' own words alone."""
    return _sparse(index, index.tokenizer.tokens(text), glosses), _dense(index, text)


def phrase_scores(index: HybridIndex, tokens: Sequence[str]) -> dict[str, float]:
    """Per unit, its best gloss phrase's BM25 score for the question's tokens, scaled so the
    best unit is 1; units without a matching phrase are absent."""
    if not index.phrase_keys:
        return {}
    best: dict[str, float] = {}
    for key, score in zip(index.phrase_keys, bm25.scores(index.phrases, tokens), strict=True):
        if score > best.get(key, 0.0):
            best[key] = float(score)
    top = max(best.values(), default=0.0)
    return {key: score / top for key, score in best.items()} if top > 0 else {}


class Retriever:
    def __init__(
        self,
        index: HybridIndex,
        applicability: Applicability,
        fusion: Fusion | None = None,
        model: RelevanceModel | None = None,
    ):
        self._index = index
        self._applicability = applicability
        self._model = model
        self._fusion = fusion or (model.fusion if model else Fusion())
        corpus = applicability.corpus
        sections = {(u.doc_id, u.section) for u in corpus.units.values() if u.section}
        self._overviews = frozenset(u.key for u in corpus.units.values() if (u.doc_id, u.heading) in sections)
        self._keys = tuple(dict.fromkeys(c.key for c in index.chunks))

    def legs(self, query: Query, as_of: date, vector: np.ndarray | None = None) -> Legs:
        """The evidence every unit has for ``query`` on ``as_of`` (what ``search`` fuses);
        ``vector``: the query's embedding when the caller already has it."""
        index = self._index
        tokens = index.tokenizer.tokens(query.search_text)  # segmented once for both BM25 legs
        if vector is None:
            vector = index.embedder.embed_queries([query.search_text])[0]
        sparse, dense = _sparse(index, tokens), _cosines(index, vector)
        columns = [_scaled(sparse), _scaled(dense), phrase_scores(index, tokens)]
        if self._model is not None:
            columns.append(_scaled(_cosines(index, self._model.adapt(vector))))
            columns.append(self._model.neighbour_votes(vector))
        keys = self._keys
        scores = np.zeros((len(keys), len(LEGS)))
        for j, column in enumerate(columns):
            scores[:, j] = [column.get(k, 0.0) for k in keys]
        flags = np.array([self._flags(key, query, as_of) for key in keys], dtype=bool).reshape(len(keys), len(FLAGS))
        explicit = np.array([key in query.refs for key in keys], dtype=bool)
        # The chunk that shared the question's words, else the one nearest in meaning.
        best = np.array([sparse[k][1] if sparse[k][0] > 0 else dense[k][1] for k in keys])
        return Legs(keys, scores, flags, explicit, best, vector)

    def _flags(self, key: str, query: Query, as_of: date) -> tuple[bool, ...]:
        applicability = self._applicability
        doc = key.split("#", 1)[0]
        # Of two texts of one law a name stands for, the one out of force counts as unnamed
        # when the other is in force: "网络安全法" as of 2026 means the amended text.
        superseded = any(
            doc in group
            and not applicability.doc_in_force(doc, as_of)
            and any(applicability.doc_in_force(other, as_of) for other in group)
            for group in query.versions
        )
        # Naming an instrument asks about it on purpose, in force or not.
        named = doc in query.docs and doc not in query.incidental and not superseded
        in_force = applicability.instrument_in_force(key, as_of)
        return (
            named,
            not named and not in_force,
            not named and in_force and not applicability.governs(key, as_of),
            applicability.interpretive(key),
            key in self._overviews and key not in query.refs,
        )

    def search(self, query: Query, as_of: date, k: int = 5) -> list[Hit]:
        return self.ranked(query, as_of, k)[0]

    def ranked(
        self, query: Query, as_of: date, k: int = 5, vector: np.ndarray | None = None
    ) -> tuple[list[Hit], np.ndarray]:
        """The best ``k`` hits, and the query vector they were found with (``vector``, when
        the caller already embedded ``query.search_text``)."""
        legs = self.legs(query, as_of, vector)
        fused = self._fusion.scores(legs)
        order = [int(i) for i in np.argsort(-fused, kind="stable")[:k]]
        beside: list[bool | None] = [None] * len(order)
        if self._model is not None and self._model.support_weights is not None and len(order) > 1:
            beside[1:] = [bool(c) for c in self._model.cites_beside(support_features(legs, fused, order))]
        hits = [
            Hit(key=legs.keys[i], score=float(fused[i]), rank=rank, chunk=self._index.chunks[legs.best_chunk[i]].text,
                cite_beside=beside[rank - 1])
            for rank, i in enumerate(order, start=1)
        ]
        return hits, legs.vector


def baseline_search(index: HybridIndex, question: str, k: int = 5, rrf_k: int = RRF_K) -> list[str]:
    """The plain recipe: jieba BM25 + dense over the raw question, fused by RRF (k=60)."""
    sparse, dense = leg_scores(index, question, glosses=False)
    sparse_rank, dense_rank = _ranks(sparse), _ranks(dense)
    fused = {key: 1 / (rrf_k + sparse_rank[key]) + 1 / (rrf_k + dense_rank[key]) for key in dense}
    return sorted(fused, key=lambda key: -fused[key])[:k]

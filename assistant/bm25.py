"""Okapi BM25 as pure functions over token lists.

``fit`` turns tokenized documents into frozen statistics; ``scores`` rates every document
for a tokenized query. The tokenizer is the caller's business, so the same code scores
jieba tokens, characters or English words. No persistence: statistics rebuild from stored
tokens in milliseconds.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class BM25Stats:
    postings: Mapping[str, tuple[tuple[int, int], ...]]  # term -> ((doc, term frequency), ...)
    idf: Mapping[str, float]
    doc_len: tuple[int, ...]
    avg_len: float
    k1: float
    b: float


def fit(docs: Sequence[Sequence[str]], k1: float = 1.2, b: float = 0.75) -> BM25Stats:
    if not docs:
        raise ValueError("BM25 needs at least one document")
    postings: dict[str, list[tuple[int, int]]] = {}
    for i, doc in enumerate(docs):
        for term, tf in Counter(doc).items():
            postings.setdefault(term, []).append((i, tf))
    n = len(docs)
    # The "plus one" form of IDF stays positive for terms in more than half the documents.
    idf = {t: math.log(1 + (n - len(p) + 0.5) / (len(p) + 0.5)) for t, p in postings.items()}
    lengths = tuple(len(d) for d in docs)
    return BM25Stats(
        postings={t: tuple(p) for t, p in postings.items()},
        idf=idf,
        doc_len=lengths,
        avg_len=max(sum(lengths) / n, 1e-9),
        k1=k1,
        b=b,
    )


def scores(stats: BM25Stats, query: Sequence[str]) -> np.ndarray:
    out = np.zeros(len(stats.doc_len), dtype=np.float64)
    # sorted: float sums in one order, so equal-looking scores tie the same way in every process
    for term in sorted(set(query)):
        for doc, tf in stats.postings.get(term, ()):
            norm = stats.k1 * (1 - stats.b + stats.b * stats.doc_len[doc] / stats.avg_len)
            out[doc] += stats.idf[term] * tf * (stats.k1 + 1) / (tf + norm)
    return out

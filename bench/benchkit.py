"""Small pieces shared by the benchmark's parent and its child processes.

Standard library only: the parent imports this module too, and it must stay a small process
(a child's peak RSS as the kernel reports it can never be below its parent's at the moment
of the fork, so a heavy parent would inflate every figure).

Here: reading the gold questions, timing a callable over them, percentiles, recall at k,
and the one-JSON-line protocol a child uses to hand its result back.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    as_of: str | None
    cite_any: tuple[str, ...]  # keys any of which counts as a hit for recall


def load_questions(path: Path) -> list[Question]:
    """Every line of the gold set, in order; only the fields a benchmark needs."""
    questions = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            raw = json.loads(line)
            questions.append(Question(raw["id"], raw["question"], raw.get("as_of"), tuple(raw.get("cite_any") or ())))
    return questions


def warm_up(call: Callable[[Question], object], questions: Sequence[Question]) -> None:
    for question in questions:
        call(question)


def time_calls(call: Callable[[Question], object], questions: Sequence[Question], passes: int) -> list[float]:
    """Milliseconds of each call, ``passes`` times over ``questions``."""
    latencies = []
    for _ in range(passes):
        for question in questions:
            started = time.perf_counter()
            call(question)
            latencies.append((time.perf_counter() - started) * 1000)
    return latencies


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100), interpolated linearly between order statistics."""
    if not values:
        raise ValueError("percentile of no values")
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def recall_at_k(rankings: Sequence[Sequence[str]], questions: Sequence[Question], k: int) -> dict:
    """Share of questions with ``cite_any`` that have one of those keys in their top ``k``."""
    judged = [(ranked, q) for ranked, q in zip(rankings, questions, strict=True) if q.cite_any]
    hits = sum(1 for ranked, q in judged if set(ranked[:k]) & set(q.cite_any))
    return {"k": k, "hits": hits, "judged": len(judged), "recall": hits / len(judged) if judged else 0.0}


def emit(result: dict) -> None:
    """A child's result: one JSON line on stdout."""
    sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
    sys.stdout.flush()

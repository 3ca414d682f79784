"""Score the assistant against the gold set, beside a plain baseline.

Every gold line is asked through the public API (``Assistant.ask`` and
``Assistant.retrieve``), exactly as a user would. A question passes when every expectation
it carries holds: outcome, a cited key among ``cite_any``, each ``contain`` string (an inner
list: any one of them), no ``not_contain`` string, the rule's ``mechanism`` / ``deadline``,
and a warning when ``warn`` is set.

The baseline row is the plain recipe a team might start with: jieba BM25 + dense RRF over
the raw question, no lexicon, no rules, no scope check, the top unit quoted whole.

Not here: deciding whether figures are good enough (``gate``) or printing (``__main__``).
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.api import Assistant
from assistant.retrieve import baseline_search

RULE_TYPES = ("transfer_path", "deadline")


@dataclass(frozen=True)
class GoldItem:
    id: str
    type: str
    question: str
    as_of: str | None
    outcome: str
    cite_any: tuple[str, ...] = ()
    contain: tuple[Any, ...] = ()
    not_contain: tuple[str, ...] = ()
    mechanism: str | None = None
    deadline: str | None = None
    warn: bool = False
    # a phrase (any one of them) the quote of a right citation must hold: the clause that
    # answers, not just the article
    quote_contains: tuple[str, ...] = ()


def load_gold(path: Path) -> list[GoldItem]:
    items = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            items.append(
                GoldItem(
                    id=raw["id"],
                    type=raw["type"],
                    question=raw["question"],
                    as_of=raw.get("as_of"),
                    outcome=raw["outcome"],
                    cite_any=tuple(raw.get("cite_any") or ()),
                    contain=tuple(raw.get("contain") or ()),
                    not_contain=tuple(raw.get("not_contain") or ()),
                    mechanism=raw.get("mechanism"),
                    deadline=raw.get("deadline"),
                    warn=bool(raw.get("warn")),
                    quote_contains=tuple(raw.get("quote_contains") or ()),
                )
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}:{number}: bad gold line ({exc})") from None
    return items


@dataclass(frozen=True)
class Outcome:
    """What one system did with one gold item."""

    item: GoldItem
    outcome: str
    answer: str
    cited: tuple[str, ...]
    ranked: tuple[str, ...]  # retrieval ranking, best first
    mechanism: str | None
    deadline: str | None
    warned: bool
    quotes_verbatim: bool
    seconds: float
    quotes: tuple[tuple[str, str], ...] = ()  # (key, quote) of each citation
    reason: str = ""  # why it was refused (``route.Refusal``), when it was

    @property
    def right_clause(self) -> bool:
        """A citation of a right unit quotes one of the item's ``quote_contains`` phrases."""
        return any(k in self.item.cite_any and any(p in q for p in self.item.quote_contains) for k, q in self.quotes)

    def failures(self) -> list[str]:
        it, out = self.item, []
        if self.outcome != it.outcome:
            out.append(f"outcome {self.outcome} != {it.outcome}")
        if it.cite_any and not set(self.cited) & set(it.cite_any):
            out.append(f"cited {list(self.cited)} none of {list(it.cite_any)}")
        for want in it.contain:
            options = want if isinstance(want, list) else [want]
            if not any(o in self.answer for o in options):
                out.append(f"missing {options}")
        for banned in it.not_contain:
            if banned in self.answer:
                out.append(f"contains {banned!r}")
        if it.mechanism and self.mechanism != it.mechanism:
            out.append(f"mechanism {self.mechanism} != {it.mechanism}")
        if it.deadline and self.deadline != it.deadline:
            out.append(f"deadline {self.deadline} != {it.deadline}")
        if it.warn and not self.warned:
            out.append("no warning")
        if it.quote_contains and self.outcome == "answered" and not self.right_clause:
            out.append(f"no quote of a right unit holds {list(it.quote_contains)}")
        return out


def run_assistant(assistant: Assistant, items: Iterable[GoldItem], progress=None) -> list[Outcome]:
    results = []
    for item in items:
        started = time.perf_counter()
        answer = assistant.ask(item.question, item.as_of)
        seconds = time.perf_counter() - started
        ranked = tuple(h.key for h in assistant.retrieve(item.question, item.as_of, k=10))
        decision = answer.rule.decision if answer.rule else {}
        verbatim = all(c.quote in assistant.corpus.units[c.key].text or c.quote == assistant.corpus.units[c.key].heading for c in answer.citations)
        results.append(
            Outcome(
                item=item,
                outcome=answer.outcome,
                answer=answer.answer,
                cited=tuple(c.key for c in answer.citations),
                ranked=ranked,
                mechanism=decision.get("mechanism"),
                deadline=decision.get("deadline"),
                warned=bool(answer.rule and answer.rule.warnings),
                quotes_verbatim=verbatim,
                seconds=seconds,
                quotes=tuple((c.key, c.quote) for c in answer.citations),
                reason=answer.reason,
            )
        )
        if progress:
            progress()
    return results


def run_baseline(assistant: Assistant, items: Iterable[GoldItem], progress=None) -> list[Outcome]:
    results = []
    for item in items:
        started = time.perf_counter()
        ranked = tuple(baseline_search(assistant.index, item.question, k=10))
        top = assistant.corpus.units[ranked[0]]
        seconds = time.perf_counter() - started
        results.append(
            Outcome(item, "answered", top.text, (top.key,), ranked, None, None, False, True, seconds)
        )
        if progress:
            progress()
    return results


def _ruled(item: GoldItem) -> bool:
    return item.type in RULE_TYPES or bool(item.mechanism or item.deadline)


def _ratio(hits: int, total: int) -> float | None:
    return round(hits / total, 4) if total else None


def _rank(outcome: Outcome) -> int | None:
    for position, key in enumerate(outcome.ranked, start=1):
        if key in outcome.item.cite_any:
            return position
    return None


def metrics(results: Sequence[Outcome]) -> dict[str, Any]:
    """Every figure of the report for one system."""
    by_type: dict[str, list[bool]] = {}
    for r in results:
        by_type.setdefault(r.item.type, []).append(not r.failures())
    # Retrieval is scored on questions whose answer comes from retrieval: the rule types
    # are decided by the rules module and are scored by rule accuracy instead.
    retrieval = [r for r in results if r.item.cite_any and r.item.outcome == "answered" and not _ruled(r.item)]
    ranks = [_rank(r) for r in retrieval]
    cited = [(key, r) for r in results if r.item.cite_any and r.outcome == "answered" for key in r.cited]
    predicted_refusals = [r for r in results if r.outcome == "not_covered"]
    true_refusals = [r for r in results if r.item.outcome == "not_covered"]
    ruled = [r for r in results if r.item.mechanism or r.item.deadline]
    clauses = [r for r in results if r.item.quote_contains and r.item.outcome == "answered"]
    latencies = sorted(r.seconds * 1000 for r in results)
    return {
        "questions": len(results),
        "pass_rate": _ratio(sum(not r.failures() for r in results), len(results)),
        "pass_rate_by_type": {t: _ratio(sum(v), len(v)) for t, v in sorted(by_type.items())},
        "retrieval_questions": len(retrieval),
        "r_at_1": _ratio(sum(1 for k in ranks if k == 1), len(ranks)),
        "r_at_5": _ratio(sum(1 for k in ranks if k and k <= 5), len(ranks)),
        "mrr": round(sum(1 / k for k in ranks if k) / len(ranks), 4) if ranks else None,
        "citation_precision": _ratio(sum(1 for key, r in cited if key in r.item.cite_any), len(cited)),
        "quotes_verbatim": _ratio(sum(r.quotes_verbatim for r in results), len(results)),
        "outcome_accuracy": _ratio(sum(r.outcome == r.item.outcome for r in results), len(results)),
        "refusal_precision": _ratio(sum(r.item.outcome == "not_covered" for r in predicted_refusals), len(predicted_refusals)),
        "refusal_recall": _ratio(sum(r.outcome == "not_covered" for r in true_refusals), len(true_refusals)),
        "rule_accuracy": _ratio(
            sum((not r.item.mechanism or r.mechanism == r.item.mechanism) and (not r.item.deadline or r.deadline == r.item.deadline) for r in ruled),
            len(ruled),
        ),
        "right_clause": _ratio(sum(r.right_clause for r in clauses), len(clauses)),
        # each refusal reason: how often it was given, and how often the refusal was right
        "refusals_by_reason": {
            reason: {"refused": len(group), "right": sum(r.item.outcome == "not_covered" for r in group)}
            for reason, group in sorted(_by_reason(predicted_refusals).items())
        },
        "latency_p50_ms": round(statistics.median(latencies), 2) if latencies else None,
        "latency_p95_ms": round(latencies[max(0, round(0.95 * len(latencies)) - 1)], 2) if latencies else None,
    }


def _by_reason(refusals: Sequence[Outcome]) -> dict[str, list[Outcome]]:
    groups: dict[str, list[Outcome]] = {}
    for r in refusals:
        groups.setdefault(r.reason or "unstated", []).append(r)
    return groups


def failures_report(results: Sequence[Outcome]) -> list[dict[str, Any]]:
    return [
        {"id": r.item.id, "type": r.item.type, "question": r.item.question, "failures": r.failures()}
        for r in results
        if r.failures()
    ]


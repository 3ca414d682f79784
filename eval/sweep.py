"""``python -m eval.sweep``: every question of many sets, one record each, and what moved.

``--out FILE SET...`` asks every question of the given question sets and writes one JSON
line per question: its set and id, the outcome expected and given, the rank of the first
right unit in the top ten (null when none), the cited keys, and whether it passed.
``--compare BEFORE AFTER`` lists, set by set, the questions whose rank or pass changed
between two such files, and the retrieval figures of each.

This is how a change to shared parts (corpus, index, ranking) is checked question by
question on sets nobody tuned it on. Not here: the gate (``gate``) or the report (``__main__``).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

from tqdm import tqdm

from .runner import GoldItem, Outcome, load_gold, run_assistant


def _rank(outcome: Outcome) -> int | None:
    return next((i for i, key in enumerate(outcome.ranked, start=1) if key in outcome.item.cite_any), None)


def records(set_name: str, outcomes: Iterable[Outcome]) -> list[dict]:
    return [
        {
            "set": set_name,
            "id": o.item.id,
            "expected": o.item.outcome,
            "outcome": o.outcome,
            "rank": _rank(o) if o.item.cite_any else None,
            "retrieval": bool(o.item.cite_any) and o.item.outcome == "answered" and not (o.item.mechanism or o.item.deadline),
            "cited": list(o.cited),
            "top": list(o.ranked[:5]),
            "passed": not o.failures(),
        }
        for o in outcomes
    ]


def figures(rows: Sequence[dict]) -> dict[str, float | int | None]:
    """R@1, R@5, MRR over the retrieval questions; pass rate over all."""
    ranks = [r["rank"] for r in rows if r["retrieval"]]
    n = len(ranks)
    return {
        "questions": len(rows),
        "pass_rate": round(sum(r["passed"] for r in rows) / len(rows), 4) if rows else None,
        "retrieval_questions": n,
        "r_at_1": round(sum(1 for k in ranks if k == 1) / n, 4) if n else None,
        "r_at_5": round(sum(1 for k in ranks if k and k <= 5) / n, 4) if n else None,
        "mrr": round(sum(1 / k for k in ranks if k) / n, 4) if n else None,
    }


def sweep(paths: Sequence[Path], out: Path) -> None:
    from assistant.api import Assistant
    from assistant.config import Config

    assistant = Assistant.from_config(Config.from_env(), notify=lambda m: print(m, file=sys.stderr))
    sets: list[tuple[str, list[GoldItem]]] = [(p.stem, load_gold(p)) for p in paths]
    rows: list[dict] = []
    with tqdm(total=sum(len(items) for _, items in sets), desc="questions", file=sys.stderr) as bar:
        for name, items in sets:
            rows += records(name, run_assistant(assistant, items, progress=lambda: bar.update(1)))
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def _load(path: Path) -> dict[tuple[str, str], dict]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return {(r["set"], r["id"]): r for r in rows}


def compare(before: Path, after: Path) -> str:
    old, new = _load(before), _load(after)
    lines = []
    for name in dict.fromkeys(s for s, _ in new):
        keys = [k for k in new if k[0] == name]
        a, b = figures([old[k] for k in keys if k in old]), figures([new[k] for k in keys])
        lines.append(
            f"{name}: pass {a['pass_rate']} -> {b['pass_rate']}, R@1 {a['r_at_1']} -> {b['r_at_1']}, "
            f"R@5 {a['r_at_5']} -> {b['r_at_5']}, MRR {a['mrr']} -> {b['mrr']}"
        )
        for k in keys:
            if k not in old:
                continue
            o, n = old[k], new[k]
            if o["rank"] != n["rank"] or o["passed"] != n["passed"]:
                lines.append(f"  {k[1]}: rank {o['rank']} -> {n['rank']}, passed {o['passed']} -> {n['passed']}")
    everything = list(new)
    a, b = figures([old[k] for k in everything if k in old]), figures([new[k] for k in everything])
    lines.append(f"ALL: pass {a['pass_rate']} -> {b['pass_rate']}, R@1 {a['r_at_1']} -> {b['r_at_1']}, "
                 f"R@5 {a['r_at_5']} -> {b['r_at_5']}, MRR {a['mrr']} -> {b['mrr']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.sweep")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("BEFORE", "AFTER"))
    parser.add_argument("sets", nargs="*", type=Path)
    args = parser.parse_args(argv)
    if args.compare:
        print(compare(*args.compare))
        return 0
    if not args.out or not args.sets:
        parser.error("give --out FILE and the question sets, or --compare BEFORE AFTER")
    sweep(args.sets, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())

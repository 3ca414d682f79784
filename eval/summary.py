"""``python -m eval.summary``: the figures of every measured set, as data, and the README table.

``--measure`` asks every question of the gate files and of the dev and test sets of
``eval/manifest.toml`` and writes ``eval/results/summary.json`` (per set: role, split, status,
pass rate, R@1, R@5, MRR, right-clause rate, outcome accuracy). A set measured for the first
time also gets a row in ``eval/results/first_measurements.json``, which is never rewritten:
the first figure of a set nobody tuned on is the honest one.

``--readme`` renders the table between the ``<!-- eval-table -->`` markers of README.md from
``summary.json``; the README never holds figures typed by hand.

Not here: the gate (``gate``) or training (``train``).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from .manifest import ROOT, QuestionSet, load_manifest
from .runner import metrics, run_assistant

RESULTS = ROOT / "eval" / "results"
SUMMARY = RESULTS / "summary.json"
FIRST = RESULTS / "first_measurements.json"
README = ROOT / "README.md"
MARK = "<!-- eval-table -->"
FIGURES = ("pass_rate", "r_at_1", "r_at_5", "mrr", "right_clause", "outcome_accuracy")


def measure(sets: tuple[QuestionSet, ...]) -> dict:
    from assistant.api import Assistant
    from assistant.config import Config

    assistant = Assistant.from_config(Config.from_env(), notify=lambda m: print(m, file=sys.stderr))
    rows = []
    for qs in sets:
        found = metrics(run_assistant(assistant, qs.items()))
        rows.append({
            "set": qs.name, "role": qs.role, "split": qs.split, "status": qs.status, "questions": found["questions"],
            **{f: found.get(f) for f in FIGURES},
        })
        print(f"{qs.name}: {rows[-1]}", file=sys.stderr)
    return {"measured": date.today().isoformat(), "rows": rows}


def _measured_sets() -> tuple[QuestionSet, ...]:
    return tuple(s for s in load_manifest() if s.role == "gate" or s.split in ("dev", "test"))


def render(summary: dict) -> str:
    def fmt(value) -> str:
        return "—" if value is None else f"{value:.2f}"

    lines = [
        f"Measured {summary['measured']} (`make eval-summary`; data in `eval/results/summary.json`).",
        "",
        "| set | role | split | questions | pass | R@1 | R@5 | MRR | right clause |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    groups: dict[tuple[str, str], list[dict]] = {}
    for row in summary["rows"]:
        groups.setdefault((row["role"], row["split"]), []).append(row)
    for (role, split), rows in groups.items():
        # dev held-out sets are pooled; test sets are listed one by one, since the newest
        # of them are the first measurement of the system as it is
        if role == "heldout" and split != "test":
            n = sum(r["questions"] for r in rows)
            pooled = {f: _pooled(rows, f) for f in FIGURES}
            rows = [{"set": f"{len(rows)} held-out sets", "questions": n, **pooled}]
        for r in rows:
            lines.append(
                f"| {r['set']} | {role} | {split} | {r['questions']} | {fmt(r['pass_rate'])} | {fmt(r['r_at_1'])} | "
                f"{fmt(r['r_at_5'])} | {fmt(r['mrr'])} | {fmt(r['right_clause'])} |"
            )
    return "\n".join(lines)


def _pooled(rows: list[dict], figure: str) -> float | None:
    """A figure over several sets, weighted by their questions; sets that do not measure it
    (no ``quote_contains`` for the right clause) are left out, and None if none does."""
    measured = [r for r in rows if r[figure] is not None]
    if not measured:
        return None
    return sum(r[figure] * r["questions"] for r in measured) / sum(r["questions"] for r in measured)


def write_readme(summary: dict, readme: Path = README) -> None:
    text = readme.read_text(encoding="utf-8")
    head, _, rest = text.partition(MARK)
    _, _, tail = rest.partition(MARK)
    if not rest:
        raise SystemExit(f"{readme} has no {MARK} markers")
    readme.write_text(f"{head}{MARK}\n{render(summary)}\n{MARK}{tail}", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.summary")
    parser.add_argument("--measure", action="store_true")
    parser.add_argument("--readme", action="store_true")
    args = parser.parse_args(argv)
    if args.measure:
        summary = measure(_measured_sets())
        RESULTS.mkdir(parents=True, exist_ok=True)
        SUMMARY.write_text(json.dumps(summary, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        first = json.loads(FIRST.read_text(encoding="utf-8")) if FIRST.is_file() else {}
        for row in summary["rows"]:
            first.setdefault(row["set"], {**row, "measured": summary["measured"]})
        FIRST.write_text(json.dumps(first, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    if args.readme:
        write_readme(json.loads(SUMMARY.read_text(encoding="utf-8")))
    if not (args.measure or args.readme):
        parser.error("give --measure, --readme or both")
    return 0


if __name__ == "__main__":
    sys.exit(main())

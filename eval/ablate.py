"""``python -m eval.ablate`` (``make ablate``): what each hand-written retrieval part still earns.

With the trained parts in (``eval.train``), the query expansions of ``lexicon.toml`` and the
unit glosses of ``glosses.toml`` are each left out in turn, and both together; the trained
parts are retrained without them, so each variant is the best the system can do without that
part. Dev chooses, test is only measured, as in ``eval.train``. The figures go to
``eval/results/ablation.json``, one row per variant and split, beside the full system's, and
as a table to ``ablation.md`` beside it.

Not here: the lexicon's scope lists and the refusal patterns, which decide whether a question
is answered at all rather than how retrieval ranks (the gate and the held-out sets measure those).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from assistant.config import Config

from . import train
from .manifest import ROOT

RESULTS = ROOT / "eval" / "results" / "ablation.json"
VARIANTS = {
    "full system": (),
    "without the glosses": ("glosses",),
    "without the query expansions": ("expansions",),
    "without expansions and glosses": ("expansions", "glosses"),
}


def without_expansions(lexicon: str) -> str:
    """The lexicon's text with the body of its ``[expand]`` table removed, the other tables kept."""
    lines = lexicon.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.strip() == "[expand]")
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("[")), len(lines))
    return "".join([*lines[: start + 1], "\n", *lines[end:]])


def run_variant(parts: tuple[str, ...], work: Path, config: Config, quick: bool) -> dict:
    """Train without ``parts`` in ``work`` and return the adopted model's figures and refusals."""
    args = ["--out", str(work / "model"), "--results", str(work / "relevance.json"),
            "--index-base", str(work / "index-base")]
    if "expansions" in parts:
        lexicon = work / "lexicon.toml"
        lexicon.write_text(without_expansions(config.lexicon_path.read_text(encoding="utf-8")), encoding="utf-8")
        args += ["--lexicon", str(lexicon)]
    if "glosses" in parts:
        glosses = work / "glosses.toml"
        glosses.write_text("# no glosses (ablation)\n", encoding="utf-8")
        args += ["--glosses", str(glosses)]
    if quick:
        args.append("--quick")
    if train.main(args) != 0:
        raise RuntimeError(f"training without {parts} failed")
    result = json.loads((work / "relevance.json").read_text(encoding="utf-8"))
    card = result["card"]
    refusal = [r for r in result["rows"] if r["variant"] == f"refusal by {card['refusal']}"]
    return {"figures": card["figures"], "refusal": refusal}


def table(rows: list[dict]) -> str:
    """The variants as a Markdown table: retrieval on dev and test (all, and the real questions),
    and refusals right / wrong on dev."""

    def figures(found: dict | None) -> str:
        if not found or not found.get("questions"):
            return "—"
        return f"{found['r_at_1']:.3f} / {found['r_at_5']:.3f} / {found['mrr']:.3f}"

    lines = [
        "| variant | dev all | dev real | test all | test real | refused on dev (right / wrong) |",
        "|---|---|---|---|---|---|",
    ]
    for name in dict.fromkeys(r["variant"] for r in rows):
        of = {(r["split"], "refusal" in r): r for r in rows if r["variant"] == name}
        dev, test, refusal = of.get(("dev", False), {}), of.get(("test", False), {}), of.get(("dev", True))
        refused = f"{refusal['refusal']['refused_right']} / {refusal['refusal']['refused_wrong']}" if refusal else "—"
        lines.append(f"| {name} | {figures(dev.get('all'))} | {figures(dev.get('real'))} | "
                     f"{figures(test.get('all'))} | {figures(test.get('real'))} | {refused} |")
    return "\n".join(lines) + "\n"


def _write(results: Path, rows: list[dict], quick: bool) -> None:
    results.parent.mkdir(parents=True, exist_ok=True)
    results.write_text(json.dumps({"rows": rows, "quick": quick}, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    results.with_suffix(".md").write_text(
        "# Each hand-written retrieval part left out (`make ablate`)\n\nR@1 / R@5 / MRR; the trained parts "
        "retrained for each variant. Written by `eval/ablate.py` from `ablation.json`.\n\n" + table(rows),
        encoding="utf-8",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.ablate")
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--quick", action="store_true", help="small samples (smoke test)")
    parser.add_argument("--only", choices=sorted(VARIANTS), action="append", help="run these variants only")
    args = parser.parse_args(argv)
    config = Config.from_env()
    rows = []
    for name, parts in VARIANTS.items():
        if args.only and name not in args.only:
            continue
        with tempfile.TemporaryDirectory(prefix="ablate-") as tmp:
            found = run_variant(parts, Path(tmp), config, args.quick)
        for row in found["figures"]:
            rows.append({"variant": name, "split": row["split"], **{k: v for k, v in row.items()
                                                                    if k not in ("variant", "split")}})
        for row in found["refusal"]:
            rows.append({"variant": name, "split": row["split"], "refusal": row["refusal"]})
        print(f"{name}: " + "; ".join(f"{r['split']} {r.get('all', r.get('refusal'))}" for r in rows
                                      if r["variant"] == name), file=sys.stderr)
        _write(args.results, rows, args.quick)  # after each variant: a later failure keeps these
    return 0


if __name__ == "__main__":
    sys.exit(main())

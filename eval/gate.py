"""The regression gate: every figure must be at or above its checked-in threshold.

Thresholds live in ``eval/thresholds.toml``. They are raised as the system improves and
never lowered to let a change through. Latency thresholds are ceilings, named ``*_ms``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any


def load_thresholds(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def check(figures: Mapping[str, Any], thresholds: Mapping[str, Any]) -> list[str]:
    problems = []
    for name, bar in thresholds.items():
        if name == "pass_rate_by_type":
            for kind, kind_bar in bar.items():
                value = figures["pass_rate_by_type"].get(kind)
                if value is None or value < kind_bar:
                    problems.append(f"pass rate of {kind}: {value} < {kind_bar}")
            continue
        value = figures.get(name)
        if value is None:
            problems.append(f"{name}: not measured")
        elif name.endswith("_ms") and value > bar:
            problems.append(f"{name}: {value} > {bar}")
        elif not name.endswith("_ms") and value < bar:
            problems.append(f"{name}: {value} < {bar}")
    return problems

"""The question sets and their roles, as ``eval/manifest.toml`` records them.

Every set has a role (the gate, a held-out set written from the corpus alone, or real
questions people asked), a split (train, dev or test) and a status (untouched, or already read
for failures). Training reads ``train`` sets only; ``data_digest`` identifies exactly what a
trained model learned from, so a model trained on other data can be reported stale.

Not here: scoring (``runner``) or training (``train``).
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import dataclass
from pathlib import Path

from .runner import GoldItem, load_gold

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT / "eval" / "manifest.toml"
SPLITS = ("train", "dev", "test")
ROLES = ("gate", "heldout", "real", "synthetic")


@dataclass(frozen=True)
class QuestionSet:
    name: str
    path: Path
    role: str
    split: str
    status: str
    source: str
    written: str

    def items(self) -> list[GoldItem]:
        return load_gold(self.path)


def load_manifest(path: Path = MANIFEST) -> tuple[QuestionSet, ...]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    sets = []
    for entry in data.get("set", []):
        qs = QuestionSet(
            name=entry["name"],
            path=ROOT / entry["path"],
            role=entry["role"],
            split=entry["split"],
            status=entry["status"],
            source=entry["source"],
            written=str(entry["written"]),
        )
        if qs.split not in SPLITS or qs.role not in ROLES or qs.status not in ("untouched", "read"):
            raise ValueError(f"{path}: set {qs.name!r} has an unknown split, role or status")
        sets.append(qs)
    return tuple(sets)


def in_split(sets: tuple[QuestionSet, ...], split: str) -> tuple[QuestionSet, ...]:
    return tuple(s for s in sets if s.split == split)


def data_digest(sets: tuple[QuestionSet, ...], *extra: Path) -> str:
    """SHA-256 over what training learns from: every train-split question's text, date,
    outcome and cited units (in a fixed order, whichever file holds it), then the bytes of
    ``extra`` files (glosses, lexicon)."""
    rows = sorted(
        json.dumps([item.question, item.as_of, item.outcome, sorted(item.cite_any)], ensure_ascii=False)
        for qs in in_split(sets, "train")
        for item in qs.items()
    )
    h = hashlib.sha256("\n".join(rows).encode())
    for path in extra:
        h.update(b"\0" + path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()

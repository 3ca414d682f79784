"""Which units govern on a given date, and the label an answer shows when one does not.

An instrument not yet in force (or, for interpretive material without an effective date,
not yet published), an instrument replaced by a later one (front matter ``replaces``), and
a unit displaced by a later rule (``data/applicability.toml``) each get a plain-language
label. Retrieval uses ``governs`` to prefer what applies on the as-of date; the composer
shows the label next to any quote that does not.

Not here: deciding thresholds or deadlines (``rules``).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .types import Corpus

_DEFAULT = Path(__file__).parent / "data" / "applicability.toml"


@dataclass(frozen=True)
class Displacement:
    key: str
    on: date
    by: str
    note: str


@dataclass(frozen=True)
class Applicability:
    corpus: Corpus
    displaced: Mapping[str, Displacement]

    def label(self, key: str, as_of: date) -> str | None:
        """None when the unit governs on ``as_of``; otherwise why it does not."""
        inst = self.corpus.instruments[self.corpus.units[key].doc_id]
        if inst.effective and as_of < inst.effective:
            return f"截至{as_of.isoformat()}尚未施行（自{inst.effective.isoformat()}起施行）"
        if not inst.effective and inst.published and as_of < inst.published:
            return f"截至{as_of.isoformat()}尚未发布（{inst.published.isoformat()}发布）"
        if inst.replaced_on and as_of >= inst.replaced_on:
            return f"已被替代，自{inst.replaced_on.isoformat()}起不再适用"
        moved = self.displaced.get(key)
        if moved and as_of >= moved.on:
            return f"自{moved.on.isoformat()}起部分内容已被调整：{moved.note}"
        return None

    def interpretive(self, key: str) -> bool:
        """Interpretive material (official Q&A) has a publication date but no effective date."""
        inst = self.corpus.instruments[self.corpus.units[key].doc_id]
        return inst.effective is None and inst.published is not None

    def instrument_in_force(self, key: str, as_of: date) -> bool:
        """False when the whole instrument is not yet in force (or published) or replaced.
        A unit displaced only in part still counts: its other provisions keep applying."""
        return self.doc_in_force(self.corpus.units[key].doc_id, as_of)

    def doc_in_force(self, doc_id: str, as_of: date) -> bool:
        """``instrument_in_force`` for an instrument by its doc_id."""
        inst = self.corpus.instruments[doc_id]
        if inst.effective and as_of < inst.effective:
            return False
        if not inst.effective and inst.published and as_of < inst.published:
            return False
        return not (inst.replaced_on and as_of >= inst.replaced_on)

    def governs(self, key: str, as_of: date) -> bool:
        return self.label(key, as_of) is None


def load_applicability(corpus: Corpus, path: Path = _DEFAULT) -> Applicability:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    displaced = {}
    for row in data.get("superseded", []):
        for key in (row["key"], row["by"]):
            if key not in corpus.units:
                raise ValueError(f"{path}: unknown citation key {key!r}")
        displaced[row["key"]] = Displacement(row["key"], row["on"], row["by"], row["note"])
    return Applicability(corpus, displaced)

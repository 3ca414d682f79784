"""The catalogue of what the assistant says to a user in its own words, Chinese and English.

``Messages.load()`` reads ``data/messages.toml`` (key → zh, en, with ``{placeholders}``) once,
at the entry point; ``say(key, english, **values)`` fills one in. A missing key or placeholder
is a programming error and raises. Two sentences of one language are joined the way that
language joins them (``join``): Chinese directly, English with a space.

Not here: the legal texts (quoted verbatim from the corpus) and the rule statements, whose
wording stays beside the rule table's numbers in ``rules``.
"""

from __future__ import annotations

import string
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

DEFAULT_MESSAGES = Path(__file__).parent / "data" / "messages.toml"


@dataclass(frozen=True)
class Messages:
    texts: Mapping[str, tuple[str, str]]  # key -> (zh, en)

    @classmethod
    def load(cls, path: Path = DEFAULT_MESSAGES) -> Messages:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        texts = {}
        for key, entry in data.items():
            if set(entry) != {"zh", "en"}:
                raise ValueError(f"{path}: message {key!r} must have exactly zh and en")
            texts[key] = (entry["zh"], entry["en"])
        return cls(texts)

    def say(self, key: str, english: bool, **values: object) -> str:
        return self.texts[key][1 if english else 0].format(**values)

    @staticmethod
    def join(parts: Iterable[str], english: bool) -> str:
        return (" " if english else "").join(p for p in parts if p)


def placeholders(text: str) -> frozenset[str]:
    """The names a message fills in."""
    return frozenset(name for _, name, _, _ in string.Formatter().parse(text) if name)

"""The lexicon: reviewed data mapping users' wording to the law's terms, and finding its phrases.

``load_lexicon`` reads ``data/lexicon.toml`` into a frozen ``Lexicon`` (expansions, instrument
names, scope word lists); ``spans`` / ``contains`` find a phrase as the lexicon means it (whole
words for Latin phrases), ``expansions`` gives the legal terms a question's wording maps to and
``named_docs`` where it names one of the corpus's instruments.

Not here: deciding anything from what is found (``query``, ``scope``).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .tokenize import normalize

DEFAULT_LEXICON = Path(__file__).parent / "data" / "lexicon.toml"


@dataclass(frozen=True)
class Lexicon:
    expand: Mapping[str, str]
    instruments: Mapping[str, tuple[str, ...]]
    domain: tuple[str, ...]
    foreign: tuple[str, ...]
    weak: tuple[str, ...] = ()
    offtopic: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    elsewhere: tuple[str, ...] = ()
    generic: tuple[str, ...] = ()
    absent: tuple[str, ...] = ()

    def terms(self) -> list[str]:
        """Every legal term the lexicon can add, for the tokenizer's dictionary."""
        out = [t for v in self.expand.values() for t in v.split()]
        out += [normalize(a).strip("《》") for names in self.instruments.values() for a in names]
        return out



def spans(text: str, phrase: str) -> list[tuple[int, int]]:
    """Where the phrase occurs: as a substring, but as whole words for Latin phrases ("file"
    is not in "profile"), whose words may be joined by spaces or hyphens ("third party" is in
    "third-party")."""
    words = phrase.split() if phrase.isascii() else [phrase]
    # Most phrases are absent; a plain substring test settles those without a regex.
    if not words or words[0] not in text:
        return []
    if not phrase.isascii():
        return [(m.start(), m.end()) for m in re.finditer(re.escape(phrase), text)]
    joined = r"[\s-]+".join(re.escape(w) for w in words)
    return [(m.start(), m.end()) for m in re.finditer(rf"(?<![a-z]){joined}(?![a-z])", text)]


def contains(text: str, phrase: str) -> bool:
    return bool(spans(text, phrase))


def expansions(text: str, expand: Mapping[str, str]) -> list[str]:
    """The legal terms of every lexicon phrase in the text, in lexicon order. Longer phrases
    are matched first and a phrase lying inside one already matched adds nothing: a "data
    breach" is not also a breach of contract, and "overseas recipient" is not counted again
    as "recipient" and "overseas"."""
    taken = [False] * len(text)
    found = set()
    for phrase in sorted(expand, key=len, reverse=True):
        for start, end in spans(text, phrase):
            if not all(taken[start:end]):
                found.add(phrase)
                taken[start:end] = [True] * (end - start)
    return [terms for phrase, terms in expand.items() if phrase in found]


def load_lexicon(path: Path = DEFAULT_LEXICON) -> Lexicon:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return Lexicon(
        expand={normalize(k): v for k, v in data["expand"].items()},
        instruments={k: tuple(normalize(a) for a in v) for k, v in data["instruments"].items()},
        domain=tuple(normalize(d) for d in data["scope"]["domain"]),
        foreign=tuple(normalize(f) for f in data["scope"]["foreign"]),
        weak=tuple(normalize(w) for w in data["scope"]["weak"]),
        offtopic=tuple(normalize(o) for o in data["scope"]["offtopic"]),
        places=tuple(normalize(p) for p in data["scope"]["places"]),
        elsewhere=tuple(normalize(e) for e in data["scope"]["elsewhere"]),
        generic=tuple(normalize(g) for g in data["scope"]["generic"]),
        absent=tuple(normalize(a) for a in data["scope"]["absent"]),
    )




def named_docs(text: str, lexicon: Lexicon) -> list[tuple[int, int, str]]:
    """(start, end, doc_id) of instrument names, longest match first at each place."""
    found: list[tuple[int, int, str]] = []
    taken = [False] * len(text)
    names = sorted(
        ((alias, doc) for doc, aliases in lexicon.instruments.items() for alias in aliases),
        key=lambda pair: -len(pair[0]),
    )
    spans: set[tuple[int, int]] = set()
    for alias, doc in names:
        # A Latin name as whole words, plural allowed: "standard contracts" names the
        # instrument, "standard contractual clauses" (the EU's) does not.
        pattern = rf"(?<![a-z]){re.escape(alias)}s?(?![a-z])" if alias.isascii() else re.escape(alias)
        for m in re.finditer(pattern, text):
            # One name may stand for two texts of one law (the Cybersecurity Law before and
            # after its amendment): the same words name both.
            if m.span() in spans or not any(taken[m.start() : m.end()]):
                found.append((m.start(), m.end(), doc))
                spans.add(m.span())
                for i in range(m.start(), m.end()):
                    taken[i] = True
    return sorted(found)


"""The regular expressions questions and answers are read with, kept as data with their examples.

Every pattern of the readers that use the registry (the rules' fact readers ``facts``,
``counts``, ``conflicts``, ``status``, ``scenarios``, ``asked``, ``asserted``, and the modules
``tests/test_patterns.py`` lists beside them) is written once, in
``data/patterns/<module>.toml``, as a template with the examples it must match and must not
match::

    [below]
    flags = "i"
    regex = '(?:不满|不到|less than|under)\\s*$'
    match = ["不满", "less than "]
    no_match = ["超过"]

``regex`` is one string or a list of pieces joined without separators (a list leaves room
for a comment beside each alternative). In a template:

- ``{class}`` is a word class of ``assistant/data/vocabulary.toml``, inserted as
  ``(?:w1|w2|…)`` with every word escaped, in the order the file lists them (the order
  matters where one word begins another: 要不要 is tried before 要);
- ``{@name}`` is another pattern's composed text, inserted verbatim (not wrapped in a group);
- ``{place_zh}`` / ``{place_en}`` are the place names of ``assistant.places`` (Chinese with the
  generic words such as 境外, English as whole words), and ``{country_zh}`` its Chinese names
  without the generic words; ``places`` keeps its own lists, longest name first (so 印度尼西亚
  is tried before 印度) and with an unnamed country's pattern, which a word class cannot say;
- a brace holding digits (``{0,8}``) is the regex quantifier it always was.

``registry()`` is every pattern by name, the one list ``tests/test_patterns.py`` runs the
examples of (a pattern without examples fails there); ``pattern(name)`` is one compiled.

Not here: what any pattern means or how it is used (the module using it says), and no
pattern is compiled or any file read when this module is imported (see ``registry``).
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from . import places

PATTERN_DIR = Path(__file__).parent / "data" / "patterns"
VOCABULARY = Path(__file__).parent / "data" / "vocabulary.toml"

_FLAGS = MappingProxyType({"i": re.IGNORECASE, "s": re.DOTALL, "m": re.MULTILINE})
_KEYS = frozenset({"regex", "flags", "match", "no_match"})
# A name in braces; digits in braces stay the quantifier they are.
_PLACEHOLDER = r"\{(@?[a-z_][a-z0-9_]*)\}"
_FROM_CODE = MappingProxyType(
    {"place_zh": places.pattern_zh, "place_en": places.pattern_en, "country_zh": places.pattern_countries_zh}
)


class PatternError(ValueError):
    """A pattern file or the vocabulary is malformed: the message names the file and entry."""


@dataclass(frozen=True)
class PatternSpec:
    """One pattern as its file gives it, composed."""

    name: str
    file: str  # the file under patterns/ that defines it
    regex: str  # the template with every placeholder filled
    flags: int
    match: tuple[str, ...]  # texts ``re.search`` must find it in
    no_match: tuple[str, ...]  # texts it must not be found in


# Read on first use, not at import: importing the rules does no work (a rule of the project),
# and the files never change while a process runs, so one read serves it. functools.cache on
# these pure functions of packaged files is the whole of the state, and what they return is
# immutable (frozen records, read-only mappings).


@functools.cache
def vocabulary(path: Path = VOCABULARY) -> Mapping[str, tuple[str, ...]]:
    """Each word class of the vocabulary file, its words in the file's order."""
    out = {}
    for name, words in _read(path).items():
        if not (isinstance(words, list) and len(words) > 1 and all(isinstance(w, str) and w for w in words)):
            raise PatternError(f"{path.name}: {name} must be a list of two words or more")
        if len(set(words)) != len(words):
            raise PatternError(f"{path.name}: {name} lists a word twice")
        out[name] = tuple(words)
    return MappingProxyType(out)


@functools.cache
def registry(directory: Path = PATTERN_DIR, vocabulary_file: Path = VOCABULARY) -> Mapping[str, PatternSpec]:
    """Every pattern of every file in ``directory``, composed, by name (unique across files)."""
    raw: dict[str, tuple[str, dict[str, Any]]] = {}
    for path in sorted(directory.glob("*.toml")):
        for name, entry in _read(path).items():
            if name in raw:
                raise PatternError(f"{path.name}: {name} is also defined in {raw[name][0]}")
            if not isinstance(entry, dict) or set(entry) - _KEYS:
                raise PatternError(f"{path.name}: {name} may only have the keys {sorted(_KEYS)}")
            raw[name] = (path.name, entry)
    words = functools.partial(vocabulary, vocabulary_file)
    composed: dict[str, str] = {}
    out = {}
    for name, (file, entry) in raw.items():
        flags = entry.get("flags", "")
        if set(flags) - set(_FLAGS):
            raise PatternError(f"{file}: {name} has unknown flags {flags!r}")
        examples = {key: entry.get(key, []) for key in ("match", "no_match")}
        if not all(isinstance(v, list) and all(isinstance(t, str) for t in v) for v in examples.values()):
            raise PatternError(f"{file}: {name}: match and no_match are lists of texts")
        out[name] = PatternSpec(
            name=name,
            file=file,
            regex=_compose(name, raw, words, composed, ()),
            flags=functools.reduce(lambda a, f: a | _FLAGS[f], flags, 0),
            match=tuple(examples["match"]),
            no_match=tuple(examples["no_match"]),
        )
    return MappingProxyType(out)


@functools.cache
def pattern(name: str) -> re.Pattern[str]:
    """The compiled pattern ``name`` (KeyError if no file defines it)."""
    spec = registry()[name]
    return re.compile(spec.regex, spec.flags)


def _read(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as problem:
        raise PatternError(f"{path}: cannot be read: {problem}") from None


def _compose(
    name: str,
    raw: Mapping[str, tuple[str, dict[str, Any]]],
    words: Callable[[], Mapping[str, tuple[str, ...]]],
    done: dict[str, str],
    using: tuple[str, ...],
) -> str:
    """The template of ``name`` with its placeholders filled from ``raw`` (every entry) and
    ``words`` (the vocabulary). ``done`` memoises within one ``registry()`` call; ``using`` is
    the chain of references, to refuse a cycle."""
    if name in done:
        return done[name]
    file, entry = raw[name]
    if name in using:
        raise PatternError(f"{file}: {name} refers to itself through {' → '.join(using)}")
    template = entry.get("regex")
    if isinstance(template, list) and all(isinstance(p, str) for p in template):
        template = "".join(template)
    if not isinstance(template, str) or not template:
        raise PatternError(f"{file}: {name} needs a regex (a string or a list of strings)")

    def fill(m: re.Match[str]) -> str:
        key = m.group(1)
        if key.startswith("@"):
            if key[1:] not in raw:
                raise PatternError(f"{file}: {name} refers to {key}, which no pattern file defines")
            return _compose(key[1:], raw, words, done, (*using, name))
        if key in _FROM_CODE:
            return _FROM_CODE[key]()
        if key not in words():
            raise PatternError(f"{file}: {name} uses {{{key}}}, which is no class of the vocabulary")
        return "(?:" + "|".join(re.escape(w) for w in words()[key]) + ")"

    done[name] = re.sub(_PLACEHOLDER, fill, template)
    return done[name]

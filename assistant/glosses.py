"""Load the topic glosses: per citable unit, everyday phrases saying what the unit deals with.

Employees ask in words the legal text does not use ("合同签完多久去报备", "transfer impact
assessment"), and the English questions share no words with the Chinese texts at all. The
reviewed file ``data/glosses.toml`` gives every unit a few short phrases in everyday Chinese
and English, written from that unit's own content. BM25 counts each chunk together with
its unit's phrases, and a second, small BM25 scores each phrase on its own, so that a
question worded like one phrase reaches its unit however long the unit is (``index``,
``retrieve``); on questions nobody had tuned for, both put a right unit first more often
(README, "Evaluation").

A gloss is search text only: it is never quoted, cited or shown, so it cannot put words into
an answer. Not here: how the index uses the text (``index``), scoring (``retrieve``).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

from .errors import CorpusError
from .types import Corpus

DEFAULT_GLOSSES = Path(__file__).parent / "data" / "glosses.toml"
_LISTS = ("zh", "en")


def load_glosses(corpus: Corpus, path: Path = DEFAULT_GLOSSES) -> Mapping[str, tuple[str, ...]]:
    """Unit key -> its phrases, the Chinese ones first. A key the corpus lacks, or an entry
    that is not lists of phrases, is an error naming the file and key: a misspelt key would
    otherwise leave its unit silently without a gloss. A unit with no entry simply has none."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CorpusError(f"glosses file not found: {path}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as problem:
        raise CorpusError(f"{path}: not valid TOML: {problem}") from None
    glosses: dict[str, tuple[str, ...]] = {}
    for key, entry in data.items():
        unit = corpus.units.get(key)
        if unit is None or not corpus.instruments[unit.doc_id].citable:
            raise CorpusError(f"{path}: [{key!r}] is not a citable unit of the corpus")
        if not isinstance(entry, dict) or set(entry) - set(_LISTS):
            raise CorpusError(f"{path}: [{key!r}] may only hold the lists zh and en")
        phrases: list[str] = []
        for language in _LISTS:
            values = entry.get(language, [])
            if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
                raise CorpusError(f"{path}: [{key!r}] {language} must be a list of non-empty phrases")
            phrases.extend(v.strip() for v in values)
        glosses[key] = tuple(phrases)
    return MappingProxyType(glosses)

"""Load ``corpus/*.md`` into instruments and citable units.

Each file opens with YAML front matter and is split into units at headings of level two or
three that start a line; the heading's first whitespace-separated token is the locator and
``doc_id#locator`` the unit key. Unit text is kept byte-for-byte as written (only the blank
lines around it are dropped) because quotes are checked against it.

Malformed input is an error naming file and line, never a silent skip. The corpus README is
the one Markdown file without front matter that is expected, and it is not loaded.

Not done here: deciding what applies on a date (``applicability``) or indexing (``index``).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from .errors import CorpusError
from .types import Corpus, Instrument, Unit

_HEADING = re.compile(r"^(#{1,6})(?:\s+(.*))?$")
_CITABLE_LEVELS = (2, 3)


def corpus_digest(root: Path) -> str:
    """Hash of every Markdown file's name and bytes: changes whenever the corpus does."""
    h = hashlib.sha256()
    for path in sorted(root.glob("*.md")):
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def load_corpus(root: Path, editorial: tuple[str, ...] = ("timeline",)) -> Corpus:
    """Read every front-mattered ``.md`` under ``root``; ``editorial`` doc_ids are never cited."""
    if not root.is_dir():
        raise CorpusError(f"corpus folder not found: {root}")
    instruments: dict[str, Instrument] = {}
    units: dict[str, Unit] = {}
    replaces: dict[str, str] = {}
    for path in sorted(root.glob("*.md")):
        if path.name.lower() == "readme.md":
            continue
        meta, body_start, lines = _split_front_matter(path)
        inst = _instrument(path, meta, editorial)
        if inst.doc_id in instruments:
            raise CorpusError(f"{path}:1: doc_id {inst.doc_id!r} already used by another file")
        instruments[inst.doc_id] = inst
        if meta.get("replaces"):
            replaces[inst.doc_id] = str(meta["replaces"])
        for unit in _units(path, inst.doc_id, lines, body_start):
            if unit.key in units:
                raise CorpusError(f"{path}:{unit.line}: duplicate citation key {unit.key!r}")
            units[unit.key] = unit
    if not instruments:
        raise CorpusError(f"no corpus files with front matter in {root}")
    instruments = _mark_replaced(instruments, replaces)
    return Corpus(instruments=instruments, units=units, digest=corpus_digest(root))


def _split_front_matter(path: Path) -> tuple[dict[str, Any], int, list[str]]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise CorpusError(f"{path}: not valid UTF-8 ({exc.reason} at byte {exc.start})") from exc
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        raise CorpusError(f"{path}:1: missing front matter (the file must start with '---')")
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        raise CorpusError(f"{path}:1: front matter is not closed by a '---' line") from None
    try:
        meta = yaml.safe_load("\n".join(lines[1:end])) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark else 1
        raise CorpusError(f"{path}:{line}: front matter is not valid YAML") from exc
    if not isinstance(meta, dict):
        raise CorpusError(f"{path}:2: front matter must be a mapping of fields")
    return meta, end + 1, lines


def _instrument(path: Path, meta: dict[str, Any], editorial: tuple[str, ...]) -> Instrument:
    doc_id = meta.get("doc_id")
    if not doc_id:
        raise CorpusError(f"{path}:1: front matter has no doc_id")
    if doc_id != path.stem:
        raise CorpusError(f"{path}:1: doc_id {doc_id!r} does not match the file name {path.stem!r}")
    if not meta.get("title"):
        raise CorpusError(f"{path}:1: front matter has no title")
    return Instrument(
        doc_id=doc_id,
        title=str(meta["title"]),
        issuer=str(meta.get("issuer") or ""),
        number=str(meta.get("instrument_number") or meta.get("instrument") or ""),
        published=_date(path, meta, "published"),
        effective=_date(path, meta, "effective"),
        status=str(meta.get("status") or ""),
        citable=doc_id not in editorial,
        # an instrument may state the day it stopped governing itself (an amended law's old text)
        replaced_on=_date(path, meta, "superseded"),
        path=str(path),
    )


def _date(path: Path, meta: dict[str, Any], field: str) -> date | None:
    value = meta.get(field)
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise CorpusError(f"{path}:1: front matter field {field!r} is not a date: {value!r}") from None


def _units(path: Path, doc_id: str, lines: list[str], start: int) -> list[Unit]:
    found: list[tuple[int, str, str, int]] = []  # (line index, locator, heading, level)
    for i in range(start, len(lines)):
        m = _HEADING.match(lines[i])
        if not m:
            continue
        level, heading = len(m.group(1)), (m.group(2) or "").strip()
        if level == 1:
            found.append((i, "", heading, level))  # a document title closes the previous unit
            continue
        if level not in _CITABLE_LEVELS:
            raise CorpusError(f"{path}:{i + 1}: heading level {level} is not used for citable units")
        if not heading:
            raise CorpusError(f"{path}:{i + 1}: heading has no locator")
        found.append((i, heading.split()[0], heading, level))
    units = []
    section = ""
    for n, (i, locator, heading, level) in enumerate(found):
        section = heading if level <= 2 else section
        if not locator:
            continue
        stop = found[n + 1][0] if n + 1 < len(found) else len(lines)
        text = "\n".join(lines[i + 1 : stop]).strip("\n")
        parent = section if level == 3 else ""
        units.append(Unit(f"{doc_id}#{locator}", doc_id, locator, heading, text, i + 1, parent))
    return units


def _mark_replaced(instruments: dict[str, Instrument], replaces: dict[str, str]) -> dict[str, Instrument]:
    """An instrument whose front matter says it ``replaces`` another ends that one's reign.

    ``replaces`` holds the old title plus a note; the longest title it starts with is meant
    (the standard contract's title is a prefix of the filing guide's, for instance).
    """
    out = dict(instruments)
    for new_id, replaced in replaces.items():
        new = instruments[new_id]
        candidates = [i for i in instruments.values() if i.doc_id != new_id and replaced.startswith(i.title)]
        if candidates and new.effective:
            old = max(candidates, key=lambda i: len(i.title))
            out[old.doc_id] = replace(old, replaced_on=new.effective)
    return out

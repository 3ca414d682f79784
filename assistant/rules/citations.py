"""Turn the pieces of law a decision rests on into ``Citation`` records with verbatim quotes.

Each named number or quote of a rule points at a unit and a text in it; the citation quotes
the whole sentence(s) around that text (sentences as ``text.sentences`` splits them), one
citation per unit, spanning from the first to the last sentence needed, so the quote is
always one contiguous substring of the unit's text.

Not here: choosing which pieces a decision rests on (``transfer``, ``deadlines``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..text import sentences
from ..types import Citation, Corpus
from .table import Quote, Rule, RuleTableError


def cite(corpus: Corpus, rule: Rule, names: Iterable[str]) -> tuple[Citation, ...]:
    """Citations for the named numbers/quotes of ``rule`` and those cited beside them
    (``Rule.beside``), in the order of ``rule.cites``."""
    return cite_quotes(corpus, [rule.anchor(n) for n in rule.with_beside(names)], rule.cites, rule.id)


def cite_quotes(corpus: Corpus, quotes: Iterable[Quote], order: Sequence[str] = (), source: str = "") -> tuple[Citation, ...]:
    """One citation per unit for pieces of law ``quotes``, each quoting the whole sentences
    around its pieces; units in ``order`` first, in that order, then the others as met."""
    spans: dict[str, tuple[int, int]] = {}
    for anchor in dict.fromkeys(quotes):
        unit = corpus.units.get(anchor.key)
        at = unit.text.find(anchor.text) if unit else -1
        if unit is None or at < 0:
            raise RuleTableError(f"{source}: {anchor.text!r} is not verbatim in {anchor.key}")
        start, end = _sentence_bounds(unit.text, at, at + len(anchor.text))
        if anchor.key in spans:
            s0, e0 = spans[anchor.key]
            start, end = min(start, s0), max(end, e0)
        spans[anchor.key] = (start, end)
    met = list(spans)
    out = []
    for key in sorted(spans, key=lambda k: order.index(k) if k in order else len(order) + met.index(k)):
        unit = corpus.units[key]
        start, end = spans[key]
        quote = unit.text[start:end].strip()
        out.append(Citation(key=key, title=corpus.title_of(key), locator=unit.locator, quote=quote))
    return tuple(out)


def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    pos, lo, hi = 0, None, None
    for sentence in sentences(text):
        s, e = pos, pos + len(sentence)
        pos = e
        if e > start and s < end:
            lo = s if lo is None else lo
            hi = e
    return (lo if lo is not None else start), (hi if hi is not None else end)

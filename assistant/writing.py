"""Bring a question's writing to the corpus's: one canonical form, Simplified characters,
Mandarin words.

0. Canonical form (``canonical``), before anything reads the question: terminal escape codes
   and control characters removed (tabs become spaces, line breaks stay), Unicode NFKC (except
   the full-width punctuation Chinese is written with, which the patterns expect), invisible
   characters removed (zero-width spaces and joiners, soft hyphens, word joiners, BOM,
   variation selectors — common in text pasted from chat apps and word processors), and in a
   word of Latin letters the Cyrillic or Greek look-alikes folded to Latin ("not a CIIO"
   typed with a Cyrillic o, U+043E, and a, U+0430). A word wholly in Cyrillic or Greek is left as it is.

Colleagues in Hong Kong, Macau and Taiwan write Traditional characters, often with written
Cantonese ("我哋唔係CIIO，使唔使簽標準合同？"). Every later stage matches the corpus's
Simplified Mandarin, so such a question is read as its Mandarin equivalent first:

1. 係 meaning "is" becomes 是 while the characters are still Traditional, because the
   conversion merges it with 系 ("system"); 關係 and 係數 keep it.
2. OpenCC's Traditional-to-Simplified conversion. It leaves Simplified text as it is
   (checked over every question of the evaluation sets and the whole corpus).
3. Written Cantonese words become Mandarin ones (``data/cantonese.toml``), so that a
   denial like 唔係 / 冇 reads as 不是 / 没有 to the rules.

Every step keeps, for each character it writes, the index of the character of the question it
was written from (``Written``; ``Reader.written``), so a span read in the canonical text can be
shown as the asker typed it (``reading.Reading.typed``).

Not here: regional legal vocabulary (个人资料 for 个人信息, 内地 for 境内), which is the
lexicon's job, and any translation of whole sentences.
"""

from __future__ import annotations

import difflib
import re
import tomllib
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import opencc  # for the annotation only: ``Reader.load`` imports it where it is used

_DEFAULT_TABLE = Path(__file__).parent / "data" / "cantonese.toml"
# Default-ignorable code points (Unicode's DerivedCoreProperties), which render as nothing.
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0000-\U000e0fff]"
)
# Full-width punctuation is how Chinese is written: NFKC would make it ASCII.
_KEEP_WIDE = frozenset("，。、；：？！（）【】《》〈〉「」『』〔〕“”‘’…—～·")
# Cyrillic and Greek letters that look like Latin ones.
_LOOKALIKE = str.maketrans(
    "аеорсухіјѕԁһӏԛԝАВЕКМНОРСТХУІЈЅαεικνορτυχΑΒΕΖΗΙΚΜΝΟΡΤΥΧ",
    "aeopcyxijsdhlqwABEKMHOPCTXYIJSaeikvoptuxABEZHIKMNOPTYX",
)
_WORD = re.compile(r"[A-Za-z\u0370-\u03ff\u0400-\u04ff\u0500-\u052f]+")
# Half of a surrogate pair on its own: what undecodable input (bad UTF-8 in argv, a lone JSON
# escape) becomes; no character, so it can be neither stored nor sent to a page.
SURROGATE = re.compile("[\ud800-\udfff]")


# Terminal colour and cursor codes, then control characters: spacing ones become a space,
# the rest (DEL, C1, the C0 range but line breaks) are noise inside words ("不\x7f是关基").
# (OSC titles and links run to BEL or ST; DCS, PM and APC strings to ST; CSI also has a one-byte C1 form)
_ESCAPE = re.compile(
    r"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x9d[^\x07\x9c]*(?:\x07|\x9c)|\x1b[P^_][^\x1b]*\x1b\\|"
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x9b[0-?]*[ -/]*[@-~]|\x1b[@-Z\\-_]"
)
_SPACING = str.maketrans({"\t": " ", "\v": " ", "\f": " "})
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def without_controls(text: str) -> str:
    """``text`` without terminal codes and control characters (tabs as spaces, line breaks
    kept): the first step of ``canonical``, and all that is done to the question as asked."""
    return _without_controls(Written.of(text)).text


def canonical(text: str) -> str:
    """The one form every stage reads (see the module docstring)."""
    return _canonical(Written.of(text)).text


def _without_controls(text: Written) -> Written:
    text = text.sub(_ESCAPE, "").sub(_CRLF, "\n").sub(_CR, "\n")
    return text.each(lambda ch: ch.translate(_SPACING)).sub(_CONTROL, "")


def _canonical(text: Written) -> Written:
    text = _without_controls(text).sub(_INVISIBLE, "")
    text = text.each(lambda ch: ch if ch in _KEEP_WIDE else unicodedata.normalize("NFKC", ch))
    words = _WORD.findall(text.text)
    # Text with a Cyrillic or Greek letter that looks like no Latin one is Russian or Greek:
    # there only words mixing in Latin letters are disguised; elsewhere every look-alike is.
    foreign = any(_FOREIGN_LETTER.search(w.translate(_LOOKALIKE)) for w in words)
    return text.sub(_WORD, lambda m: _fold(m.group(0), foreign))


_CRLF = re.compile("\r\n")
_CR = re.compile("\r")
_FOREIGN_LETTER = re.compile("[\u0370-\u03ff\u0400-\u04ff\u0500-\u052f]")


def _fold(word: str, foreign_text: bool) -> str:
    if foreign_text and not re.search("[A-Za-z]", word):
        return word
    return word.translate(_LOOKALIKE)
# 係 as the copula; the compounds where it means "relation" or "coefficient" keep it.
_COPULA = re.compile(r"(?<![關联聯])係(?!數)")


@dataclass(frozen=True)
class Reader:
    converter: opencc.OpenCC  # OpenCC("t2s")
    cantonese: Mapping[str, str]
    pattern: re.Pattern[str]

    @classmethod
    def load(cls, table: Path = _DEFAULT_TABLE) -> Reader:
        import opencc

        with open(table, "rb") as fh:
            words = dict(tomllib.load(fh)["words"])
        # longest first, so 唔系 is read before 唔
        alternation = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
        return cls(opencc.OpenCC("t2s"), words, re.compile(alternation))

    def read(self, text: str) -> str:
        return self.written(text).text

    def written(self, text: str) -> Written:
        """``text`` in the corpus's writing, each character traced to the one of ``text`` it
        was written from."""
        simplified = self._simplified(_canonical(Written.of(text)).sub(_COPULA, "是"))
        return simplified.sub(self.pattern, lambda m: self.cantonese[m.group(0)])

    def _simplified(self, text: Written) -> Written:
        converted = self.converter.convert(text.text)
        if len(converted) == len(text.text):
            return Written(converted, text.origin)  # one character for one, the usual case
        # A phrase converted to one of another length: the unchanged stretches line it up.
        origin: list[int] = []
        matcher = difflib.SequenceMatcher(None, text.text, converted, autojunk=False)
        for _, i1, i2, j1, j2 in matcher.get_opcodes():
            origin += _spread(text.origin[i1:i2], j2 - j1, text.at(i1))
        return Written(converted, tuple(origin))


@dataclass(frozen=True)
class Written:
    """A text and, for each of its characters, the index of the character of the original
    text it was written from: what lets a span of the canonical text be shown as typed."""

    text: str
    origin: tuple[int, ...]

    @classmethod
    def of(cls, text: str) -> Written:
        return cls(text, tuple(range(len(text))))

    def at(self, i: int) -> int:
        """Where the character at ``i`` came from; past the end, just past the last one."""
        return self.origin[i] if i < len(self.origin) else (self.origin[-1] + 1 if self.origin else 0)

    def sub(self, pattern: re.Pattern[str], repl: str | Callable[[re.Match[str]], str]) -> Written:
        """``pattern.sub`` with a literal or computed replacement, each new character traced to
        the characters it replaces."""
        pieces: list[str] = []
        origin: list[int] = []
        done = 0
        for m in pattern.finditer(self.text):
            new = repl(m) if callable(repl) else repl
            pieces += [self.text[done : m.start()], new]
            origin += [*self.origin[done : m.start()], *_spread(self.origin[m.start() : m.end()], len(new), self.at(m.start()))]
            done = m.end()
        pieces.append(self.text[done:])
        origin += self.origin[done:]
        return Written("".join(pieces), tuple(origin))

    def each(self, change: Callable[[str], str]) -> Written:
        """Every character replaced by ``change(character)``: none, one or several."""
        pieces = [change(ch) for ch in self.text]
        return Written("".join(pieces), tuple(o for piece, o in zip(pieces, self.origin, strict=True) for _ in piece))


def _spread(old: Sequence[int], n: int, anchor: int) -> tuple[int, ...]:
    """Origins for ``n`` characters written in place of characters from ``old`` (the origin
    ``anchor`` when nothing was replaced): in order, evenly."""
    if not old:
        return (anchor,) * n
    return tuple(old[i * len(old) // n] for i in range(n))

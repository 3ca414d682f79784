"""One reading of a question, built once and read by every stage after it.

``Reading.of(text, asked)`` takes the question already in the corpus's writing
(``writing.Reader.read``) and finds, once, what several stages need: whether it is English,
its sentences (``text.sentence_spans``), its numerals (``numerals``) and the phrases
that name days (``dates``, still without an as-of date, which a follow-up may shift).
Retrieval's analysis (``query``), the rules' fact reader (``rules.facts``) and the router take
this value instead of reading the string again.

Every span is into ``text``; ``typed`` shows one as the asker typed it (Traditional
characters, full-width digits, written Cantonese), through the map from each character of
``text`` to the one of ``asked`` it was written from (``writing.Written``), so that what the
assistant quotes back from a question is the asker's own words.

Not here: what the question means (``query``, ``rules``) and the canonical writing itself
(``writing``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .dates import DatePhrase, read_dates
from .numerals import Numeral, find_numerals, fold_digits
from .text import is_english, sentence_spans


@dataclass(frozen=True)
class Reading:
    asked: str  # the question as the user sent it
    text: str  # the same in the corpus's writing; every span below is into it
    english: bool
    sentences: tuple[tuple[int, int], ...]
    numerals: tuple[Numeral, ...]
    dates: tuple[DatePhrase, ...]
    # for each character of ``text``, the index of the character of ``asked`` it came from
    origin: tuple[int, ...]

    @classmethod
    def of(cls, text: str, asked: str | None = None, origin: Sequence[int] | None = None) -> Reading:
        """The reading of ``text``; ``asked`` and ``origin`` (``writing.Written``) when it was
        written from other words, which ``text`` itself stands for when they are not given."""
        if (asked is None) != (origin is None) or (origin is not None and len(origin) != len(text)):
            raise ValueError("a reading of rewritten words needs both the words as asked and a whole map back")
        return cls(
            asked=text if asked is None else asked,
            origin=tuple(range(len(text))) if origin is None else tuple(origin),
            text=text,
            english=is_english(text),
            sentences=tuple(sentence_spans(text)),
            # read in the folded digits, so that a numeral's raw words are in ASCII digits
            numerals=tuple(find_numerals(fold_digits(text))),
            dates=read_dates(text),
        )

    @classmethod
    def coerce(cls, question: Reading | str) -> Reading:
        """``question`` itself, or its reading when it is a string (tests, one-off callers)."""
        return cls.of(question) if isinstance(question, str) else question

    def typed(self, start: int, end: int) -> str:
        """The words of ``asked`` that ``text[start:end]`` was written from, with whatever was
        dropped between them (an invisible character, a terminal code)."""
        if start >= end:
            return ""
        # up to where the next character came from, unless that is inside the same rewritten run
        stop = self.origin[end] if end < len(self.origin) else len(self.asked)
        return self.asked[self.origin[start] : max(stop, self.origin[end - 1] + 1)]

    def outside(self, blanked: str) -> Reading:
        """This reading without what ``blanked`` (``text`` with spans replaced by spaces) took
        out: the numerals and dates that touch a blanked character are dropped."""
        gone = [i for i, (a, b) in enumerate(zip(self.text, blanked, strict=True)) if a != b]
        if not gone:
            return self

        def kept(start: int, end: int) -> bool:
            return not any(start <= i < end for i in gone)

        return Reading(
            asked=self.asked,
            origin=self.origin,
            text=blanked,
            english=self.english,
            sentences=self.sentences,
            numerals=tuple(n for n in self.numerals if kept(n.start, n.end)),
            dates=tuple(d for d in self.dates if kept(d.start, d.end)),
        )

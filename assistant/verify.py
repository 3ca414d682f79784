"""Check a generated answer against the texts it was given, before anyone sees it.

Pure functions on strings and plain records; no model, no corpus loading, no I/O but the
pattern registry's one read of its files (the regular expressions are in
``data/patterns/verify.toml``, with their examples):

- ``number_mentions``: every number, amount, period and date in a text (Arabic and Chinese
  numerals, 万/亿, "10个工作日", "100万人", "2024-10-18", "2024年3月22日", "3年", "10 working
  days", "1 million people"), as comparable tokens, read by the package's one number reader
  (``numerals``) and one date reader (``dates``). Article numbers, list markers and
  citation keys are not numbers a reader relies on, so they are masked first.
- ``unsupported_numbers``: the mentions of an answer that no supporting text contains.
- ``check_draft``: for one parsed model reply, the quotes checked verbatim (``quotes``), the
  numbers checked against the support, and the claims checked against the rule's decision
  (``claims``); returns the citations that survive and the problems found.

Deliberately not done: judging whether the prose is a fair reading of the law, comparison
words around numbers (不满 / 以上), English number words ("ten days"), and taking the
question's own numbers as support: an answer that repeated the asker's mistaken "30天" would
pass (the asker's counts reach the support only as the rule's facts). The checks are
conservative: a false alarm costs fluency (the extractive answer is shown), never correctness.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .claims import decision_conflicts
from .dates import WrittenDate, written_dates
from .numerals import Numeral, find_numerals, numeral_amount
from .patterns import pattern
from .quotes import MIN_QUOTE_CHARS, match_quote, normalise

# --- numbers, amounts, periods, dates ------------------------------------------------------

# Units a number can carry, each pattern (data/patterns/verify.toml) with its class; "工作日" and
# "日" are different claims. A unit is of the first class whose pattern it wholly matches, so
# the order is the one verify_unit tries them in.
_UNIT_CLASSES = (
    ("verify_unit_workday", "workday"),
    ("verify_unit_day", "day"),
    ("verify_unit_week", "week"),
    ("verify_unit_month", "month"),
    ("verify_unit_year", "year"),
    ("verify_unit_hour", "hour"),
    ("verify_unit_ten_thousand_people", "10k-person"),
    ("verify_unit_person", "person"),
    ("verify_unit_percent", "percent"),
    ("verify_unit_yuan", "yuan"),
)

# Things that look like numbers but are references, not claims, blanked in this order: citation
# keys and doc ids, ordinals (第七条, 第一款, 第2项), Q&A and annex numbers, list markers,
# English article refs.
_NOT_NUMBERS = (
    "verify_citation_key",
    "verify_doc_id",
    "verify_ordinal",
    "verify_question_or_annex_number",
    "verify_bracketed_numeral",
    "verify_list_marker",
    "verify_chinese_list_marker",
    "verify_english_reference",
)


@dataclass(frozen=True)
class Mention:
    """One number found in a text: a comparable token and the characters it came from.

    Tokens: ``date:YYYY-MM-DD``, ``ym:YYYY-MM``, ``md:MM-DD`` and ``q:<value>:<unit class>``
    (a bare number has an empty unit class; a year is ``q:2024:year``, like "3年").
    """

    token: str
    raw: str

    @property
    def value(self) -> str | None:
        return self.token.split(":")[1] if self.token.startswith("q:") else None

    @property
    def unit(self) -> str | None:
        return self.token.split(":")[2] if self.token.startswith("q:") else None


def _format_value(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _unit_class(unit: str | None) -> str:
    if not unit:
        return ""
    for name, cls in _UNIT_CLASSES:
        if pattern(name).fullmatch(unit.strip()):
            return cls
    return ""


def _date_token(written: WrittenDate) -> str | None:
    if written.year is not None and written.day is not None:
        return f"date:{written.year:04d}-{written.month:02d}-{written.day:02d}"
    if written.year is not None:
        return f"ym:{written.year:04d}-{written.month:02d}"
    if written.day is not None:
        return f"md:{written.month:02d}-{written.day:02d}"
    return None


def _mask(text: str, start: int, end: int) -> str:
    return text[:start] + " " * (end - start) + text[end:]


def number_mentions(text: str) -> tuple[Mention, ...]:
    """Every number, amount, period and date in ``text``, left to right by kind."""
    # NFKC folds full-width digits and the full-width percent sign one character for one, so spans stay aligned.
    work = "".join(
        unicodedata.normalize("NFKC", ch) if len(unicodedata.normalize("NFKC", ch)) == 1 else ch for ch in text
    )
    for name in _NOT_NUMBERS:
        for m in list(pattern(name).finditer(work)):
            work = _mask(work, m.start(), m.end())
    found: list[Mention] = []
    for written in written_dates(work):
        token = _date_token(written)
        if token:
            found.append(Mention(token, text[written.start : written.end]))
            work = _mask(work, written.start, written.end)
    for numeral in find_numerals(work):
        mention = _quantity(numeral, work, text)
        if mention:
            found.append(mention)
    return tuple(found)


def _quantity(numeral: Numeral, work: str, original: str) -> Mention | None:
    # A number glued to a word, a name or a version ("GB35273", "v2.1") is no amount.
    if numeral.start and pattern("verify_glued").match(work, numeral.start - 1):
        return None
    # What may follow: "余"/"多" (an approximate amount), then the unit; None when neither does.
    after = pattern("verify_after_number").match(work, numeral.end)
    unit = _unit_class(after.group("unit") if after else None)
    end = after.end() if after else numeral.end
    # A numeral written only in characters counts only with a unit or a magnitude: "一般",
    # "统一", "十分" are words.
    written_out = not pattern("verify_has_digit_or_letter").search(numeral.raw)
    if written_out and not unit and not pattern("verify_has_magnitude").search(numeral.raw):
        return None
    amount = numeral_amount(numeral.raw)
    if amount is None:
        return None
    if unit == "10k-person":
        amount, unit = amount * 10_000, "person"
    return Mention(f"q:{_format_value(amount)}:{unit}", original[numeral.start : end].strip())


def _support_tokens(texts: Iterable[str]) -> set[str]:
    tokens: set[str] = set()
    for text in texts:
        for mention in number_mentions(text):
            tokens.add(mention.token)
            kind, _, rest = mention.token.partition(":")
            # A full date also supports its month, its day of the year and its year.
            if kind == "date":
                y, mo, d = rest.split("-")
                tokens |= {f"ym:{y}-{mo}", f"md:{mo}-{d}", f"q:{int(y)}:year"}
            elif kind == "ym":
                tokens.add(f"q:{int(rest.split('-')[0])}:year")
    return tokens


def flatten(value: Any) -> list[str]:
    """Strings for the numbers and dates inside a decision or facts mapping."""
    if isinstance(value, Mapping):
        return [s for v in value.values() for s in flatten(v)]
    if isinstance(value, (list, tuple, set, frozenset)):
        return [s for v in value for s in flatten(v)]
    if value is None or isinstance(value, bool):
        return []
    if hasattr(value, "isoformat"):
        return [value.isoformat()]
    return [str(value)]


def unsupported_numbers(answer: str, support: Sequence[str]) -> list[Mention]:
    """Mentions of ``answer`` that no text in ``support`` contains.

    A number with a unit needs the same value with the same unit class in the support (or the
    bare value, as a decision's ``{"working_days": 10}`` gives it); a bare number needs the value.
    """
    tokens = _support_tokens(support)
    values = {t.split(":")[1] for t in tokens if t.startswith("q:")}
    missing = []
    for mention in number_mentions(answer):
        if mention.token in tokens:
            continue
        if mention.value is not None and (
            f"q:{mention.value}:" in tokens or (mention.unit == "" and mention.value in values)
        ):
            continue
        missing.append(mention)
    return missing


# --- one model reply ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing verification found wrong; ``kind`` is stable, ``message`` is for people."""

    kind: str
    message: str
    key: str = ""

    def to_dict(self) -> dict[str, str]:
        out = {"kind": self.kind, "message": self.message}
        if self.key:
            out["key"] = self.key
        return out


@dataclass(frozen=True)
class CheckedCitation:
    key: str
    quote: str  # the unit's own characters


@dataclass(frozen=True)
class Checked:
    citations: tuple[CheckedCitation, ...]  # the ones that survived
    problems: tuple[Problem, ...]
    text_supported: bool  # False: the answer text itself must not be shown


def check_draft(
    answer: str,
    citations: Sequence[tuple[str, str]],
    given: Mapping[str, str],
    support: Sequence[str] = (),
    mechanism: str | None = None,
    require_citation: bool = True,
) -> Checked:
    """Verify a parsed reply: ``citations`` are (key, quote) pairs as the model wrote them,
    ``given`` maps each unit key the model was shown to its text, ``support`` holds texts
    whose numbers the answer may also use (rule statement, decision, warnings, as-of date),
    ``mechanism`` is the rule's decided mechanism, if any."""
    problems: list[Problem] = []
    kept: list[CheckedCitation] = []
    for key, quote in citations:
        if key not in given:
            problems.append(Problem("unknown_key", f"cited key {key!r} was not among the sources given", key))
            continue
        span = match_quote(quote, given[key])
        if span is None:
            problems.append(
                Problem("quote_not_verbatim", f"quote is not a verbatim span of {key}: {quote[:60]!r}", key)
            )
            continue
        if len(normalise(span)) < MIN_QUOTE_CHARS and normalise(span) != normalise(given[key]):
            problems.append(Problem("quote_too_short", f"quote from {key} is too short to support anything", key))
            continue
        if all(c.key != key or c.quote != span for c in kept):
            kept.append(CheckedCitation(key, span))
    text_ok = True
    if not answer.strip():
        problems.append(Problem("empty_answer", "the model returned no answer text"))
        text_ok = False
    missing = unsupported_numbers(answer, [c.quote for c in kept] + list(support))
    for mention in missing:
        problems.append(Problem("unsupported_number", f"{mention.raw!r} appears in no cited quote or rule decision"))
    for sentence in decision_conflicts(answer, mechanism):
        problems.append(Problem("decision_conflict", f"contradicts the rule decision {mechanism!r}: {sentence[:80]!r}"))
    if missing or decision_conflicts(answer, mechanism):
        text_ok = False
    if require_citation and not kept:
        problems.append(Problem("no_valid_citation", "no citation survived verification"))
        text_ok = False
    return Checked(tuple(kept), tuple(problems), text_ok)

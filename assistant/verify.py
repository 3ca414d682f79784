"""Check a generated answer against the texts it was given, before anyone sees it.

Pure functions on strings and plain records; no model, no corpus loading, no I/O:

- ``number_mentions``: every number, amount, period and date in a text (Arabic and Chinese
  numerals, 万/亿, "10个工作日", "100万人", "2024-10-18", "2024年3月22日", "3年", "10 working
  days", "1 million people"), as comparable tokens. Article numbers, list markers and
  citation keys are not numbers a reader relies on, so they are masked first.
- ``unsupported_numbers``: the mentions of an answer that no supporting text contains.
- ``check_draft``: for one parsed model reply, the quotes checked verbatim (``quotes``), the
  numbers checked against the support, and the claims checked against the rule's decision
  (``claims``); returns the citations that survive and the problems found.

Deliberately not done: judging whether the prose is a fair reading of the law, comparison
words around numbers (不满 / 以上), or English number words ("ten days"). The checks are
conservative: a false alarm costs fluency (the extractive answer is shown), never correctness.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from .claims import decision_conflicts
from .quotes import MIN_QUOTE_CHARS, match_quote, normalise
from .rules.dates import MONTHS
from .rules.numerals import CN_NUMERAL_CHARS, parse_numeral

# --- numbers, amounts, periods, dates ------------------------------------------------------

_MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))

# Units a number can carry, each mapped to a class; "工作日" and "日" are different claims.
_UNITS = [
    (r"个工作日|工作日|working days?|business days?", "workday"),
    (r"个自然日|自然日|calendar days?|日|天|days?", "day"),
    (r"个星期|星期|周|weeks?", "week"),
    (r"个月|月|months?", "month"),
    (r"年|years?", "year"),
    (r"个小时|小时|hours?", "hour"),
    (r"万人", "10k-person"),
    (r"人|people|persons?|individuals?|data subjects", "person"),
    (r"%|percent", "percent"),
    (r"元|yuan|RMB", "yuan"),
]
_UNIT_RE = "|".join(f"(?:{pattern})" for pattern, _ in _UNITS)
_UNIT_CLASS = [(re.compile(f"(?:{pattern})$", re.IGNORECASE), cls) for pattern, cls in _UNITS]

_CN_NUM = "零〇一二两三四五六七八九十百千万亿"
_DATE_PATTERNS = [
    # 2024-10-18, 2024/10/18, 2024.10.18
    re.compile(r"(?<!\d)(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?!\d)"),
    # 2024年10月18日, 二〇二四年十月十八日, 2024年3月
    re.compile(
        rf"(?P<y>\d{{4}}|[零〇一二三四五六七八九]{{4}})\s*年\s*(?P<m>\d{{1,2}}|[{_CN_NUM}]{{1,3}})\s*月"
        rf"(?:\s*(?P<d>\d{{1,2}}|[{_CN_NUM}]{{1,3}})\s*[日号])?"
    ),
    # 1月1日 (a day of a year named elsewhere: "自当年1月1日起")
    re.compile(rf"(?P<m>\d{{1,2}}|[{_CN_NUM}]{{1,3}})\s*月\s*(?P<d>\d{{1,2}}|[{_CN_NUM}]{{1,3}})\s*[日号]"),
    # October 18, 2024 / 18 October 2024 / October 2024
    re.compile(rf"\b(?P<mn>{_MONTH_RE})\.?\s+(?P<d>\d{{1,2}}),?\s+(?P<y>\d{{4}})\b", re.IGNORECASE),
    re.compile(rf"\b(?P<d>\d{{1,2}})\s+(?P<mn>{_MONTH_RE})\.?,?\s+(?P<y>\d{{4}})\b", re.IGNORECASE),
    re.compile(rf"\b(?P<mn>{_MONTH_RE})\.?\s+(?P<y>\d{{4}})\b", re.IGNORECASE),
]

# Things that look like numbers but are references, not claims: citation keys and doc ids,
# ordinals (第七条, 第一款, 第2项), Q&A and annex numbers, list markers, English article refs.
_NOT_NUMBERS = [
    re.compile(r"[A-Za-z][A-Za-z0-9_]*#[^\s，。；,;：:）)\]】」”\"'、]+"),
    re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b"),
    re.compile(rf"第\s*[\d{_CN_NUM}]+"),
    re.compile(rf"(?:问|附录|附件)\s*[\d{_CN_NUM}]+"),
    re.compile(rf"[（(]\s*[\d{_CN_NUM}]{{1,3}}\s*[)）]"),
    re.compile(r"(?m)^\s*\d{1,2}\s*[.、)）](?!\d)"),
    re.compile(rf"(?m)^\s*[{_CN_NUM}]{{1,3}}、"),
    re.compile(
        r"\b(?:articles?|arts?\.?|items?|paragraphs?|paras?\.?|questions?|q|appendix|annex|chapter|section)"
        r"\s*\d+(?:\s*(?:,|and|or|to|-)\s*\d+)*",
        re.IGNORECASE,
    ),
]

_QUANTITY = re.compile(
    r"(?<![A-Za-z_\d.])"
    rf"(?:(?P<arabic>\d+(?:,\d{{3}})+(?![\d,])(?:\.\d+)?|\d+(?:\.\d+)?)(?P<mag>\s*[百千]?[万亿]|\s*(?:million|thousand|billion)\b|k\b)?"
    rf"|(?P<cn>[零〇一二两三四五六七八九十][{_CN_NUM}]*))"
    r"(?P<approx>[余多])?"
    rf"(?:\s*(?P<unit>{_UNIT_RE}))?",
    re.IGNORECASE,
)
_MAGNITUDE = {"万": 10_000, "亿": 100_000_000, "百万": 1_000_000, "千万": 10_000_000, "百亿": 10**10, "千亿": 10**11}
_EN_MAGNITUDE = {"thousand": 1000, "k": 1000, "million": 1_000_000, "billion": 10**9}


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


def chinese_numeral(text: str) -> int | None:
    """Value of a Chinese numeral ("十五" 15, "一百万" 1000000, "二〇二四" 2024), else None."""
    if not text or not all(ch in CN_NUMERAL_CHARS for ch in text):
        return None
    return parse_numeral(text)


def _small_number(text: str) -> int | None:
    return int(text) if text.isdigit() else chinese_numeral(text)


def _format_value(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _unit_class(unit: str | None) -> str:
    if not unit:
        return ""
    for pattern, cls in _UNIT_CLASS:
        if pattern.match(unit.strip()):
            return cls
    return ""


def _date_token(y: str | None, m: str | None, d: str | None, mn: str | None) -> str | None:
    year = _small_number(y) if y else None
    month = MONTHS.get(mn.lower().rstrip(".")) if mn else (_small_number(m) if m else None)
    day = _small_number(d) if d else None
    if month is None or not 1 <= month <= 12 or (day is not None and not 1 <= day <= 31):
        return None
    if year is not None and day is not None:
        return f"date:{year:04d}-{month:02d}-{day:02d}"
    if year is not None:
        return f"ym:{year:04d}-{month:02d}"
    if day is not None:
        return f"md:{month:02d}-{day:02d}"
    return None


def _mask(text: str, start: int, end: int) -> str:
    return text[:start] + " " * (end - start) + text[end:]


def number_mentions(text: str) -> tuple[Mention, ...]:
    """Every number, amount, period and date in ``text``, left to right by kind."""
    # NFKC folds full-width digits and the full-width percent sign one character for one, so spans stay aligned.
    work = "".join(
        unicodedata.normalize("NFKC", ch) if len(unicodedata.normalize("NFKC", ch)) == 1 else ch for ch in text
    )
    for pattern in _NOT_NUMBERS:
        for m in list(pattern.finditer(work)):
            work = _mask(work, m.start(), m.end())
    found: list[Mention] = []
    for pattern in _DATE_PATTERNS:
        for m in list(pattern.finditer(work)):
            groups = m.groupdict()
            token = _date_token(groups.get("y"), groups.get("m"), groups.get("d"), groups.get("mn"))
            if token:
                found.append(Mention(token, text[m.start() : m.end()]))
                work = _mask(work, m.start(), m.end())
    for m in _QUANTITY.finditer(work):
        mention = _quantity(m, text)
        if mention:
            found.append(mention)
    return tuple(found)


def _quantity(m: re.Match[str], original: str) -> Mention | None:
    unit = _unit_class(m.group("unit"))
    if m.group("cn"):
        value = chinese_numeral(m.group("cn"))
        # A Chinese numeral counts only with a unit or a magnitude: "一般", "统一", "十分" are words.
        if value is None or (not unit and not re.search("[万亿]", m.group("cn"))):
            return None
        amount = Decimal(value)
    else:
        try:
            amount = Decimal(m.group("arabic").replace(",", ""))
        except InvalidOperation:
            return None
        mag = (m.group("mag") or "").strip().lower()
        amount *= _MAGNITUDE.get(mag) or _EN_MAGNITUDE.get(mag, 1)
    if unit == "10k-person":
        amount, unit = amount * 10_000, "person"
    return Mention(f"q:{_format_value(amount)}:{unit}", original[m.start() : m.end()].strip())


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

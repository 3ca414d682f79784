"""The package's one number reader: the numbers people write in questions, and a model in
its answers (``verify``), in Arabic, Chinese and English forms.

``parse_numeral("十五万") == 150000``, ``parse_numeral("1.5万") == 15000``,
``parse_numeral("150,000") == 150000`` (``numeral_amount`` keeps a decimal exact: "3.5");
``find_numerals`` locates every numeral in a text
with its span, including an English multiplier that follows it ("100k", "1 million").

Handled: Arabic digits with thousands grouped by commas or spaces (or in the Chinese way by
four: "15,0000") and decimals, financial numerals (壹拾伍万), Chinese digits (零〇一二两…九)
with 十百千万亿, mixed forms ("1.5万", "1万5千"), the colloquial tail ("一万五" = 15000), and
the English multipliers k / thousand / million / billion, plus English number words up to
the hundreds ("one million", "two hundred thousand").

Deliberately not handled: ranges ("十几万"), fractions, ordinals, and deciding what a number
counts (people, days, an article number) — that is the facts extractor's job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

CN_DIGITS = {
    "零": 0,
    "\u3007": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
BIG_UNITS = {"万": 10_000, "亿": 100_000_000}
CN_NUMERAL_CHARS = frozenset(CN_DIGITS) | frozenset(SMALL_UNITS) | frozenset(BIG_UNITS)
_EN_MULTIPLIERS = {"k": 1000, "thousand": 1000, "m": 1_000_000, "mn": 1_000_000, "million": 1_000_000, "billion": 10**9}
_EN_WORDS = {
    "a": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}

_CEILING = Decimal(10) ** 18
_CN_CHARS = "零\u3007一二两三四五六七八九十百千万亿廿卅"
# Digit groups: thousands ("150,000", "150 000"), the Chinese four-digit grouping ("15,0000";
# with the full-width comma only when the first group is too short to be a year, "15，0000"),
# and a comma run that is neither ("150,00"), kept whole so that it reads as no number
# rather than as its last group.
_GROUPED = r"\d{1,3}(?:[,，]\d{3})+|\d{1,3}(?: \d{3})+(?![\d万亿千百])|\d{1,4}(?:,\d{4})+|\d{1,3}(?:，\d{4})+"
_ARABIC = rf"(?:{_GROUPED})(?![\d,])(?:\.\d+)?|\d+(?:,\d+)+(?![\d,])|\d+(?:\.\d+)?"
_WELL_GROUPED = re.compile(rf"(?:{_GROUPED})(?:\.\d+)?")
_POINT_GROUP = re.compile(r"\d{1,3}(?:\.\d{3})+")
# One numeral: Arabic and Chinese pieces in any mix (a space may stand between digits and
# 万 or 亿: "15 万"), then an optional English multiplier.
_NUMERAL = re.compile(
    rf"(?:{_ARABIC}|[{_CN_CHARS}])(?:{_ARABIC}|[{_CN_CHARS}]|(?<=\d) +(?=[万亿]))*"
    r"(?:\s*(?:thousand|million|billion|mn|k|m)(?![A-Za-z]))?",
    re.IGNORECASE,
)
_EN_WORD_NUMERAL = re.compile(
    r"\b(?:(?:a|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
    r"sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred)"
    r"[\s-]+(?:and\s+)?)+(?:thousand|million|billion)\b",
    re.IGNORECASE,
)
_TOKEN = re.compile(r"\d+(?:\.\d+)?|[零\u3007一二两三四五六七八九]|[十百千]|[万亿]")

# Full-width digits, letters and the full-width full stop fold one-for-one, so spans found in
# the folded text are spans of the original.
_FOLD = {0xFF10 + i: 0x30 + i for i in range(10)} | {0xFF0E: 0x2E}
_FOLD |= {0xFF21 + i: 0x41 + i for i in range(26)} | {0xFF41 + i: 0x61 + i for i in range(26)}
# The financial forms (大写数字) fold to the ordinary ones, one character for one, but only
# beside another numeral character: 陆 and 伍 are also names and 大陆 is not a number.
_FINANCIAL = dict(zip("壹贰貳叁參肆伍陆陸柒捌玖拾佰仟萬億兩", "一二二三三四五六六七八九十百千万亿两", strict=True))
_FINANCIAL_RUN = re.compile(rf"[{''.join(_FINANCIAL)}{_CN_CHARS}\d]{{2,}}")
_FINANCIAL_TABLE = str.maketrans(_FINANCIAL)


@dataclass(frozen=True)
class Numeral:
    """A numeral found in a text: its value and where it stands."""

    value: int
    start: int
    end: int
    raw: str


# Letters typed for digits inside a number, not inside a word: "l5万" (15万), "1O万" (10万).
_ONE_LIKE = re.compile(r"(?<![A-Za-z])[lI](?=\d)|(?<=\d)[lI](?![A-Za-z])")
_ZERO_LIKE = re.compile(r"(?<![A-Za-z])[oO](?=\d)|(?<=\d)[oO](?![A-Za-z])")


def fold_digits(text: str) -> str:
    """Full-width digits and letters to ASCII, financial numerals to the ordinary ones, and
    letters typed for digits inside a number to those digits, keeping every position unchanged."""
    text = text.translate(_FOLD)
    text = _ZERO_LIKE.sub("0", _ONE_LIKE.sub("1", text))
    return _FINANCIAL_RUN.sub(lambda m: m.group(0).translate(_FINANCIAL_TABLE), text)


def parse_numeral(text: str) -> int | None:
    """The integer a numeral denotes (rounded when a decimal is scaled), or None if it is not one."""
    value = numeral_amount(text)
    # A numeral past any count or amount ("一亿亿亿…") is read as this ceiling, which every
    # caller already treats as impossible, instead of an integer too long to print.
    return None if value is None else int(min(value, _CEILING).to_integral_value())


def numeral_amount(text: str) -> Decimal | None:
    """The exact amount a numeral denotes ("3.5" stays 3.5), or None if it is not one."""
    text = fold_digits(text).strip()
    words = _EN_WORD_NUMERAL.fullmatch(text)
    if words:
        count = _parse_english_words(text)
        return None if count is None else Decimal(count)
    m = re.fullmatch(r"(.*?)\s*(thousand|million|billion|mn|k|m)?", text, re.IGNORECASE | re.DOTALL)
    body, suffix = (m.group(1), m.group(2)) if m else (text, None)
    if ("," in body or "，" in body) and not all(_WELL_GROUPED.fullmatch(g) for g in re.findall(r"[\d.,，]+", body)):
        return None  # "150,00": a grouping nobody writes, so no reading is safe
    if not suffix and _POINT_GROUP.fullmatch(body):
        return None  # "150.000": 150 to some, 150,000 to others (a point groups thousands there)
    body = body.replace(" ", "")
    value = _parse_body(body.replace(",", "").replace("，", ""))
    if value is None:
        return None
    if suffix:
        value *= _EN_MULTIPLIERS[suffix.lower()]
    return value


def find_numerals(text: str) -> list[Numeral]:
    """Every numeral in ``text``, left to right, with spans into ``text`` itself."""
    folded = fold_digits(text)
    found: list[Numeral] = []
    taken: list[tuple[int, int]] = []
    for m in _EN_WORD_NUMERAL.finditer(folded):
        value = _parse_english_words(m.group(0))
        if value is not None:
            found.append(Numeral(value, m.start(), m.end(), text[m.start() : m.end()]))
            taken.append((m.start(), m.end()))
    for m in _NUMERAL.finditer(folded):
        if any(s <= m.start() < e for s, e in taken):
            continue
        start, end = m.start(), m.end()
        # An English multiplier glued to a word ("10 members") is not a multiplier.
        value = parse_numeral(m.group(0))
        if value is None:
            continue
        found.append(Numeral(value, start, end, text[start:end]))
    return sorted(found, key=lambda n: n.start)


def _parse_body(body: str) -> Decimal | None:
    body = body.replace("廿", "二十").replace("卅", "三十")
    tokens = _TOKEN.findall(body)
    if not tokens or "".join(tokens) != body:
        return None
    if tokens[0] in BIG_UNITS:
        # Nothing to multiply: "万一" means "in case", not 11,000 (百万 and 千万 still count).
        return None
    return _value(tokens)


def _value(tokens: list[str]) -> Decimal:
    """The value of a token run: split at the last of its largest big unit (万 or 亿), so a
    unit after a completed group multiplies it — 四万万 is (四万)×万 = 4亿, 一千万万 is 10^11 —
    and whatever follows is added (一亿五千万 = 一×亿 + 五千万)."""
    bigs = [i for i, tok in enumerate(tokens) if tok in BIG_UNITS]
    if not bigs:
        return _section(tokens)
    largest = max(BIG_UNITS[tokens[i]] for i in bigs)
    at = max(i for i in bigs if BIG_UNITS[tokens[i]] == largest)
    left, right = tokens[:at], tokens[at + 1 :]
    head = _value(left) if left else Decimal(0)
    head = head if head else Decimal(1)  # a bare unit: 万 alone is ten thousand
    if len(right) == 1 and right[0] in CN_DIGITS and CN_DIGITS[right[0]] and "零" not in left:
        # Colloquial tail: "一万五" is 15000, "一亿五" is 150,000,000.
        return head * largest + CN_DIGITS[right[0]] * (largest // 10)
    return head * largest + (_value(right) if right else Decimal(0))


def _section(tokens: list[str]) -> Decimal:
    """A run below 万: digits with 十, 百, 千 ("三千五百", "二〇二四", "1.5千")."""
    section = Decimal(0)
    current: Decimal | None = None  # the digit(s) waiting for a unit
    last_unit = 0
    saw_zero = False
    for tok in tokens:
        if tok in CN_DIGITS:
            digit = CN_DIGITS[tok]
            saw_zero = saw_zero or digit == 0
            # Consecutive bare digits ("二〇二四") read positionally.
            current = Decimal(digit) if current is None else current * 10 + digit
        elif tok[0].isdigit():
            try:
                current = Decimal(tok)
            except InvalidOperation:
                current = Decimal(0)
        else:
            unit = SMALL_UNITS[tok]
            section += (current if current is not None else Decimal(1)) * unit
            current, last_unit, saw_zero = None, unit, False
    if current is not None:
        # Colloquial tail: "三千五" is 3500 and "一百五" 150, unless a 零 intervened.
        if last_unit >= 100 and not saw_zero and current < 10 and current == current.to_integral_value():
            current *= last_unit // 10
        section += current
    return section


def _parse_english_words(text: str) -> int | None:
    total, group = 0, 0
    for word in re.split(r"[\s-]+", text.lower().strip()):
        if word in _EN_WORDS:
            group += _EN_WORDS[word]
        elif word == "hundred":
            group = max(group, 1) * 100
        elif word == "and":  # "one hundred and fifty thousand"
            continue
        elif word in _EN_MULTIPLIERS:
            total += max(group, 1) * _EN_MULTIPLIERS[word]
            group = 0
        else:
            return None
    return total + group

"""Read the counts of people a question gives, and the counting period it names.

``read_counts(text, numerals, date_spans)`` returns each count of people as a ``CountMention``: how
many, of which kind (ordinary, sensitive, or only processed), over which period, and how it
stands to the counts around it.

How counts are read: a numeral counts people only when a people word follows it (人, 名,
用户, people, records …). Its category comes from the words around it within its clause:
first the words after it up to the next connective (和, 、, and …), then the words before it
back to the previous one; 敏感 / sensitive makes it a sensitive count unless negated
(不含敏感…); 处理 / process without any word of transfer makes it a processing volume.
Qualifiers turn a count into a bound: 不满/不到/less than → below, 以上/超过/more than →
at or above; 约/左右/about keep the value and mark it approximate.

Deliberately not done here: reading the numerals themselves (``numerals``) or dates
(``dates``), judging whether two counts contradict each other (``conflicts``), and deciding
anything from a count: no threshold is known here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from ..numerals import Numeral, parse_numeral
from ..patterns import pattern
from ..text import SENTENCE_END, clause_around

MAX_PEOPLE = 9_000_000_000  # more than everyone alive
# The counting periods, each a pattern of patterns/counts.toml; the one named first wins.
PERIODS = ("since_previous_year", "current_year", "last_year")


@dataclass(frozen=True)
class CountMention:
    """One count of people read from the question.

    ``low``/``high`` bound the true count (``high`` None = unbounded): an exact "15万人" is
    (150000, 150000); "不满10万人" is (0, 99999); "10万人以上" is (100000, None).
    """

    category: str  # "general" | "sensitive" | "processed"
    value: int
    low: int
    high: int | None
    approximate: bool
    period: str | None  # "current_year" | "since_previous_year" | "last_year" | None
    raw: str
    # Not a possible number of people: negative ("-5万"), written as a power ("10^12",
    # "1e12"), more people than live on Earth, or glued to other digits by a separator the
    # reader does not join ("1'500'000"). No rule may decide from such a count.
    impossible: bool = False
    # More on top of a count already given ("已提供9万人，7月拟再提供3万人", "another
    # 30,000"): the thresholds count cumulatively, so the two add up.
    additional: bool = False
    # Said to be the total ("合计约120万人", "in total"): it outweighs per-part counts beside it.
    total: bool = False
    # A count per part multiplied by the parts stated ("两批各8万人": 2); the value is the product.
    parts: int = 1
    # A part of the count before it ("其中3万人是员工", "20,000 of them").
    part: bool = False
    # Its own clause, or the next one of all it counts, speaks of sending abroad ("B业务向境外提供
    # 了8万人"); "公司有15万用户" does not.
    sent: bool = False
    # Where ``raw`` ends in the question's text (it begins ``len(raw)`` before), and the same
    # words as the asker typed them (``Reading.typed``), which is how they are quoted back.
    end: int = 0
    typed: str = ""


def read_counts(text: str, numerals: Sequence[Numeral], date_spans: list[tuple[int, int]]) -> tuple[CountMention, ...]:
    """Every count of people in ``text`` (digits already folded), left to right, among its
    ``numerals`` (``Reading.numerals``); a numeral inside one of ``date_spans`` is part of a
    date, not a count."""
    counts = tuple(_counts(text, numerals, date_spans))
    if not any(c.category == "general" for c in counts):
        denied = pattern("other_info_denied").search(text)
        if denied and any(c.category == "sensitive" for c in counts):
            # "500人的敏感个人信息，没有其他个人信息出境": the ordinary count is stated as zero.
            counts += (CountMention("general", 0, 0, 0, False, counting_period(text), denied.group(0), end=denied.end()),)
    return counts


def period_spans(text: str) -> list[tuple[int, int]]:
    """Where each counting period is named ("自今年1月1日起", "去年")."""
    return [(m.start(), m.end()) for name in PERIODS for m in pattern(name).finditer(text)]


def counting_period(text: str) -> str | None:
    """The counting period named first in ``text``: "current_year", "since_previous_year",
    "last_year", or None."""
    best: tuple[int, str] | None = None
    for name in PERIODS:
        m = pattern(name).search(text)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), name)
    return best[1] if best else None


def _counts(text: str, numerals: Sequence[Numeral], date_spans: list[tuple[int, int]]) -> list[CountMention]:
    vague = _vague_numerals(text)
    found = sorted(
        [n for n in numerals if not any(v.start <= n.start < v.end for v in vague)] + list(vague),
        key=lambda n: n.start,
    )
    numerals = [
        n
        for n in found
        if (pattern("people_after").match(text, n.end) or pattern("people_before").search(text, max(0, n.start - 16), n.start))
        and not pattern("not_a_count_before").search(text, 0, n.start)
        and not pattern("not_a_count_after").match(text, n.end)
        and not (n.value == 1 and pattern("one_who_acts").match(text, n.end))
        and not any(s <= n.start < e for s, e in date_spans)
    ]
    out: list[CountMention] = []
    for i, n in enumerate(numerals):
        c_start, c_end = clause_around(text, n.start)
        prev_end = max(c_start, numerals[i - 1].end if i > 0 else 0)
        next_start = min(c_end, numerals[i + 1].start if i + 1 < len(numerals) else len(text))
        before, after = text[prev_end : n.start], text[n.end : next_start]
        all_sent = bool(pattern("all_sent_next").match(text, c_end))
        clause = text[c_start:c_end]
        m = _mention(text, n, before, after, clause, all_sent)
        if not m.sent and out and _continues_what_was_sent(text, clause, out[-1], numerals[i - 1], m, n):
            m = replace(m, sent=True)
        glued = pattern("glued_before").search(text, max(0, n.start - 16), n.start)
        if glued and not any(s <= glued.start() < e for s, e in date_spans) and not (
            len(glued.group(1)) == 4 and glued.group(1)[:2] in ("19", "20") and glued.group(2).isspace()
        ):
            # "1'500'000", "1.200.000", "1 5万": digits the reader did not join stand before the
            # count, so what was meant is unclear; asked back, never read as "000" or "5万"
            start = glued.start()
            while start > 0 and (text[start - 1].isdigit() or text[start - 1] in "'’.,·・"):
                start -= 1  # the whole run: "1.200.000", not "200.000"
            m = replace(m, impossible=True, raw=text[start : n.end])
        if n in vague and m.low == m.high == n.value:
            m = replace(m, low=vague[n][0], high=vague[n][1], approximate=True)
        range_start = _range_start(text, found, n)
        if range_start is not None and m.low == m.high == n.value and m.parts == 1:
            m = replace(m, low=range_start.value, raw=text[range_start.start : n.end])
        out.append(m)
    return out


def _continues_what_was_sent(
    text: str, clause: str, previous: CountMention, previous_at: Numeral, mention: CountMention, at: Numeral
) -> bool:
    """Whether a count with no word of sending of its own continues a list of counts sent
    ("A业务线向境外提供了3万人，B业务线4万人") or totals it ("…，合计9万人"): it follows a count
    of its kind that was sent, in the same sentence, and its clause holds no word of holding
    ("公司有15万用户")."""
    if not previous.sent or previous.category != mention.category:
        return False
    if mention.total:
        return True
    # A semicolon joins the parallel parts of one sentence ("去年发了9万人；今年1月1日到现在发了3万人"),
    # so a list of counts goes on across it.
    sentence_ended = any(m.group().strip("；;") for m in SENTENCE_END.finditer(text, previous_at.end, at.start))
    return not (pattern("processed").search(clause) or pattern("having").search(clause) or sentence_ended)


def _range_start(text: str, found: list[Numeral], end: Numeral) -> Numeral | None:
    """The lower end of a range whose upper end is ``end``, if ``end`` closes one. A lower end
    written without the unit takes the upper end's ("5-15万" is 5万 to 15万); "and" joins a
    range only after "between". The ends must rise: "15万到5万" is no range."""
    before = [p for p in found if p.end <= end.start]
    if not before:
        return None
    start = before[-1]
    joint = pattern("range_between").fullmatch(text, start.end, end.start)
    if joint is None or (joint.group(0).strip().lower() == "and" and not pattern("between_before").search(
            text[max(0, start.start - 12) : start.start])):
        return None
    value = start.value
    unit = end.raw.strip()[-1:]
    scale = parse_numeral("一" + unit) if unit in ("千", "万", "亿") else None
    if scale and start.raw.strip()[-1:] not in ("千", "万", "亿") and value * scale <= end.value:
        value *= scale
    return replace(start, value=value) if 0 < value < end.value else None


def _mention(text: str, n: Numeral, before: str, after: str, clause: str, all_sent: bool) -> CountMention:
    after_near = pattern("connective").split(after, maxsplit=1)[0]
    before_near = pattern("connective").split(before)[-1]
    # The noun right after the count ("1万人敏感个人信息") wins; else the one before it
    # ("敏感个人信息1万人", "sensitive personal information of 5,000 people").
    words = after_near if pattern("info_noun").search(after_near) else before_near
    negated = pattern("sensitive_negated").search(words) or pattern("non_sensitive").search(words)
    if pattern("sensitive").search(words) and not negated:
        category = "sensitive"
    elif pattern("processed").search(before + after_near) and not pattern("transfer_word").search(before_near + after_near) and not all_sent:
        category = "processed"
    elif not negated and (_sensitive_kind_listed(after) or _sensitive_kind_listed(before_near)):
        # "8000名患者的诊疗信息", "8000名工人的姓名、工号和人脸照片": a kind PIPL Art. 28 calls sensitive
        category = "sensitive"
    else:
        category = "general"
    low, high, approximate = _bounds(n.value, text[: n.start], text[n.end :])
    value, raw, parts = n.value, n.raw, 1
    # "拆成两批各8万人" is 16万 in all; "每家各8万人" with no number of parts is at least 8万.
    per_part = pattern("per_part").search(before)
    if per_part and (k := parse_numeral(per_part.group("n"))):
        value, low, high, parts = value * k, low * k, None if high is None else high * k, k
        raw = text[n.start - len(before) + per_part.start() : n.end]
    elif pattern("each").search(before):
        high = None
    period = None if category == "processed" else counting_period(clause)
    sign = pattern("impossible_before").search(text, max(0, n.start - 4), n.start)
    if sign is not None and pattern("range_from").search(text, 0, n.start):
        sign = None
    if sign is not None:
        start = sign.start()
        while start > 0 and text[start - 1].isdigit():  # the base of "10^12"
            start -= 1
        raw = text[start : n.end]
    impossible = sign is not None or n.value > MAX_PEOPLE
    additional = bool(pattern("additional_before").search(before) or pattern("additional_after").match(text, n.end))
    total = bool(pattern("total").search(before) or (pattern("only").search(before) and not pattern("part_of").search(before)))
    part = bool(pattern("part_of").search(before)) or bool(pattern("of_them_after").match(text, n.end))
    sent = all_sent or bool(pattern("transfer_word").search(clause) or pattern("sending_verb").search(clause))
    return CountMention(
        category, value, low, high, approximate, period, raw, impossible, additional, total, parts, part, sent, n.end
    )


def _sensitive_kind_listed(words: str) -> bool:
    """A sensitive kind named in ``words`` and not itself negated ("不含人脸")."""
    return any(
        not pattern("kind_negated").search(words, max(0, m.start() - 4), m.start()) for m in pattern("sensitive_kind").finditer(words)
    )


# Words before a count that bound it, and the (low, high, approximate) each makes of the value.
_QUALIFIERS: dict[str, Callable[[int], tuple[int, int | None, bool]]] = {
    "below": lambda v: (0, max(v - 1, 0), False),
    "just_below": lambda v: (0, max(v - 1, 0), True),
    "above_strict": lambda v: (v + 1, None, False),
    "at_least": lambda v: (v, None, False),
    "at_most": lambda v: (0, v, False),
}


def _bounds(value: int, before: str, after: str) -> tuple[int, int | None, bool]:
    before = before[-16:]
    after_unit = pattern("people_after").sub("", after[:24], count=1)
    # The qualifier is the longest one that ends right before the number: "不超过" is at most,
    # not the "超过" inside it; "no fewer than" is at least, not "fewer than".
    starts = {name: m.start() for name in _QUALIFIERS if (m := pattern(name).search(before))}
    if starts:
        return _QUALIFIERS[min(starts, key=starts.__getitem__)](value)
    if pattern("after_above").match(after) or pattern("after_above").match(after_unit):
        return value, None, False
    if pattern("after_below").match(after) or pattern("after_below").match(after_unit):
        return 0, value, False
    approximate = bool(pattern("approx_before").search(before) or pattern("after_approx").match(after))
    return value, value, approximate


def _vague_numerals(text: str) -> dict[Numeral, tuple[int, int]]:
    """Each 几 count as a numeral (its value the lower bound) with its (low, high)."""
    out = {}
    for m in pattern("vague").finditer(text):
        scale = parse_numeral("一" + m.group(2)) or 1  # 几十万: units of 十万
        if m.group(1):  # 十几 (or 二十几): the tens are given, the units are not
            tens = parse_numeral(m.group(1)) or 10
            low, high = (tens + 1) * scale, (tens + 10) * scale - 1
        else:
            low, high = scale, 10 * scale - 1
        out[Numeral(low, m.start(), m.end(), m.group(0))] = (low, high)
    return out

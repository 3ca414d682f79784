"""Find the facts a question states both ways, which are asked back rather than chosen.

``conflicting(text, counts)`` names them: "sensitive" when sensitive personal information
is said to be included and also denied, "count_<category>" when two counts of one kind
cannot both hold (a part above its whole, a total below another count of its period, or
"none sent" beside a count sent over the same period).

Deliberately not done here: choosing which statement is right (none is: the engine asks),
reading the counts (``counts``), or the CIIO status stated both ways (``status``).
"""

from __future__ import annotations

from ..patterns import pattern
from ..text import clause_around
from .counts import CountMention, counting_period


def conflicting(text: str, counts: tuple[CountMention, ...]) -> tuple[str, ...]:
    """The facts other than CIIO status that ``text`` (digits folded) states both ways."""
    return (("sensitive",) if _sensitive_conflict(text, counts) else ()) + tuple(
        f"count_{c}" for c in _counts_conflicting(counts, counting_period(text), _none_sent_periods(text))
    )


def _counts_conflicting(
    counts: tuple[CountMention, ...], question_period: str | None = None, none_sent: tuple[str | None, ...] = ()
) -> list[str]:
    """The categories in which two statements of a count cannot both hold:

    - a part ("其中8万人") above the count just before it that it is part of (of its own
      kind, or the ordinary count a sensitive part is drawn from);
    - a count said to be all there is ("今年累计一共只提供了3万人", "合计6万人") below another
      count of the same period that is not on top of it, or above a bound stated for all
      ("不到10万人"). Counts compare when their own clauses date them to the same period, or
      when both are said to be sent over the question's period; "公司有15万用户" with no period
      of its own may count something else;
    - none sent over a period ("今年没有向境外提供任何个人信息") beside a count sent over it.

    ``question_period``: the counting period named anywhere in the question; ``none_sent``: the periods
    of the denials of any transfer."""
    out: list[str] = []

    def add(category: str) -> None:
        if category not in out:
            out.append(category)

    for i, part in enumerate(counts):
        wholes = [c for c in counts[:i] if not c.part and (c.category == part.category or
                  (part.category, c.category) == ("sensitive", "general"))]
        if part.part and wholes and wholes[-1].high is not None and part.low > wholes[-1].high:
            add(part.category)

    def same_period(a: CountMention, b: CountMention) -> bool:
        if a.period is not None and a.period == b.period:
            return True
        return a.sent and b.sent and (a.period or question_period) == (b.period or question_period)

    for whole in counts:
        if not whole.total or whole.high is None:
            continue
        for other in counts:
            if other is whole or other.category != whole.category or other.additional or not same_period(whole, other):
                continue
            bounded_above = other.low == 0 and other.high is not None and 0 < other.value
            if other.low > whole.high or (bounded_above and other.high is not None and other.high < whole.low):
                add(whole.category)
    for denied in none_sent:
        if any(c.low > 0 and c.sent and c.category in ("general", "sensitive") and (c.period or question_period) == (denied or question_period)
               for c in counts):
            add("general")
    return out


def _none_sent_periods(text: str) -> tuple[str | None, ...]:
    """The counting period of each denial that anything was sent (None: no period of its own)."""
    return tuple(counting_period(_clause_around(text, m.start())) for m in pattern("none_sent").finditer(text))


def _sensitive_conflict(text: str, counts: tuple[CountMention, ...]) -> bool:
    """Whether the asker says both that sensitive information is included ("含敏感个人信息",
    or a count of it above zero) and that none is ("不含敏感个人信息"); a stated inclusion is
    one no denial covers, and a denial of *other* sensitive information is no denial."""
    found = [m for m in pattern("sensitive_negated").finditer(text) if not pattern("other").search(m.group(0))]
    if not found:
        return False
    # Against a count of sensitive information only a denial standing alone counts ("我们提供的
    # 不含敏感个人信息"): one in a clause with a count qualifies that count ("non-sensitive PI
    # of 200,000 individuals", "15万人（不含敏感个人信息）") and denies nothing else.
    standalone = any(not pattern("has_count").search(_clause_around(text, m.start())) for m in found)
    if standalone and any(c.category == "sensitive" and c.low > 0 for c in counts):
        return True
    denials = [m.span() for m in found]
    return any(
        not any(s < m.end() and m.start() < e for s, e in denials) for m in pattern("sensitive_stated").finditer(text)
    )


def _clause_around(text: str, at: int) -> str:
    start, end = clause_around(text, at)
    return text[start:end]

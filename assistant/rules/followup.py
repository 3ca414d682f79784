"""Carry the facts of a previous rule question into a follow-up question.

After "我们不是关基，今年累计向境外提供了15万人的个人信息……走哪条路？" a user asks
"那如果是敏感个人信息呢？", "那如果是150万人呢？" or "如果是去年呢？". ``merge`` combines
the facts of both: whatever the follow-up states replaces what the previous question said
about the same thing, and everything else carries over. Two elliptical forms get meaning:

- a follow-up that names a category of information without a count ("如果是敏感个人信息呢")
  moves the previous count into that category;
- a follow-up that names another year without a count ("如果是去年呢", "要是2023年呢")
  asks the same question on the same day of that year (``shifted_as_of``), because which
  rule governs depends on the date.

``looks_like_followup`` recognises the short, elliptical questions meant to lean on the
previous one. Its patterns are in ``data/patterns/followup.toml``, with their examples.
Not here: deciding anything (``engine``).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from ..patterns import pattern
from .counts import CountMention
from .facts import Facts


def looks_like_followup(question: str) -> bool:
    return len(question) <= 40 and bool(pattern("followup_elliptical").search(question))


def shifted_as_of(question: str, as_of: date) -> date | None:
    """The as-of date a year-only follow-up asks about, or None when it names no year."""
    if pattern("followup_year_before").search(question):
        year = as_of.year - 2
    elif pattern("followup_last_year").search(question):
        year = as_of.year - 1
    else:
        m = pattern("followup_explicit_year").search(question)
        if not m:
            return None
        year = int(m.group(1) or m.group(2))
    try:
        return as_of.replace(year=year)
    except ValueError:  # 29 February in a year without one
        return as_of.replace(year=year, day=28)


def _recategorise(counts: tuple[CountMention, ...], source: str, target: str) -> tuple[CountMention, ...]:
    return tuple(replace(c, category=target) if c.category == source else c for c in counts)


def merge(previous: Facts, new: Facts, question: str) -> Facts:
    """The previous question's facts, overridden by what the follow-up states."""
    counts = previous.counts
    sensitive_denied = previous.sensitive_denied
    new_categories = {c.category for c in new.counts}
    if new_categories:
        counts = tuple(c for c in counts if c.category not in new_categories) + new.counts
        if "sensitive" in new_categories:
            sensitive_denied = False
    elif pattern("followup_ordinary").search(question):
        counts = _recategorise(counts, "sensitive", "general")
        sensitive_denied = True
    elif pattern("followup_sensitive").search(question):
        counts = _recategorise(counts, "general", "sensitive")
        sensitive_denied = False
    if new.sensitive_denied:
        sensitive_denied = True
    return replace(
        previous,
        ciio=new.ciio if new.ciio is not None else previous.ciio,
        counts=counts,
        important_data=new.important_data if new.important_data is not None else previous.important_data,
        scenarios=new.scenarios or previous.scenarios,
        period=new.period or previous.period,
        old_terms=previous.old_terms or new.old_terms,
        transfer_context=previous.transfer_context or new.transfer_context,
        asks_path=previous.asks_path or new.asks_path,
        asks_which_path=previous.asks_which_path or new.asks_which_path,
        wh_question=new.wh_question,
        sensitive_denied=sensitive_denied,
        dates=new.dates or previous.dates,
        asks_date=previous.asks_date or new.asks_date,
        asks_specific_date=previous.asks_specific_date or new.asks_specific_date,
    )

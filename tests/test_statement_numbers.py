"""Every number in a rule statement comes from the rule table: no threshold, period or date is
typed into the prose by hand.

``unexplained(text, allowed)`` finds every number in a statement (Arabic digits, Chinese
numerals with 万/亿 or a unit, English number words with a unit or multiplier, dates) and
returns those that none of these explains, each computed, never typed here:

- a number of the rule that decided (``10万`` in any form: ``10万``, ``100,000``, ``100000``;
  a period with its unit: ``10个工作日``, ``3年``), or a bound next to one (threshold - 1 or + 1,
  and 0 and 1 next to "none");
- a number the question states (the asker's own facts read back, and their sums);
- an article or item number (第五条, 第（六）项, Art. 35(6), Arts. 3-6), a citation's locator, a
  title of the corpus (《…（节录，2016年文本，…）》), a holiday notice's title and number;
- a date: the as-of date, an effective date or a date number of the table, a date of the
  question, a date the decision computed (deadline, window, holidays skipped); a year among
  them; 1 January as the start of the counting period the rule (or the question) names;
- a text the table quotes, verbatim;
- how many facts the statement asks for ("2项", "2 facts").

The statements are generated from the table itself: every transfer rule on its first and last
day, counts just below, at and just above each of its thresholds, CIIO or not or unstated,
sensitive information or none or unstated, important data, every scenario, the counting period
stated three ways, every note, conflicting and impossible facts; every deadline rule with and
without a start date, around holidays and in years without a published calendar; Chinese and
English; plus the questions written out in ``test_rules_transfer.py`` and ``test_rules_deadlines.py``, and
a property-based sample. All of it runs twice: on the reviewed table, and on a *renumbered*
one — the table and the articles it quotes rewritten with other thresholds, periods and dates —
so a number typed into the prose that happens to equal today's table value shows there.
"""

from __future__ import annotations

import ast
import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.corpus import load_corpus
from assistant.numerals import parse_numeral
from assistant.rules import RuleEngine, check_table, load_rule_table
from assistant.rules.calendar_days import WorkCalendar, load_work_calendar
from assistant.rules.notes import note_text
from assistant.rules.table import Quote, Rule, RuleTable
from assistant.text import is_english
from assistant.types import Corpus, RuleResult

TESTS = Path(__file__).parent
CORPUS = TESTS.parent / "corpus"

# --- the classifier --------------------------------------------------------------------------

_CN_DIGIT = "零\u3007一二两三四五六七八九"
_CN = _CN_DIGIT + "十百千万亿"
_EN_NUMBER_WORD = (
    "zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
    "seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|million|billion"
)
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_ART = rf"[{_CN}\d]+"
_TOKEN = re.compile(
    r"(?P<iso>(?<!\d)\d{4}-\d{2}-\d{2}(?!\d))"
    r"|(?P<cndate>(?<!\d)\d{4}年\d{1,2}月\d{1,2}日)"
    # the counting period: 自当年1月1日起 (Provisions Arts. 7, 8), 自上年1月1日起 (Security
    # Assessment Measures Art. 4), and their English
    r"|(?P<counting>自(?P<zy>[当上今])年1月1日起|since 1 January (?:of )?(?:the )?(?P<ey>current|previous|this|last) year)"
    rf"|(?P<article>第{_ART}[条款项章节](?:至第{_ART}[条款项])?|第?（[{_CN}]+）项?"
    r"|Arts?\.\s*\d+(?:\(\d+\))?(?:\s*(?:-|–|,|and|to)\s*\d+(?:\(\d+\))?)*)"
    rf"|(?P<monthday>(?<!\d)\d{{1,2}}月\d{{1,2}}日|\b\d{{1,2}} (?:{_MONTHS})\b|\b(?:{_MONTHS}) \d{{1,2}}\b)"
    r"|(?P<arabic>(?<![\d.,])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:\s*[万亿])?)"
    rf"|(?P<chinese>[{_CN}]+)"
    rf"|(?P<words>\b(?:{_EN_NUMBER_WORD})(?:[\s-]+(?:and\s+)?(?:{_EN_NUMBER_WORD}))*\b)",
    re.IGNORECASE,
)
_PERIOD_UNIT = re.compile(
    r"\s*(?P<unit>个工作日|个月|年|天|日|working days?|business days?|months?|years?|days?)(?![A-Za-z])", re.IGNORECASE
)
_PEOPLE_UNIT = re.compile(r"\s*(?:人|名|people|persons?|individuals?)(?![A-Za-z])", re.IGNORECASE)
_FACTS_UNIT = re.compile(r"\s*(?:项|facts?\b)")
_UNITS = {
    "个工作日": "workday", "working day": "workday", "business day": "workday",
    "个月": "month", "month": "month", "年": "year", "year": "year", "天": "day", "日": "day", "day": "day",
}
_COUNTING_WORD = {
    "当": "current_year", "今": "current_year", "current": "current_year", "this": "current_year",
    "上": "since_previous_year", "previous": "since_previous_year", "last": "since_previous_year",
}


@dataclass
class Allowed:
    """What may stand in a statement, each set computed from the table, the question or the
    decision (see ``allowed_for``)."""

    counts: set[int] = field(default_factory=set)  # values, in any written form
    periods: set[tuple[int, str]] = field(default_factory=set)  # (amount, unit)
    dates: set[date] = field(default_factory=set)
    years: set[int] = field(default_factory=set)
    counting: set[str] = field(default_factory=set)  # "current_year" | "since_previous_year"
    verbatim: set[str] = field(default_factory=set)  # titles, quotes, locators: masked whole
    facts_asked: int | None = None


def _mask(text: str, verbatim: Iterable[str]) -> str:
    for piece in sorted((v for v in verbatim if v), key=len, reverse=True):
        text = text.replace(piece, "\u25a1" * len(piece))
    return text


_EN_VALUE = dict(zip(_EN_NUMBER_WORD.split("|")[:28], [*range(21), *range(30, 100, 10)], strict=True))


def _value(written: str) -> int | None:
    """The value of a numeral as the statement writes it: digits, Chinese, or English words."""
    words = re.split(r"[\s-]+(?:and\s+)?", written.lower())
    if all(w in _EN_VALUE or w in ("hundred", "thousand", "million", "billion") for w in words):
        total, group = 0, 0
        for w in words:
            if w in _EN_VALUE:
                group += _EN_VALUE[w]
            elif w == "hundred":
                group = max(group, 1) * 100
            else:
                total += max(group, 1) * {"thousand": 10**3, "million": 10**6, "billion": 10**9}[w]
                group = 0
        return total + group
    return parse_numeral(re.sub(r"(?<=\d)\s+(?=[万亿])", "", written))


def _unit(unit: str) -> str:
    unit = unit.lower()
    return _UNITS.get(unit, _UNITS.get(unit.rstrip("s"), unit))


def unexplained(text: str, allowed: Allowed) -> list[str]:
    """The numbers in ``text`` that ``allowed`` does not explain, each with its next words."""
    masked = _mask(text, allowed.verbatim)
    bad = []
    for m in _TOKEN.finditer(masked):
        kind, written = m.lastgroup, m.group(0)
        after = masked[m.end() :]
        if kind == "article":
            continue
        if kind == "iso":
            ok = date.fromisoformat(written) in allowed.dates
        elif kind == "cndate":
            y, mo, d = map(int, re.findall(r"\d+", written))
            ok = date(y, mo, d) in allowed.dates
        elif kind == "counting":
            ok = _COUNTING_WORD[(m.group("zy") or m.group("ey")).lower()] in allowed.counting
        elif kind == "monthday":
            ok = False  # a day without its year: only the counting period's 1 January, above
        else:
            if kind == "chinese" and not (set(written) & set("万亿")) and not _PERIOD_UNIT.match(after) \
                    and not _PEOPLE_UNIT.match(after):
                continue  # 一般, 同一, 不一致: a word, not a number
            if kind == "chinese" and written == "一" and after.startswith("日"):
                continue  # 最后一日, 下一日
            if kind == "words" and not (re.search(r"hundred|thousand|million|billion", written, re.I)
                                        or _PERIOD_UNIT.match(after) or _PEOPLE_UNIT.match(after)):
                continue  # "all three mechanisms": a count of things, not a quantity of people or time
            value = _value(written)
            if value is None:
                continue  # 万 alone, 千万 as "by all means": no numeral
            period = _PERIOD_UNIT.match(after)
            if 1900 <= value <= 2100 and value in allowed.years and (period is None or period.group("unit") == "年"):
                ok = True  # a year: 2027年的放假调休安排, "for 2027"
            elif period is not None:
                ok = (value, _unit(period.group("unit"))) in allowed.periods
            elif _FACTS_UNIT.match(after):
                ok = value == allowed.facts_asked
            else:
                ok = value in allowed.counts
        if not ok:
            bad.append(written + after[:16])
    return bad


# --- what a statement may say, computed ------------------------------------------------------


def table_counts(rule: Rule) -> set[int]:
    return {rule.amount(n) for n, q in rule.numbers if _kind(q.text) == "count"}


def table_periods(rule: Rule) -> set[tuple[int, str]]:
    return {(rule.period(n).amount, rule.period(n).unit) for n, q in rule.numbers if _kind(q.text) == "period"}


def table_dates(table: RuleTable) -> set[date]:
    """The effective dates of the table's rules and the dates its rules write."""
    days = {r.valid_from for r in table.rules}
    days |= {r.day(n) for r in table.rules for n, q in r.numbers if _kind(q.text) == "date"}
    return days


def _kind(text: str) -> str:
    if re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", text):
        return "date"
    if re.fullmatch(r".+?(个工作日|个月|年|日)", text):
        return "period"
    return "count"


def bounds(values: Iterable[int]) -> set[int]:
    """Each value and the counts just below and above it: the edges of the ranges a threshold
    cuts ("不满10万人" is at most 99,999), with 0 ("none") and 1 beside it."""
    return {v + d for v in {*values, 0} for d in (-1, 0, 1) if v + d >= 0}


def question_numbers(question: str, facts: dict[str, Any]) -> tuple[set[int], set[tuple[int, str]]]:
    """The counts and periods the question writes, and what the counts the engine read from it
    (``RuleResult.facts``) add up to."""
    text = _mask(question, [d["raw"] for d in facts["dates"]])
    counts: set[int] = set()
    periods: set[tuple[int, str]] = set()
    for m in _TOKEN.finditer(text):
        if m.lastgroup in ("arabic", "chinese", "words"):
            value = _value(m.group(0))
            if value is None:
                continue
            unit = _PERIOD_UNIT.match(text[m.end() :])
            if unit:
                periods.add((value, _unit(unit.group("unit"))))
            counts.add(value)
    for c in facts["counts"]:
        counts |= {c["value"], c["low"], *([c["high"]] if c["high"] is not None else [])}
    by_category: dict[str, list[int]] = {}
    for c in facts["counts"]:
        by_category.setdefault(c["category"], []).append(c["value"])
    counts |= {sum(vs) for vs in by_category.values()}
    return counts, periods


# The one number the prose writes that is no rule value and no fact: the example of how to
# write a count, in the request for a real count after an impossible one
# (``notes.impossible_count_statement``). Allowed by its exact words, nowhere else.
COUNT_EXAMPLES = ("例如“15万人”", "For example: 150,000 people.")


def allowed_for(world: World, question: str, as_of: date, result: RuleResult) -> Allowed:
    rule = next(r for r in world.table.rules if r.id == result.id)
    facts = result.facts
    stated = {date.fromisoformat(d["date"]) for d in facts["dates"]}
    q_counts, q_periods = question_numbers(question, facts)
    decided = _decision_dates(result.decision)
    notices = [a for a in world.calendar.arrangements.values()
               if f"{a.title}（{a.number}）" in result.decision.get("arrangements", [])]
    dates = {as_of, *table_dates(world.table), *stated, *decided, *(a.published for a in notices)}
    span = [d.year for d in (*decided, *stated)]
    years = {d.year for d in dates} | (set(range(min(span), max(span) + 1)) if span else set())
    stated_periods = {facts["period"], *(c["period"] for c in facts["counts"])}
    return Allowed(
        counts=bounds(table_counts(rule)) | q_counts,
        periods=table_periods(rule) | q_periods,
        dates=dates,
        years=years | {a.year for a in notices},
        counting={p for p in (rule.counting, *stated_periods) if p in ("current_year", "since_previous_year")},
        verbatim={
            *(f"《{i.title}》" for i in world.corpus.instruments.values()),
            *(f"《{a.title}》" for a in notices),
            *(a.number for a in notices),
            *(q.text for r in world.table.rules for _, q in r.quotes),
            *(c.locator for c in result.citations),
            *(d["raw"] for d in facts["dates"]),
            *COUNT_EXAMPLES,
        },
        facts_asked=len(result.missing_facts),
    )


def _decision_dates(decision: dict[str, Any]) -> set[date]:
    out = set()
    for value in decision.values():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and re.match(r"\d{4}-\d{2}-\d{2}", item):
                out.add(date.fromisoformat(item[:10]))
    return out


# --- two worlds: the reviewed table, and the same law renumbered ------------------------------


@dataclass(frozen=True)
class World:
    name: str
    corpus: Corpus
    table: RuleTable
    engine: RuleEngine
    calendar: WorkCalendar


SHIFT = timedelta(days=33)  # how far the renumbered world moves every date of the table


def _renumber(text: str) -> str:
    """The text a number of the table is rewritten to: counts ×7, periods one unit shorter (not
    longer: every year a period reaches past the published calendars is estimated, slowly),
    dates moved."""
    kind = _kind(text)
    if kind == "date":
        y, mo, d = map(int, re.findall(r"\d+", text))
        day = date(y, mo, d) + SHIFT
        return f"{day.year}年{day.month}月{day.day}日"
    if kind == "period":
        m = re.fullmatch(r"(.+?)(个工作日|个月|年|日)", text)
        assert m is not None
        value = parse_numeral(m.group(1))
        assert value is not None
        return f"{value - 1}{m.group(2)}"
    value = parse_numeral(text)
    assert value is not None and value % 10_000 == 0 and text.endswith("万"), text
    return f"{value * 7 // 10_000}万"


def renumbered(corpus: Corpus, table: RuleTable) -> tuple[Corpus, RuleTable]:
    """The law with every number the table reads rewritten, in the table and in the units it
    quotes alike, so the rewritten table still fits the rewritten corpus."""
    texts = {q.text for r in table.rules for _, q in r.numbers}
    mapping = {t: _renumber(t) for t in texts}
    pattern = re.compile(r"(?<![\d.])(?:" + "|".join(map(re.escape, sorted(mapping, key=len, reverse=True))) + r")")

    def rewrite(s: str) -> str:
        return pattern.sub(lambda m: mapping[m.group(0)], s)

    keys = {q.key for r in table.rules for _, q in (*r.numbers, *r.quotes)}
    units = {k: replace(u, text=rewrite(u.text)) if k in keys else u for k, u in corpus.units.items()}
    rules = tuple(
        replace(
            r,
            valid_from=r.valid_from + SHIFT,
            valid_until=r.valid_until + SHIFT if r.valid_until else None,
            numbers=tuple((n, Quote(q.key, rewrite(q.text))) for n, q in r.numbers),
            quotes=tuple((n, Quote(q.key, rewrite(q.text))) for n, q in r.quotes),
        )
        for r in table.rules
    )
    return replace(corpus, units=units), replace(table, rules=rules)


def _world(name: str, corpus: Corpus, table: RuleTable, calendar: WorkCalendar | None = None) -> World:
    calendar = calendar or load_work_calendar(corpus)
    return World(name, corpus, table, RuleEngine(corpus, table, calendar), calendar)


@pytest.fixture(scope="module")
def reviewed() -> World:
    return _world("reviewed", load_corpus(CORPUS), load_rule_table())


@pytest.fixture(scope="module")
def renumbered_world(reviewed: World) -> World:
    # the holiday law is not renumbered: one calendar (and its estimates of future years) serves both
    return _world("renumbered", *renumbered(reviewed.corpus, reviewed.table), reviewed.calendar)


# --- questions, generated from the table -----------------------------------------------------


def _zh(n: int) -> str:
    return f"{n // 10_000}万" if n >= 10_000 and n % 10_000 == 0 else str(n)


def _en(n: int) -> str:
    return f"{n:,}"


def transfer_rules(table: RuleTable) -> list[Rule]:
    return sorted((r for r in table.rules if r.family == "transfer"), key=lambda r: r.valid_from)


def rule_days(rule: Rule) -> tuple[date, date]:
    """A rule's first day, and its last (or a year after its first, when still in force)."""
    return rule.valid_from, rule.valid_until or rule.valid_from + timedelta(days=365)


def _period(rule: Rule, en: bool, own: bool = True) -> str:
    current = (rule.counting == "current_year") == own
    if en:
        return "this year" if current else "since 1 January last year"
    return "今年" if current else "自上年1月1日起累计"


_WHO_ZH = {True: "我们是关基，", False: "我们不是关基，", None: ""}
_WHO_EN = {True: "We are a CIIO. ", False: "We are not a CIIO. ", None: ""}
_ASK_ZH = ("走哪条路？", "需要签标准合同吗？", "需要申报安全评估吗？")
_ASK_EN = ("Which mechanism applies?", "Do we need a standard contract?", "Do we need a security assessment?")


def threshold_questions(rule: Rule) -> Iterator[tuple[str, date]]:
    """Counts just below, at and just above each threshold of the rule, in each category,
    with the other facts stated, denied or left out in turn."""
    first, last = rule_days(rule)
    points = sorted({v + d for v in table_counts(rule) for d in (-1, 0, 1)} | {0})
    ciios = itertools.cycle((False, None, True, False))
    senses = itertools.cycle(("deny", "none", "some"))
    for i, (n, category) in enumerate(itertools.product(points, ("general", "sensitive", "processed"))):
        ciio, sens, day, ask, en = next(ciios), next(senses), (first, last)[i % 2], i % 3, i % 4 < 2
        other = points[(i * 5) % len(points)]
        if en:
            who, period = _WHO_EN[ciio], _period(rule, True)
            if category == "general":
                tail = {"deny": "No sensitive personal information.", "none": "",
                        "some": f"Also sensitive personal information of {_en(other)} people."}[sens]
                q = f"{who}We sent personal information of {_en(n)} people abroad {period}. {tail} {_ASK_EN[ask]}"
            elif category == "sensitive":
                q = (f"{who}We sent sensitive personal information of {_en(n)} people abroad {period}, and no other "
                     f"personal information. {_ASK_EN[ask]}")
            else:
                q = (f"{who}We process personal information of {_en(max(n, other))} people and sent personal information "
                     f"of {_en(other)} people abroad {period}. No sensitive personal information. {_ASK_EN[ask]}")
        else:
            who, period = _WHO_ZH[ciio], _period(rule, False)
            if category == "general":
                tail = {"deny": "不含敏感个人信息，", "none": "", "some": f"另有{_zh(other)}人的敏感个人信息，"}[sens]
                q = f"{who}{period}向境外提供了{_zh(n)}人的个人信息，{tail}{_ASK_ZH[ask]}"
            elif category == "sensitive":
                q = f"{who}{period}向境外提供了{_zh(n)}人的敏感个人信息，没有其他个人信息，{_ASK_ZH[ask]}"
            else:
                q = f"{who}处理个人信息{_zh(max(n, other))}人，{period}向境外提供了{_zh(other)}人的个人信息，不含敏感个人信息，{_ASK_ZH[ask]}"
        yield q, day


def note_questions(rule: Rule) -> Iterator[tuple[str, date]]:
    """Questions that bring each note, scenario and refusal, on the rule's first and last day."""
    low, mid, high = sorted(table_counts(rule))[:3]
    below, between = _zh(mid - low), _zh(mid + low)
    own, other = _period(rule, False), _period(rule, False, own=False)
    zh = [
        f"我们不是关基，处理个人信息{below}人，{own}向境外提供了{below}人的个人信息，不含敏感个人信息，不涉及重要数据，走哪条路？",
        f"我们不是关基，{own}向境外提供了约{_zh(mid)}人的个人信息，不含敏感个人信息，走哪条路？",
        f"我们不是关基，{own}已向境外提供了{below}人的个人信息，本月又提供了{_zh(low * 2)}人，不含敏感个人信息，走哪条路？",
        f"我们不是关基，{own}A业务向境外提供了{below}人的个人信息，B业务向境外提供了{_zh(low * 2)}人，不含敏感个人信息，走哪条路？",
        f"我们不是关基，{own}向境外提供了不超过{_zh(mid)}人的个人信息，不含敏感个人信息，不涉及重要数据，走哪条路？",
        f"我们不是关基，{own}向境外提供了超过{between}人的个人信息，不含敏感个人信息，走哪条路？",
        f"我们不是关基，{own}向境外提供了不到{_zh(mid)}人的个人信息，不含敏感个人信息，走哪条路？",
        f"我们不是关基，{own}向境外提供了{between}人的个人信息，不含敏感个人信息，但涉及重要数据，走哪条路？",
        f"我们不是关基，{other}向境外提供了{between}人的个人信息，不含敏感个人信息，需要签标准合同吗？",
        f"我们不是关基，去年向境外提供了{between}人的个人信息，不含敏感个人信息，今年走哪条路？",
        f"我们不是关基，处理个人信息{_zh(high + low)}人，{own}向境外提供了{below}人的个人信息，不含敏感个人信息，按《办法》第四条是不是必须申报安全评估？",
        f"我们不是关基，{own}向境外提供{below}人的个人信息，不含敏感个人信息和重要数据，免予申报的话，还要取得个人单独同意吗？",
        f"集团为避免触及安全评估门槛，拟安排两家子公司分别签订标准合同，每家{own}向境外提供{_zh(high // 2 + low)}人的个人信息，均非关基，无敏感个人信息和重要数据，这样行吗？",
        "物流轨迹聚合数据（不含个人信息），可能算重要数据，但从来没有哪个主管部门或地区通知过我们。同步到海外之前，必须按重要数据去申报安全评估吗？",
        "我们为跨境购物向境外提供个人信息，其中涉及重要数据，需要申报安全评估吗？",
        "我们为跨境人力资源管理向境外总部提供员工的个人信息，需要签标准合同吗？",
        f"紧急情况下为保护自然人的生命健康，需要向境外提供{below}人的个人信息，要申报安全评估吗？",
        "我们为履行法定职责向境外提供个人信息，需要签标准合同吗？",
        "我们在自贸区，负面清单以外的数据往境外传，还需要签标准合同吗？",
        "我们在境外收集的个人信息传输至境内处理后再向境外提供，需要签标准合同吗？",
        "给国外客户发的报价单里只有货物信息，没有任何人的个人信息，需要申报安全评估或者签标准合同吗？",
        f"我们是关基，我们不是关基，{own}向境外提供了{below}人的个人信息，走哪条路？",
        f"我们不是关基，{own}向境外提供了-{_zh(mid)}人的个人信息，走哪条路？",
        "我们向境外提供个人信息，需要签标准合同还是申报安全评估？",
        f"我们{own}向境外提供了{below}人的个人信息，走哪条路？",
    ]
    own_en, other_en = _period(rule, True), _period(rule, True, own=False)
    en = [
        f"We are not a CIIO and process personal information of {_en(mid - low)} people. We sent personal information "
        f"of {_en(mid - low)} people abroad {own_en}. No sensitive personal information, no important data. Which route?",
        f"We are not a CIIO and sent personal information of about {_en(mid)} people abroad {own_en}, no sensitive "
        "data. Which mechanism?",
        f"We are not a CIIO and sent personal information of {_en(mid + low)} people abroad {other_en}, "
        "no sensitive personal information. Which mechanism applies?",
        f"Not a CIIO; {own_en} fewer than {_en(mid)} individuals' non-sensitive data goes abroad. Which route?",
        f"Not a CIIO; {_en(high + low)} individuals' non-sensitive data {own_en}, no important data. A consultant "
        f"suggests routing the flow through five group companies so that each exports fewer than {_en(high)}. "
        "Is this permissible?",
        "We need to send personal information abroad to perform a statutory duty. Do we need a standard contract?",
        "Travel agency here, not a CIIO, no important data: we pass customers' passport details to overseas hotels "
        "and airlines to book their trips. Is that exempt from the CAC procedures?",
        f"We are not a CIIO and sent personal information of -{_en(mid)} people abroad {own_en}. Which route?",
        "We send personal information abroad. Do we need a standard contract or a security assessment?",
        f"We are not a CIIO and hold no important data. {own_en.capitalize()} we sent personal information of "
        f"{_en(mid - low)} people abroad; if we are exempt, must we still get separate consent?",
    ]
    for i, q in enumerate(zh + en):
        yield q, rule_days(rule)[i % 2]


_DEADLINE_ZH = {
    "filing": "标准合同于{d}生效，最晚哪天备案？",
    "check": "我们{d}提交了备案材料，省级网信办最晚哪天完成查验？",
    "supplement": "{d}收到通知需要补充完善材料，最晚哪天提交？",
    "assessment_validity": "我们{d}通过了数据出境安全评估，评估结果有效期到哪天？如果那天刚好是法定假日呢？",
    "certificate_validity": "我们的个人信息出境认证证书是{d}出具的，到期后还想继续用，最晚哪天要提出认证申请？",
    "remediation": "《办法》施行前已经开展的出境活动，整改期最晚到哪天？",
}
_DEADLINE_EN = {
    "filing": "The standard contract took effect on {d}. What is the last day to file it?",
    "check": "We submitted the filing materials on {d}. What is the deadline for the review of the filing?",
    "supplement": "The provincial CAC told us on {d} that our SCC filing is missing documents and has to be "
                  "completed. How long do we have?",
    "assessment_validity": "Our security assessment result was issued on {d}. Until when is it valid?",
    "certificate_validity": "Our certificate was issued on {d}. By when must we apply to renew it?",
    "remediation": "When does the remediation period of the Standard Contract Measures end?",
}
_UNDATED = {
    "filing": ("标准合同最晚哪天要备案？", "What is the last day to file our standard contract?"),
    "certificate_validity": ("认证证书到期后还想继续用，最晚哪天要提出认证申请？", ""),
}


def deadline_questions(table: RuleTable, calendar: WorkCalendar) -> Iterator[tuple[str, date]]:
    """Each deadline rule from start dates on its first day, a month before it (the rule not
    yet in force), before National Day and Spring Festival, at the end of the last year with a
    published calendar (the next one estimated), and in a year without holiday data; and
    without a date."""
    published = max(calendar.arrangements)
    for rule in (r for r in table.rules if r.family == "deadline"):
        first, last = rule_days(rule)
        y = first.year
        starts = [first, first - timedelta(days=31), date(y, 9, 30), date(y, 1, 24), date(published, 12, 25)]
        if rule.topic == "filing":
            starts.append(date(2003, 12, 25))
        for i, start in enumerate(starts):
            as_of = min(max(start, first), last)
            zh, en = _DEADLINE_ZH[rule.topic], _DEADLINE_EN[rule.topic]
            yield zh.format(d=f"{start.year}年{start.month}月{start.day}日"), as_of
            yield en.format(d=f"{start:%B} {start.day}, {start.year}" if i % 2 else start.isoformat()), as_of
        if rule.topic == "filing":
            yield "标准合同2024年9月30日签署，最晚哪天备案？".replace("2024", str(y)), as_of
            yield "标准合同今天生效，最晚哪天备案？", first
            yield "标准合同上周三生效，最晚哪天备案？", first + timedelta(days=10)
        for q in _UNDATED.get(rule.topic, ()):
            if q:
                yield q, first


def harvested_questions() -> Iterator[str]:
    """The questions written out in the transfer and deadline tests."""
    for name in ("test_rules_transfer.py", "test_rules_deadlines.py"):
        tree = ast.parse((TESTS / name).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = node.value
                if len(text) > 12 and ("？" in text or "?" in text) and "{" not in text:
                    yield text


def generated(world: World) -> Iterator[tuple[str, date]]:
    yield from dict.fromkeys(_generated(world))


def _generated(world: World) -> Iterator[tuple[str, date]]:
    for rule in transfer_rules(world.table):
        yield from threshold_questions(rule)
        yield from note_questions(rule)
    yield from deadline_questions(world.table, world.calendar)
    if world.name == "reviewed":
        days = [rule_days(r)[0] for r in transfer_rules(world.table)]
        for i, q in enumerate(harvested_questions()):
            yield q, days[i % len(days)]


# --- checking --------------------------------------------------------------------------------


@dataclass
class Checked:
    statements: int = 0
    failures: list[str] = field(default_factory=list)
    seen: set[tuple[str, ...]] = field(default_factory=set)  # coverage: (rule id, what was said)


def prose(result: RuleResult) -> list[str]:
    """Every text of a result a reader sees: the statement, its warnings and assumptions."""
    return [result.statement, *result.warnings, *result.decision.get("assumptions", [])]


def check(world: World, question: str, as_of: date, checked: Checked) -> RuleResult | None:
    result = world.engine.evaluate(question, as_of)
    if result is None:
        return None
    allowed = allowed_for(world, question, as_of, result)
    for text in prose(result):
        bad = unexplained(text, allowed)
        if bad:
            checked.failures.append(f"[{world.name}] {as_of} {question}\n  numbers: {bad}\n  statement: {text}")
    checked.statements += 1
    checked.seen.add((result.id, "en" if is_english(question) else "zh"))
    label = result.decision.get("mechanism") or (
        "no_standard_contract_yet" if "standard_contract_available" in result.decision
        else "deadline" if "deadline" in result.decision
        else "declined" if not result.citations  # facts that conflict, or a count nobody can have
        else "branches" if any(w in result.statement for w in ("结论取决于", "The answer turns on"))
        else "missing" if result.missing_facts else "other"
    )
    checked.seen.add((result.id, label))
    return result


_NOTE_CODES = (
    "approximate", "counts_added", "counts_side_by_side", "important_data_assumed_none", "important_data_not_notified",
    "statutory_duty_not_in_force", "scenarios_not_in_force", "period_longer_than_rule",
    "period_last_year_not_counted", "period_shorter_than_rule", "old_terms", "measures_not_in_force",
    "other_duties", "no_splitting",
)


def notes_seen(world: World, results: Iterable[tuple[RuleResult, date]]) -> set[str]:
    seen = set()
    for result, as_of in results:
        rule = next(r for r in world.table.rules if r.id == result.id)
        for code in _NOTE_CODES:
            for en in (False, True):
                if note_text(code, rule, as_of, en, world.table) in result.statement:
                    seen.add(code)
    return seen


def run(world: World) -> tuple[Checked, list[tuple[RuleResult, date]]]:
    checked, results = Checked(), []
    for question, as_of in generated(world):
        result = check(world, question, as_of, checked)
        if result is not None:
            results.append((result, as_of))
    return checked, results


@pytest.fixture(scope="module")
def reviewed_run(reviewed: World) -> tuple[Checked, list[tuple[RuleResult, date]]]:
    return run(reviewed)


@pytest.fixture(scope="module")
def renumbered_run(renumbered_world: World) -> tuple[Checked, list[tuple[RuleResult, date]]]:
    return run(renumbered_world)


# --- the tests -------------------------------------------------------------------------------


def _report(checked: Checked) -> str:
    shown = "\n".join(checked.failures[:15])
    return f"{len(checked.failures)} of {checked.statements} statements hold numbers not from the table:\n{shown}"


def test_every_number_in_a_statement_comes_from_the_table(reviewed_run):
    checked, _ = reviewed_run
    assert not checked.failures, _report(checked)


def test_every_number_follows_the_table_when_the_table_is_renumbered(renumbered_run):
    checked, _ = renumbered_run
    assert not checked.failures, _report(checked)


@pytest.mark.parametrize("which", ["reviewed", "renumbered"])
def test_the_statements_checked_cover_every_rule_branch_note_and_language(request, which):
    world = request.getfixturevalue("reviewed" if which == "reviewed" else "renumbered_world")
    checked, results = request.getfixturevalue(f"{which}_run")
    assert checked.statements >= 300
    ids = {r.id for r in world.table.rules}
    for rule_id in ids:
        assert {(rule_id, "zh"), (rule_id, "en")} & checked.seen, rule_id
    transfer = [r.id for r in transfer_rules(world.table)]
    expected = {
        (transfer[0], "security_assessment"), (transfer[0], "no_standard_contract_yet"),
        (transfer[1], "security_assessment"), (transfer[1], "standard_contract_or_certification"),
        *((rid, label) for rid in transfer[2:] for label in ("exempt", "standard_contract_or_certification",
                                                               "security_assessment")),
        *((rid, kind) for rid in transfer for kind in ("branches", "missing", "declined", "zh", "en")),
        *((r.id, "deadline") for r in world.table.rules if r.family == "deadline"),
    }
    assert expected <= checked.seen, sorted(expected - checked.seen)
    assert notes_seen(world, results) == set(_NOTE_CODES)


def test_the_renumbered_table_fits_its_law_and_changes_every_number(reviewed, renumbered_world):
    assert check_table(renumbered_world.table, renumbered_world.corpus) == []
    for old, new in zip(reviewed.table.rules, renumbered_world.table.rules, strict=True):
        assert table_counts(old).isdisjoint(bounds(table_counts(new))), old.id
        assert table_periods(old).isdisjoint(table_periods(new)), old.id
        assert old.valid_from != new.valid_from
    assert table_dates(reviewed.table).isdisjoint(table_dates(renumbered_world.table))


def test_the_counting_periods_are_the_laws_own_words(reviewed):
    """1 January is the one date the prose writes itself: it is the counting period each
    transfer rule names, as the articles it cites write it."""
    phrases = {"current_year": "自当年1月1日起", "since_previous_year": "自上年1月1日起"}
    for rule in transfer_rules(reviewed.table):
        keys = {q.key for _, q in rule.numbers}
        assert rule.counting is not None
        assert any(phrases[rule.counting] in reviewed.corpus.units[k].text for k in keys), rule.id


# --- the classifier can fail -----------------------------------------------------------------


def _filing(reviewed: World) -> tuple[Rule, Allowed]:
    rule = reviewed.table.find("deadline", "filing", date(2024, 6, 1))
    assert rule is not None
    return rule, Allowed(
        counts=bounds(table_counts(rule)),
        periods=table_periods(rule),
        dates={date(2024, 6, 1), *table_dates(reviewed.table)},
        years={2024},
        verbatim={f"《{i.title}》" for i in reviewed.corpus.instruments.values()},
    )


@pytest.mark.parametrize(
    ("statement", "stray"),
    [
        # the filing rule's period is 10个工作日; 15个工作日 is another rule's (the office's check)
        ("个人信息处理者应当在标准合同生效之日起10个工作日内备案，应在15个工作日内", ["15个工作日"]),
        ("应在十五个工作日内提交", ["十五个工作日"]),
        ("the materials must be submitted within fifteen working days", ["fifteen working days"]),
        ("截至2024-06-01，累计向境外提供12万人以上的，应当申报", ["12万人"]),
        ("As of 2024-06-01: 120,000 people or more, one hundred thousand people", ["120,000 people", "one hundred"]),
        ("截至2024-06-02，期限为10个工作日。", ["2024-06-02"]),
        ("自2025年2月1日起施行", ["2025年2月1日"]),
        ("自当年3月1日起累计", ["3月1日"]),
        ("有效期为3年，结论取决于问题未说明的2项事实", ["3年", "2项"]),
    ],
)
def test_the_classifier_returns_a_stray_number(reviewed, statement, stray):
    _, allowed = _filing(reviewed)
    found = unexplained(statement, allowed)
    assert len(found) == len(stray) and all(f.startswith(x) for f, x in zip(found, stray, strict=True)), found


def test_the_classifier_accepts_what_the_table_and_the_law_explain(reviewed):
    _, allowed = _filing(reviewed)
    fine = (
        "截至2024-06-01，依据《个人信息出境标准合同办法》第七条、第三十五条第（六）项、第三条至第六条：应当在10个工作日内备案；"
        "《中华人民共和国网络安全法（节录，2016年文本，2026年1月1日起被修正文本取代）》第三十七条。"
        "Network Data Regulation Art. 35(6); Provisions (Arts. 3-6); 同一人只计一次；最后一日；in force from 2023-06-01."
    )
    assert unexplained(fine, allowed) == []
    transfer = reviewed.table.find("transfer", "transfer", date(2024, 6, 1))
    assert transfer is not None
    counts = Allowed(counts=bounds(table_counts(transfer)), counting={"current_year"})
    said = "自当年1月1日起累计不满10万 (100,000)人、99,999人、100000人、1万人以上、为0人、1人以上、one person counts once"
    assert unexplained(said, counts) == []
    assert unexplained("自上年1月1日起累计", counts) == ["自上年1月1日起累计"]


# --- a property-based sample -----------------------------------------------------------------


@st.composite
def transfer_question(draw: st.DrawFn, table: RuleTable) -> tuple[str, date]:
    rule = draw(st.sampled_from(transfer_rules(table)))
    first, last = rule_days(rule)
    as_of = draw(st.dates(min_value=first, max_value=last))
    points = sorted(bounds(table_counts(rule)))
    count = st.one_of(st.sampled_from(points), st.integers(0, 3 * max(points)))
    en = draw(st.booleans())
    ciio = draw(st.sampled_from([True, False, None]))
    general, sensitive = draw(st.one_of(st.none(), count)), draw(st.one_of(st.none(), st.just(0), count))
    important = draw(st.sampled_from(["", "涉及重要数据，", "不涉及重要数据，"]))
    own = draw(st.booleans())
    if en:
        parts = [_WHO_EN[ciio]]
        if general is not None:
            parts.append(f"We sent personal information of {_en(general)} people abroad {_period(rule, True, own)}.")
        if sensitive is not None:
            parts.append("No sensitive personal information." if sensitive == 0
                         else f"Also sensitive personal information of {_en(sensitive)} people.")
        parts.append(draw(st.sampled_from(_ASK_EN)))
        return " ".join(p for p in parts if p), as_of
    q = _WHO_ZH[ciio]
    if general is not None:
        q += f"{_period(rule, False, own)}向境外提供了{_zh(general)}人的个人信息，"
    if sensitive is not None:
        q += "不含敏感个人信息，" if sensitive == 0 else f"另有{_zh(sensitive)}人的敏感个人信息，"
    return q + important + draw(st.sampled_from(_ASK_ZH)), as_of


_REVIEWED_TABLE = load_rule_table()


@settings(max_examples=100, deadline=None)
@given(question=transfer_question(_REVIEWED_TABLE))
def test_sampled_statements_hold_only_table_numbers(reviewed, question):
    checked = Checked()
    check(reviewed, *question, checked)
    assert not checked.failures, checked.failures

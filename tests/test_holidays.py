"""Working days in years the calendar package does not know: the holidays fixed by law
(《全国年节及纪念日放假办法》 Arts. 2 and 6) and each year's published arrangement as data."""

from datetime import date, timedelta
from pathlib import Path

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.corpus import load_corpus
from assistant.rules import RuleEngine, load_rule_table
from assistant.rules.calendar_days import (
    DEFAULT_ARRANGEMENTS,
    NOTICE,
    STATUTORY,
    add_working_days,
    load_work_calendar,
    statutory_days,
)
from assistant.rules.table import RuleTableError

CORPUS = Path(__file__).parent.parent / "corpus"


@pytest.fixture(scope="module")
def corpus():
    return load_corpus(CORPUS)


@pytest.fixture(scope="module")
def cal(corpus):
    return load_work_calendar(corpus)


@pytest.fixture(scope="module")
def engine(corpus):
    return RuleEngine(corpus, load_rule_table())


def test_the_statutory_holidays_are_read_from_article_two(corpus, cal):
    article = corpus.units["holiday_measures#第二条"].text
    assert [h.name for h in cal.statutory] == ["元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节"]
    for holiday in cal.statutory:
        assert holiday.quote.text in article
        # the number of days is the one the article writes
        assert f"放假{holiday.days}天" in holiday.quote.text
    assert sum(h.days for h in cal.statutory) == 13  # 1 + 4 + 1 + 2 + 1 + 1 + 3
    assert cal.makeup.text in corpus.units["holiday_measures#第六条"].text


def test_a_quote_not_in_the_article_is_refused(corpus, tmp_path):
    bad = tmp_path / "holidays.toml"
    text = (Path(__file__).parent.parent / "assistant" / "rules" / "holidays.toml").read_text(encoding="utf-8")
    bad.write_text(text.replace("春节，放假4天", "春节，放假3天"), encoding="utf-8")
    with pytest.raises(RuleTableError, match="not verbatim"):
        load_work_calendar(corpus, holidays=bad)


@pytest.mark.parametrize("year", [2025, 2026])
def test_the_estimate_finds_every_statutory_holiday_the_official_calendar_has(cal, year):
    # lunar dates and the 清明 solar term, checked against two years of published arrangements
    estimated = statutory_days(cal.statutory, year)
    for day, name in estimated.items():
        if not name.endswith("补假"):
            assert not chinese_calendar.is_workday(day), (day, name)
    assert len([n for n in estimated.values() if not n.endswith("补假")]) == 13


def test_a_holiday_on_a_weekend_is_made_up_on_the_next_working_day(cal):
    # 2028-01-01 is a Saturday: Art. 6 moves it to Monday 2028-01-03
    days = statutory_days(cal.statutory, 2028)
    assert days[date(2028, 1, 1)] == "元旦" and days[date(2028, 1, 3)] == "元旦补假"
    # 春节 2027: 除夕 02-05 (Fri) to 初三 02-08 (Mon); 02-06 and 02-07 fall on the weekend
    days = statutory_days(cal.statutory, 2027)
    assert [d for d, n in days.items() if n.startswith("春节")] == [date(2027, 2, d) for d in range(5, 11)]
    assert days[date(2027, 2, 9)] == days[date(2027, 2, 10)] == "春节补假"


@pytest.mark.parametrize("year", [2025, 2026])
def test_each_arrangement_file_agrees_with_the_package_day_for_day(cal, year):
    arrangement = cal.arrangements[year]
    day = date(year, 1, 1)
    while day.year == year:
        info = cal.day(day)
        assert info.source == NOTICE
        assert info.working == chinese_calendar.is_workday(day), day
        day += timedelta(days=1)
    assert arrangement.number.startswith("国办发明电")


# The year boundary: a weekday in 2027 is a working day unless Art. 2 (and Art. 6) make it a
# holiday; 2026 follows the published arrangement. An independent count of that definition.
def _brute_force_deadline(start: date, n: int) -> date:
    holidays_2027 = {date(2027, 1, 1)}  # 元旦, a Friday: no make-up day owed in January
    day, counted = start, 0
    while counted < n:
        day += timedelta(days=1)
        working = chinese_calendar.is_workday(day) if day.year == 2026 else day.weekday() < 5 and day not in holidays_2027
        counted += working
    return day


@pytest.mark.parametrize("day", range(18, 32))
def test_filing_deadlines_across_the_year_boundary(engine, day):
    start = date(2026, 12, day)
    result = engine.evaluate(f"标准合同2026年12月{day}日生效，最晚哪天备案？", start)
    assert result.decision["deadline"] == _brute_force_deadline(start, 10).isoformat()
    assert result.decision["calendar"] == "statutory_estimate_for_2027"
    assert "2027年的放假调休安排" in result.warnings[0] and "尚未公布" in result.warnings[0]
    cited = {c.key: c.quote for c in result.citations}
    assert "元旦，放假1天（1月1日）" in cited["holiday_measures#第二条"]
    assert "holiday_measures#第六条" in cited


def test_the_issue_example_is_the_eighth_of_january(engine):
    result = engine.evaluate("标准合同2026年12月24日生效，最晚哪天备案？", date(2026, 12, 7))
    assert result.decision["deadline"] == "2027-01-08"
    assert "2027-01-01 元旦" in result.decision["holidays_skipped"]
    assert "国办发明电〔2025〕7号" in result.statement  # December 2026 follows the 2026 notice


def test_a_contract_effective_just_before_the_spring_festival(engine):
    result = engine.evaluate("标准合同2027年1月29日生效，最晚哪天备案？", date(2027, 1, 29))
    # 02-01..02-04 (4), 02-05..02-08 春节, 02-09/10 补假, 02-11, 02-12, 02-15..02-18 (10)
    assert result.decision["deadline"] == "2027-02-18"
    assert "2027-02-09 春节补假" in result.decision["holidays_skipped"]


def test_a_validity_period_ending_beyond_the_package(engine):
    result = engine.evaluate("安全评估结果2026年10月1日出具，有效期到哪天？", date(2026, 10, 2))
    # 2029-10-01 is a Monday and 国庆节 (10-01..10-03): the last day rolls to Thursday 10-04
    assert result.decision["corresponding_day"] == "2029-10-01"
    assert result.decision["deadline"] == "2029-10-04"
    assert result.decision["calendar"] == "statutory_estimate_for_2029"
    assert "holiday_measures#第二条" in {c.key for c in result.citations} and result.warnings


def test_an_arrangement_file_for_a_new_year_is_used_and_cited_without_a_code_change(corpus, tmp_path):
    folder = tmp_path / "arrangements"
    folder.mkdir()
    for path in DEFAULT_ARRANGEMENTS.glob("*.toml"):
        (folder / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    # a made-up 2027 notice for the test: 元旦 01-01..01-03, Sunday 01-10 a working day
    (folder / "2027.toml").write_text(
        'year = 2027\ntitle = "测试通知"\nnumber = "测试〔2026〕1号"\npublished = 2026-11-01\n\n'
        '[[period]]\nname = "元旦"\nfrom = 2027-01-01\nto = 2027-01-03\nwork = [2027-01-10]\n',
        encoding="utf-8",
    )
    engine = RuleEngine(corpus, load_rule_table(), load_work_calendar(corpus, arrangements=folder))
    result = engine.evaluate("标准合同2026年12月31日生效，最晚哪天备案？", date(2026, 12, 31))
    # 01-04..01-08 (5), Sunday 01-10 (6), 01-11..01-14 (10)
    assert result.decision["deadline"] == "2027-01-14"
    assert result.decision["calendar"] == "official" and not result.warnings
    assert "测试〔2026〕1号" in result.statement and "holiday_measures#第二条" not in {c.key for c in result.citations}


def test_a_malformed_arrangement_file_is_refused_with_its_name(corpus, tmp_path):
    (tmp_path / "2027.toml").write_text(
        'year = 2027\ntitle = "x"\nnumber = "x"\npublished = 2026-11-01\n\n[[period]]\nname = "元旦"\n'
        "from = 2027-01-01\nto = 2027-01-01\nwork = [2027-01-06]\n",  # a Wednesday cannot be a make-up day
        encoding="utf-8",
    )
    with pytest.raises(RuleTableError, match=r"2027\.toml"):
        load_work_calendar(corpus, arrangements=tmp_path)


@settings(max_examples=60, deadline=None)
@given(start=st.dates(min_value=date(2027, 1, 1), max_value=date(2040, 12, 1)), n=st.integers(1, 30))
def test_an_estimated_count_lands_on_a_working_day_with_exactly_n_before_it(cal, start, n):
    result = add_working_days(cal, start, n)
    assert cal.day(result.day).working and cal.day(result.day).source == STATUTORY
    days = [start + timedelta(days=i) for i in range(1, (result.day - start).days + 1)]
    assert sum(cal.day(d).working for d in days) == n

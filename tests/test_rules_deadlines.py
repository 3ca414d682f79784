"""Deadlines on the official calendar: 调休, Spring Festival, month ends, years without data."""

from datetime import date, timedelta
from pathlib import Path

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.corpus import load_corpus
from assistant.rules import RuleEngine, load_rule_table
from assistant.rules.calendar_days import (
    add_months,
    add_working_days,
    corresponding_day,
    load_work_calendar,
    roll_past_rest_days,
    working_days_before,
)
from assistant.rules.facts import extract_facts

CORPUS = Path(__file__).parent.parent / "corpus"


@pytest.fixture(scope="module")
def engine():
    return RuleEngine(load_corpus(CORPUS), load_rule_table())


@pytest.fixture(scope="module")
def cal():
    return load_work_calendar(load_corpus(CORPUS))


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2024, 9, 30), 10, date(2024, 10, 18)),  # National Day skipped, Saturday 10-12 counted
        (date(2025, 1, 24), 10, date(2025, 2, 13)),  # Spring Festival skipped, 01-26 and 02-08 counted
        (date(2024, 9, 30), 15, date(2024, 10, 25)),
        (date(2024, 6, 3), 1, date(2024, 6, 4)),  # the first day is not counted
        (date(2024, 6, 7), 1, date(2024, 6, 11)),  # Friday → weekend → Dragon Boat Festival (06-10) → Tuesday
    ],
)
def test_add_working_days_on_official_calendar(cal, start, n, expected):
    result = add_working_days(cal, start, n)
    assert result.day == expected
    assert result.estimated_years == ()


def test_national_day_2024_details(cal):
    result = add_working_days(cal, date(2024, 9, 30), 10)
    assert result.makeup_days_counted == ("2024-10-12",)
    assert len(result.holidays_skipped) == 7


@settings(max_examples=80, deadline=None)
@given(start=st.dates(min_value=date(2023, 1, 1), max_value=date(2026, 11, 30)), n=st.integers(1, 20))
def test_working_day_count_is_exact(cal, start, n):
    end = add_working_days(cal, start, n).day
    assert chinese_calendar.is_workday(end)
    days = [start + timedelta(days=i) for i in range(1, (end - start).days + 1)]
    assert sum(chinese_calendar.is_workday(d) for d in days) == n


@settings(max_examples=60, deadline=None)
@given(start=st.dates(min_value=date(2023, 3, 1), max_value=date(2026, 11, 30)), n=st.integers(1, 60))
def test_counting_back_inverts_counting_forward(cal, start, n):
    end = add_working_days(cal, start, n).day
    back = working_days_before(cal, end, n).day
    assert back <= start
    assert add_working_days(cal, back, n).day == end


def test_a_year_without_an_arrangement_skips_the_statutory_holidays_and_is_flagged(cal):
    result = add_working_days(cal, date(2026, 12, 25), 10)
    assert result.estimated_years == (2027,) and result.weekend_years == ()
    assert "2027-01-01 元旦" in result.holidays_skipped  # never weekends alone
    assert result.day == date(2027, 1, 11)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2024, 1, 31), 1, date(2024, 2, 29)),  # no corresponding day: month end
        (date(2023, 1, 31), 1, date(2023, 2, 28)),
        (date(2023, 6, 1), 6, date(2023, 12, 1)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
    ],
)
def test_corresponding_day(start, months, expected):
    assert corresponding_day(start, months) == expected


def test_last_day_on_a_holiday_rolls_past_it(cal):
    assert roll_past_rest_days(cal, date(2024, 10, 1)).day == date(2024, 10, 8)
    nominal, result = add_months(cal, date(2024, 9, 1), 1)  # 2024-10-01, National Day
    assert (nominal, result.day) == (date(2024, 10, 1), date(2024, 10, 8))


# --- through the engine ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "as_of", "deadline"),
    [
        ("标准合同于2024年9月30日生效，最晚哪天备案？", date(2024, 9, 30), "2024-10-18"),
        ("标准合同2024-09-30生效，备案截止日期是哪天？", date(2024, 9, 30), "2024-10-18"),
        ("我们的标准合同9月30日生效，最晚什么时候备案？", date(2024, 9, 1), "2024-10-18"),
        ("标准合同2025/1/24生效，最晚哪天要完成备案？", date(2025, 1, 24), "2025-02-13"),
        (
            "The standard contract took effect on January 24, 2025. What is the last day to file it?",
            date(2025, 2, 1),
            "2025-02-13",
        ),
        ("标准合同今天生效，最晚哪天备案？", date(2025, 1, 24), "2025-02-13"),
    ],
)
def test_filing_deadline(engine, question, as_of, deadline):
    result = engine.evaluate(question, as_of)
    assert result.decision["deadline"] == deadline
    assert result.decision["period"] == "10个工作日"
    assert deadline in result.statement
    assert "measures#第七条" in {c.key for c in result.citations}
    assert result.warnings == ()


def test_a_relative_start_date_is_counted_and_shown_as_written(engine):
    # Saturday 2024-06-01: 上周三 is Wednesday 05-22; its tenth working day is 06-05
    result = engine.evaluate("标准合同上周三生效，最晚哪天备案？", date(2024, 6, 1))
    assert result.decision["deadline"] == "2024-06-05"
    assert "起算日为2024-05-22（即“上周三”；" in result.statement
    dated = engine.evaluate("标准合同2024年5月22日生效，最晚哪天备案？", date(2024, 6, 1))
    assert dated.decision["deadline"] == "2024-06-05"
    assert "即“" not in dated.statement  # a date with its year needs no gloss


def test_a_year_named_in_words_dates_the_assessment_result(engine):
    result = engine.evaluate("安全评估结果是去年5月10日出具的，有效期到哪天？", date(2025, 6, 1))
    assert result.id == "R-DEADLINE-VALIDITY-2024"
    assert result.decision["deadline"] == "2027-05-10"


def test_a_question_raising_a_holiday_gets_the_holiday_rule_quoted(engine):
    # 2027-08-31 is a Tuesday: nothing moves, yet the question asks what a holiday would do
    plain = engine.evaluate("安全评估结果是2024年8月31日出具的，有效期3年，最后一天是哪天？", date(2024, 9, 2))
    assert plain.decision["deadline"] == "2027-08-31"
    assert "civil_code_periods#第二百零三条" not in {c.key for c in plain.citations}
    asked = engine.evaluate(
        "安全评估结果是2024年8月31日出具的，有效期3年，最后一天是哪天？如果那天刚好是法定假日呢？", date(2024, 9, 2)
    )
    assert "civil_code_periods#第二百零三条" in {c.key for c in asked.citations}


def test_a_counting_period_from_a_named_year_is_not_a_contract_date(engine):
    facts = extract_facts("自今年1月1日起累计向境外提供了8万人的个人信息", date(2024, 6, 1))
    assert facts.dates == ()


def test_filing_rule_depends_on_the_as_of_date(engine):
    q = "标准合同于2023年9月28日生效，最晚哪天备案？"
    early = engine.evaluate(q, date(2023, 9, 28))
    assert early.id == "R-DEADLINE-FILING-2023"
    assert early.decision["deadline"] == "2023-10-18"  # 09-29..10-06 off; 10-07, 10-08 make-up days count
    late = engine.evaluate("标准合同于2024年9月30日生效，最晚哪天备案？", date(2024, 9, 30))
    assert late.id == "R-DEADLINE-FILING-2024"
    assert "filing_guide_v2#二、备案方式" in {c.key for c in late.citations}


def test_warning_path_for_2027(engine):
    result = engine.evaluate("标准合同2026年12月25日生效，最晚哪天要完成备案？", date(2026, 12, 25))
    assert result.decision["deadline"] == "2027-01-11"
    assert result.decision["calendar"] == "statutory_estimate_for_2027"
    assert result.warnings and "2027" in result.warnings[0] and "调休" in result.warnings[0]
    assert result.warnings[0] in result.statement


def test_check_and_supplement_periods(engine):
    check = engine.evaluate("我们2024年9月30日提交了备案材料，省级网信办最晚哪天完成查验？", date(2024, 9, 30))
    assert check.decision["deadline"] == "2024-10-25"
    assert check.decision["period"] == "15个工作日"
    supplement = engine.evaluate("2024年9月30日收到通知需要补充完善材料，最晚哪天提交？", date(2024, 9, 30))
    assert supplement.decision["deadline"] == "2024-10-18"
    assert supplement.decision["period"] == "10个工作日"


def test_assessment_validity_before_and_after_2024(engine):
    new = engine.evaluate("我们2024年5月10日通过了数据出境安全评估，评估结果有效期到哪天？", date(2024, 6, 1))
    assert new.decision["period"] == "3年" and new.decision["deadline"] == "2027-05-10"
    assert "extension_window_opens" in new.decision
    assert new.warnings  # 2027 has no official calendar yet
    old = engine.evaluate("我们2023年5月10日通过了数据出境安全评估，评估结果有效期到哪天？", date(2023, 6, 1))
    assert old.decision["period"] == "2年"
    assert old.decision["corresponding_day"] == "2025-05-10"  # a Saturday
    assert old.decision["deadline"] == "2025-05-12"  # Art. 203
    assert "civil_code_periods#第二百零三条" in {c.key for c in old.citations}
    assert old.decision["reapply_by"] < old.decision["deadline"]


def test_certificate_renewal_from_2026(engine):
    question = "我们的个人信息出境认证证书是2026年3月15日出具的，到期后还想继续用，最晚哪天要提出认证申请？"
    result = engine.evaluate(question, date(2026, 11, 27))
    article = {c.key: c.quote for c in result.citations}["certification_measures#第八条"]
    assert "有效期为3年" in article and "届满前6个月" in article  # the numbers come from the article
    assert result.decision["deadline"] == "2029-03-15"  # 3 years, first day not counted
    assert result.decision["apply_by"] == "2028-09-15"  # 6 months back from the last day
    assert "出具之日起算" in result.statement  # the article leaves the start open: say what was assumed
    # no corresponding day six months back: the month's last day
    month_end = engine.evaluate("Our certificate was issued on 2026-08-31. By when must we apply to renew it?",
                                date(2026, 11, 27))
    assert month_end.decision["deadline"] == "2029-08-31" and month_end.decision["apply_by"] == "2029-02-28"
    # before the Certification Measures took effect there is no such rule
    assert engine.evaluate(question, date(2025, 6, 1)) is None
    asks = engine.evaluate("认证证书到期后还想继续用，最晚哪天要提出认证申请？", date(2026, 11, 27))
    assert asks.missing_facts == ("certificate_date",)
    again = engine.evaluate("认证证书2026年3月1日出具，最晚哪天要重新申请？", date(2026, 11, 27))
    assert again.decision["apply_by"] == "2028-09-01"
    # how long before, not which day: the article answers it, no date is needed
    assert engine.evaluate("认证证书快到期了想续，最晚要提前多久提申请？", date(2026, 11, 27)) is None


def test_asking_how_many_days_at_the_latest_is_a_length_not_a_date(engine, assistant):
    for question in ("标准合同签好以后，最晚多少天之内得去备案？", "合同生效后最迟几个工作日内要备案？"):
        # no date to compute: the article itself answers, quoted by retrieval
        assert engine.evaluate(question, date(2026, 11, 27)) is None, question
        answer = assistant.ask(question, "2026-11-27")
        assert answer.outcome == "answered" and "10个工作日" in answer.answer
        assert "measures#第七条" in [c.key for c in answer.citations]
    # which day still needs the day the contract took effect
    assert engine.evaluate("标准合同签好以后，最晚哪天得去备案？", date(2026, 11, 27)).missing_facts


def test_remediation_period(engine):
    result = engine.evaluate("《办法》施行前已经开展的出境活动，整改期最晚到哪天？", date(2024, 6, 1))
    assert result.decision["deadline"] == "2023-12-01"
    # the Security Assessment Measures' own transition (Art. 20) is not this rule's
    other = "数据出境安全评估办法2022年9月施行之前，我们就已经在往境外传数据了，当时的整改期到哪天？"
    assert engine.evaluate(other, date(2024, 6, 1)) is None
    assert result.decision["period"] == "6个月"


def test_asking_for_a_date_without_one_needs_it(engine):
    result = engine.evaluate("标准合同最晚哪天要备案？", date(2024, 6, 1))
    assert result.missing_facts == ("contract_effective_date",)
    assert result.decision == {}
    assert "10个工作日" in result.statement


@pytest.mark.parametrize(
    "question",
    ["标准合同签了以后多久要备案？", "备案需要多长时间？", "How long do we have to file the standard contract?"],
)
def test_asking_how_long_is_left_to_retrieval(engine, question):
    assert engine.evaluate(question, date(2024, 6, 1)) is None


def test_signing_date_is_used_with_a_note(engine):
    result = engine.evaluate("标准合同2024年9月30日签署，最晚哪天备案？", date(2024, 9, 30))
    assert result.decision["deadline"] == "2024-10-18"
    assert "签署日期" in result.statement


def test_a_counting_date_is_not_the_contract_taking_effect(engine):
    question = ("公司没有被认定为关基运营者。2026年1月1日到现在，我们给新加坡的再保险经纪传过大约3.2万个车险客户的"
                "名字和手机号，没有敏感信息，也从没被告知过有重要数据。还用得着签标准合同再去备案吗？")
    result = engine.evaluate(question, date(2026, 11, 27))
    assert result.decision.get("mechanism") == "exempt" and "deadline" not in result.decision
    # a date given to the contract is still its start
    dated = engine.evaluate("标准合同2026年3月2日生效，最晚哪天备案？", date(2026, 11, 27))
    assert dated.decision["start"] == "2026-03-02"
    assert engine.evaluate("2026年1月1日以来，标准合同最晚哪天要备案？", date(2026, 11, 27)).missing_facts == (
        "contract_effective_date",
    )


def test_english_missing_documents_is_the_supplement_period(engine):
    question = ("The provincial CAC told us on 6 July 2026 (a Monday) that our SCC filing is missing documents "
                "and has to be completed. How long do we have?")
    result = engine.evaluate(question, date(2026, 11, 27))
    assert result.decision["topic"] == "supplement" and result.decision["deadline"] == "2026-07-20"


def test_a_certification_bodys_own_filing_is_left_to_the_texts(engine, assistant):
    question = "我们认证公司2026年5月11日拿到了个人信息保护认证资质，向国家网信办备案的截止日是哪天？"
    assert engine.evaluate(question, date(2026, 11, 27)) is None
    answer = assistant.ask(question, "2026-11-27")
    assert "certification_measures#第十二条" in [c.key for c in answer.citations]


def test_whether_a_last_day_on_a_holiday_moves_is_not_asking_for_a_date(engine, assistant):
    question = "If the last day of our filing window falls on the National Day holiday, does the deadline move?"
    assert engine.evaluate(question, date(2026, 11, 27)) is None
    assert "civil_code_periods#第二百零三条" in [c.key for c in assistant.ask(question, "2026-11-27").citations]
    # asking for the last day still asks for a date
    asked = engine.evaluate("What is the last day to file our standard contract?", date(2026, 11, 27))
    assert asked.missing_facts == ("contract_effective_date",)

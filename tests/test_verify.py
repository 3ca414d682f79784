"""Verification of generated answers: pure functions, hand-worked cases, no model, no index."""

from __future__ import annotations

import pytest

from assistant.claims import decision_conflicts
from assistant.numerals import parse_numeral
from assistant.quotes import match_quote
from assistant.verify import (
    check_draft,
    flatten,
    number_mentions,
    unsupported_numbers,
)

ART7 = (
    "个人信息处理者应当在标准合同生效之日起10个工作日内向所在地省级网信部门备案。备案应当提交以下材料：\n\n"
    "（一）标准合同；\n\n（二）个人信息保护影响评估报告。\n\n个人信息处理者应当对所备案材料的真实性负责。"
)
ART4 = (
    "个人信息处理者通过订立标准合同的方式向境外提供个人信息的，应当同时符合下列情形：\n\n（一）非关键信息基础设施运营者；\n\n"
    "（二）处理个人信息不满100万人的；\n\n（三）自上年1月1日起累计向境外提供个人信息不满10万人的；"
)


def tokens(text: str) -> list[str]:
    return [m.token for m in number_mentions(text)]


# --- quotes ---------------------------------------------------------------------------------


def test_exact_quote_returns_the_units_own_span():
    quote = "应当在标准合同生效之日起10个工作日内向所在地省级网信部门备案"
    assert match_quote(quote, ART7) == quote


@pytest.mark.parametrize(
    "quote",
    [
        "“应当在标准合同生效之日起10个工作日内向所在地省级网信部门备案。”",  # quote marks and stop added
        "应当在标准合同生效之日起 10 个工作日内向所在地省级网信部门备案",  # spaces added
        "应当在标准合同生效之日起１０个工作日内",  # full-width digits
        "备案应当提交以下材料:(一)标准合同;(二)个人信息保护影响评估报告",  # half-width punctuation, no line breaks
    ],
)
def test_whitespace_and_punctuation_width_are_forgiven(quote):
    span = match_quote(quote, ART7)
    assert span is not None and span in ART7


def test_a_quote_spanning_line_breaks_keeps_them():
    span = match_quote("（一）标准合同；（二）个人信息保护影响评估报告", ART7)
    assert span == "（一）标准合同；\n\n（二）个人信息保护影响评估报告"


@pytest.mark.parametrize(
    "quote",
    [
        "应当在标准合同生效之日起15个工作日内向所在地省级网信部门备案",  # a changed number
        "应当在标准合同签订之日起10个工作日内",  # a changed word
        "应当在标准合同生效之日起……备案",  # an ellipsis
        "",
        "。",
    ],
)
def test_altered_quotes_are_rejected(quote):
    assert match_quote(quote, ART7) is None


# --- numbers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10个工作日内", ["q:10:workday"]),
        ("十个工作日", ["q:10:workday"]),
        ("15个工作日", ["q:15:workday"]),
        ("10日", ["q:10:day"]),
        ("处理100万人以上", ["q:1000000:person"]),
        ("一百万人", ["q:1000000:person"]),
        ("1.5万人", ["q:15000:person"]),
        ("不满10万人", ["q:100000:person"]),
        ("3年", ["q:3:year"]),
        ("三年", ["q:3:year"]),
        ("两个月", ["q:2:month"]),
        ("2024-10-18", ["date:2024-10-18"]),
        ("2024年10月18日", ["date:2024-10-18"]),
        ("二〇二四年三月二十二日", ["date:2024-03-22"]),
        ("2024年3月", ["ym:2024-03"]),
        ("自当年1月1日起", ["md:01-01"]),
        ("within 10 working days", ["q:10:workday"]),
        ("1 million people", ["q:1000000:person"]),
        ("100,000 individuals", ["q:100000:person"]),
        ("October 18, 2024", ["date:2024-10-18"]),
        ("5%", ["q:5:percent"]),
    ],
)
def test_numbers_amounts_periods_and_dates(text, expected):
    assert tokens(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "依据第七条和第一款、第2项",
        "见问4和附录一",
        "（一）标准合同；（二）评估报告",
        "measures#第七条 与 qa_2023#问4 和 filing_guide_v2#二、备案方式",
        "一般个人信息应统一处理，十分重要，之一",
        "Article 38 of the PIPL and Articles 5, 7 and 8",
        "1. 先订立合同\n2. 再备案",
    ],
)
def test_references_and_words_are_not_numbers(text):
    assert tokens(text) == []


def test_chinese_numerals():
    assert parse_numeral("十五") == 15
    assert parse_numeral("一百万") == 1_000_000
    assert parse_numeral("两万") == 20_000
    assert parse_numeral("二〇二四") == 2024
    assert parse_numeral("一般") is None


def test_a_changed_period_is_unsupported():
    missing = unsupported_numbers("应在15个工作日内备案。", [ART7])
    assert [m.raw for m in missing] == ["15个工作日"]
    assert unsupported_numbers("应在10个工作日内备案。", [ART7]) == []


def test_a_period_needs_the_same_unit():
    # 10 calendar days is not 10 working days.
    assert [m.raw for m in unsupported_numbers("应在10日内备案", [ART7])] == ["10日"]


def test_chinese_and_arabic_forms_support_each_other():
    assert unsupported_numbers("应在十个工作日内备案", [ART7]) == []
    assert unsupported_numbers("处理个人信息不满一百万人", [ART4]) == []


def test_a_full_date_supports_its_year_and_month():
    assert unsupported_numbers("截至2024年10月，2024年适用", ["2024-10-18"]) == []
    assert unsupported_numbers("截至2025年", ["2024-10-18"]) != []


def test_bare_numbers_from_a_decision_support_a_unit():
    support = flatten({"deadline": "2024-10-18", "working_days": 10})
    assert support == ["2024-10-18", "10"]
    assert unsupported_numbers("最迟2024年10月18日，即10个工作日内", support) == []


# --- decisions -------------------------------------------------------------------------------


def test_an_assertion_of_another_mechanism_conflicts():
    assert decision_conflicts("贵公司可以签标准合同。", "security_assessment")
    assert decision_conflicts("You can simply sign the standard contract.", "security_assessment")
    assert decision_conflicts("无需订立标准合同，属于免予情形。", "standard_contract_or_certification")


@pytest.mark.parametrize(
    "text",
    [
        "关键信息基础设施运营者应当申报数据出境安全评估，不能签标准合同。",
        "贵公司不可以通过订立标准合同的方式出境。",
        "若处理个人信息不满100万人，则可以签标准合同。",  # conditional: not a claim about this case
        "本条规定了出境安全评估的适用情形。",
    ],
)
def test_negated_conditional_or_neutral_mentions_do_not_conflict(text):
    assert decision_conflicts(text, "security_assessment") == []


def test_no_decision_no_conflict():
    assert decision_conflicts("可以签标准合同。", None) == []


# --- one draft --------------------------------------------------------------------------------

GIVEN = {"measures#第七条": ART7, "measures#第四条": ART4}


def test_a_good_draft_passes():
    checked = check_draft(
        "应在标准合同生效之日起10个工作日内备案。",
        [("measures#第七条", "应当在标准合同生效之日起10个工作日内向所在地省级网信部门备案。")],
        GIVEN,
    )
    assert checked.problems == () and checked.text_supported
    assert checked.citations[0].quote == "应当在标准合同生效之日起10个工作日内向所在地省级网信部门备案"


def test_an_invented_key_is_dropped_and_reported():
    checked = check_draft(
        "应在10个工作日内备案。",
        [
            ("measures#第七条", "标准合同生效之日起10个工作日内"),
            ("measures#第九十九条", "标准合同生效之日起10个工作日内"),
        ],
        GIVEN,
    )
    assert [c.key for c in checked.citations] == ["measures#第七条"]
    assert [(p.kind, p.key) for p in checked.problems] == [("unknown_key", "measures#第九十九条")]
    assert checked.text_supported


def test_a_number_only_in_a_dropped_citation_is_unsupported():
    checked = check_draft("应在10个工作日内备案。", [("measures#第七条", "标准合同生效之日起10天内")], GIVEN)
    kinds = [p.kind for p in checked.problems]
    assert kinds == ["quote_not_verbatim", "unsupported_number", "no_valid_citation"]
    assert not checked.text_supported


def test_too_short_quotes_do_not_count():
    checked = check_draft("需要备案。", [("measures#第七条", "备案")], GIVEN)
    assert [p.kind for p in checked.problems] == ["quote_too_short", "no_valid_citation"]


def test_a_rule_answer_needs_no_citation_of_its_own_but_must_agree():
    ok = check_draft(
        "这是因为贵公司是关键信息基础设施运营者。", [], GIVEN, mechanism="security_assessment", require_citation=False
    )
    assert ok.text_supported and ok.problems == ()
    bad = check_draft("可以签标准合同。", [], GIVEN, mechanism="security_assessment", require_citation=False)
    assert not bad.text_supported and [p.kind for p in bad.problems] == ["decision_conflict"]


def test_duplicate_citations_are_kept_once():
    quote = "标准合同生效之日起10个工作日内"
    checked = check_draft("10个工作日内。", [("measures#第七条", quote), ("measures#第七条", quote)], GIVEN)
    assert len(checked.citations) == 1

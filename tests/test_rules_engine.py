"""The engine's contract: when it declines, and the shape of every RuleResult it returns."""

import json
import re
from datetime import date
from pathlib import Path

import pytest

from assistant.corpus import load_corpus
from assistant.rules import RuleEngine, load_rule_table
from assistant.types import MECHANISMS

CORPUS = Path(__file__).parent.parent / "corpus"
AS_OF = date(2024, 6, 1)


@pytest.fixture(scope="module")
def corpus():
    return load_corpus(CORPUS)


@pytest.fixture(scope="module")
def engine(corpus):
    return RuleEngine(corpus, load_rule_table())


@pytest.mark.parametrize(
    "question",
    [
        "标准合同包括哪些内容？",
        "个保法第三十九条规定了什么",
        "标准合同多久要备案？",
        "个人信息出境标准合同包括哪些内容？",
        "What does the standard contract contain?",
        # A mechanism is named, but the question is not which mechanism applies.
        "境外接收方一直违约，我们可以把标准合同解除吗？",
        "传到境外的员工信息里有未成年人的，监护人的同意应该由谁来签？",
        "往境外传数据的几家子公司，能不能由母公司统一申报？",
        # With no fact stated, a mechanism inside an information question is not a route question.
        "我们向境外提供个人信息，如果必须申报安全评估，要准备哪些材料？",
        "We transfer personal information abroad. Once certified, how long does it last before we must apply again?",
        # Doing a mechanism again after a change is Measures Art. 8, not a choice of route.
        "我们向境外提供个人信息的保存地点变了，需要重新订立标准合同吗？",
        # The route is a premise, not the question.
        "即使我们向境外提供个人信息不需要申报安全评估，也要取得个人的单独同意吗？",
        "Even if we are exempt from filing a standard contract, must we still tell people before transferring their data abroad?",
        # Whether data counts as important data is Provisions Art. 2's question, not a route.
        "我们公司从来没有被主管部门通知过哪些数据属于重要数据，那数据出境时还需要按重要数据去申报安全评估吗？",
        "我们内部觉得有几类数据可能算重要数据，但主管部门从来没有通知过我们。出境时要按重要数据去申报安全评估吗？",
        "“重要数据”在数据出境安全评估办法里是怎么定义的？",
        # A question about a certification body's procedure or duties decides no route.
        "拟委托的认证机构称已取得认证资质。其开展出境认证前还须向哪个部门办理什么手续？",
        "If the certification body, during its audit, finds that our transfer breaks Chinese law, is it required to "
        "tell the authorities?",
        "",
        "   ",
    ],
)
def test_not_a_rule_question(engine, question):
    assert engine.evaluate(question, AS_OF) is None


@pytest.mark.parametrize(
    "question",
    ["我们要往境外传个人信息，要不要签标准合同？", "向境外提供个人信息，能不能用认证代替标准合同？", "我们要向境外提供个人信息，需要先签吗？"],
)
def test_asking_whether_a_mechanism_is_needed_or_usable_is_a_path_question(engine, question):
    result = engine.evaluate(question, AS_OF)
    assert result is not None and result.id == "R-TRANSFER-2024"


QUESTIONS = [
    ("我们不是关基，今年向境外提供了15万人的个人信息，不含敏感个人信息，走哪条路？", AS_OF),
    ("我们今年向境外提供了8万人的个人信息，走哪条路？", AS_OF),
    (
        "我们不是关基，自上年1月1日起累计向境外提供了8万人的个人信息，不含敏感个人信息，处理个人信息50万人，要签标准合同吗？",
        date(2023, 3, 1),
    ),
    (
        "我们不是关基，处理个人信息50万人，自上年1月1日起累计向境外提供了8万人的个人信息，不含敏感个人信息，需要申报安全评估吗？",
        date(2023, 10, 1),
    ),
    ("标准合同于2024年9月30日生效，最晚哪天备案？", date(2024, 9, 30)),
    ("标准合同2026年12月25日生效，最晚哪天要完成备案？", date(2026, 12, 25)),
    (
        "We are not a CIIO and sent personal information of 150,000 people abroad this year, no sensitive data. Whic"
        "h mechanism?",
        AS_OF,
    ),
    ("标准合同最晚哪天要备案？", AS_OF),
]


@pytest.mark.parametrize(("question", "as_of"), QUESTIONS)
def test_result_shape(engine, corpus, question, as_of):
    result = engine.evaluate(question, as_of)
    assert result is not None
    assert re.fullmatch(r"R-[A-Z0-9-]+", result.id) and result.version >= 1
    json.dumps(result.to_dict(), ensure_ascii=False)  # JSON-serialisable throughout
    assert result.citations
    for c in result.citations:
        unit = corpus.units[c.key]
        assert c.quote and c.quote in unit.text
        assert c.title == corpus.title_of(c.key)
        assert c.locator == unit.locator
    if result.missing_facts:
        assert result.decision == {}
    mechanism = result.decision.get("mechanism")
    assert mechanism is None or mechanism in MECHANISMS
    assert result.statement


def test_statement_numbers_are_the_rules_numbers(engine):
    table = load_rule_table()
    result = engine.evaluate(QUESTIONS[0][0], AS_OF)
    rule = next(r for r in table.rules if r.id == result.id)
    numbers = {q.text for _, q in rule.numbers}
    found = set(re.findall(r"\d+万", result.statement)) - {"15万"}  # 15万 is the question's own figure
    assert found and found <= numbers


def test_english_and_chinese_statements(engine):
    zh = engine.evaluate(QUESTIONS[4][0], date(2024, 9, 30))
    en = engine.evaluate(
        "The standard contract took effect on 2024-09-30. What is the last day to file it?", date(2024, 9, 30)
    )
    assert zh.decision["deadline"] == en.decision["deadline"] == "2024-10-18"
    assert "最后一日为2024-10-18" in zh.statement
    assert "2024-10-18" in en.statement and en.statement.startswith("As of")


def test_results_do_not_depend_on_earlier_questions(engine):
    q, as_of = QUESTIONS[0]
    first = engine.evaluate(q, as_of)
    engine.evaluate(QUESTIONS[5][0], QUESTIONS[5][1])
    assert engine.evaluate(q, as_of) == first


def test_needs_facts_statement_names_what_is_missing(engine):
    result = engine.evaluate(QUESTIONS[1][0], AS_OF)
    assert set(result.missing_facts) == {"ciio", "count_sensitive"}
    assert "关键信息基础设施运营者" in result.statement and "敏感个人信息人数" in result.statement

"""Counts that cannot be numbers of people are marked by the facts reader, and the engine asks
for a real count instead of deciding from them."""

from datetime import date
from pathlib import Path

import pytest

from assistant.corpus import load_corpus
from assistant.rules import RuleEngine, extract_facts, load_rule_table

AS_OF = date(2025, 6, 1)


@pytest.mark.parametrize(
    ("question", "written"),
    [
        ("我们不是关基，今年向境外提供了-5万人的个人信息，走哪条路？", "-5万"),
        ("我们不是关基，今年向境外提供了负5万人的个人信息，走哪条路？", "负5万"),
        ("我们不是关基，今年向境外提供了10^12人的个人信息，走哪条路？", "10^12"),
        ("我们不是关基，今年向境外提供了99999999999999人的个人信息，走哪条路？", "99999999999999"),
        # digits split by a separator nobody uses for grouping here, or by a blank
        ("我们不是关基，今年向境外提供了1'500'000人的个人信息，走哪条路？", "1'500'000"),
        ("我们不是关基，今年向境外提供了1.200.000人的个人信息，走哪条路？", "1.200.000"),
        ("我们不是关基，今年向境外提供了1 5万人的个人信息，走哪条路？", "1 5万"),
        ("我们不是关基，今年向境外提供了1\n5万人的个人信息，走哪条路？", "1\n5万"),
        ("我们不是关基，今年向境外提供了1\u28005万人的个人信息，走哪条路？", "1\u28005万"),
    ],
)
def test_impossible_counts_are_marked_and_not_decided(question, written):
    facts = extract_facts(question, AS_OF)
    assert [c.impossible for c in facts.counts] == [True]
    assert facts.counts[0].raw == written
    engine = RuleEngine(load_corpus(Path(__file__).resolve().parent.parent / "corpus"), load_rule_table())
    result = engine.evaluate(question, AS_OF)
    assert result.decision == {} and result.missing_facts == ("count_general",)
    assert f"“{written}”不是明确、可能的人数" in result.statement


@pytest.mark.parametrize("question", [
    "我们今年向境外提供了10-20万人的个人信息", "今年向境外提供了15万人的个人信息",
    "In 2024 150,000 people's personal information went abroad", "今年向境外提供了150 000人的个人信息",
])
def test_ranges_and_plain_counts_are_possible(question):
    assert not any(c.impossible for c in extract_facts(question, AS_OF).counts)

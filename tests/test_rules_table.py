"""The rule table is reviewed data: every number is verbatim in a unit it cites."""

import itertools
from dataclasses import replace
from pathlib import Path

import pytest

from assistant.corpus import load_corpus
from assistant.rules import RuleEngine, RuleTableError, check_table, load_rule_table
from assistant.rules.table import Quote

CORPUS = Path(__file__).parent.parent / "corpus"


@pytest.fixture(scope="module")
def corpus():
    return load_corpus(CORPUS)


@pytest.fixture(scope="module")
def table():
    return load_rule_table()


def test_every_cited_key_exists_and_is_law(corpus, table):
    for rule in table.rules:
        assert rule.cites, rule.id
        for key in rule.cites:
            assert key in corpus.units, (rule.id, key)
            assert corpus.instruments[corpus.units[key].doc_id].citable, (rule.id, key)


def test_every_number_is_verbatim_in_a_unit_it_cites(corpus, table):
    seen = set()
    for rule in table.rules:
        for name, q in rule.numbers:
            assert q.key in rule.cites, (rule.id, name)
            assert q.text in corpus.units[q.key].text, (rule.id, name, q.text, q.key)
            seen.add(q.text)
    # The numbers the law writes, as it writes them.
    assert {"10万", "100万", "1万", "10个工作日", "15个工作日", "3年", "2年", "60个工作日", "6个月"} <= seen


def test_every_quote_is_verbatim(corpus, table):
    for rule in table.rules:
        for name, q in rule.quotes:
            assert q.text in corpus.units[q.key].text, (rule.id, name)


def test_check_table_finds_no_problem(corpus, table):
    assert check_table(table, corpus) == []


def test_numbers_read_as_values(table):
    transfer = table.find("transfer", "transfer", __import__("datetime").date(2024, 6, 1))
    assert transfer.id == "R-TRANSFER-2024"
    assert transfer.amount("assessment_general") == 1_000_000
    assert transfer.amount("exempt_general_below") == 100_000
    assert transfer.amount("assessment_sensitive") == 10_000
    filing = table.find("deadline", "filing", __import__("datetime").date(2024, 6, 1))
    assert (filing.period().amount, filing.period().unit) == (10, "workday")


def test_rules_have_ids_versions_and_ranges(table):
    ids = [r.id for r in table.rules]
    assert len(ids) == len(set(ids))
    assert {"R-TRANSFER-2022", "R-TRANSFER-2023", "R-TRANSFER-2024"} <= set(ids)
    for rule in table.rules:
        assert isinstance(rule.version, int) and rule.version >= 1
        assert rule.valid_until is None or rule.valid_from <= rule.valid_until


def test_transfer_rules_are_contiguous_from_2022_09_01(table):
    rules = sorted((r for r in table.rules if r.family == "transfer"), key=lambda r: r.valid_from)
    assert str(rules[0].valid_from) == "2022-09-01"
    for a, b in itertools.pairwise(rules):
        assert (b.valid_from - a.valid_until).days == 1
    assert rules[-1].valid_until is None
    # the Provisions from 2024-03-22, the Network Data Regulation beside them from 2025-01-01,
    # the amended Cybersecurity Law's article from 2026-01-01
    assert [str(r.valid_from) for r in rules[2:]] == ["2024-03-22", "2025-01-01", "2026-01-01"]


def test_engine_refuses_a_number_not_in_the_law(corpus, table):
    rule = table.rules[0]
    bad = replace(rule, numbers=((rule.numbers[0][0], Quote(rule.numbers[0][1].key, "11万")), *rule.numbers[1:]))
    broken = replace(table, rules=(bad, *table.rules[1:]))
    with pytest.raises(RuleTableError, match="not verbatim"):
        RuleEngine(corpus, broken)


def test_engine_refuses_an_unknown_key(corpus, table):
    rule = table.rules[0]
    broken = replace(table, rules=(replace(rule, cites=(*rule.cites, "measures#第九十九条")), *table.rules[1:]))
    with pytest.raises(RuleTableError, match="not in the corpus"):
        RuleEngine(corpus, broken)


def test_overlapping_rules_are_refused(corpus, table):
    rule = table.rules[0]
    twin = replace(rule, id=rule.id + "-TWIN")
    assert any("overlap" in p for p in check_table(replace(table, rules=(*table.rules, twin)), corpus))


def test_load_from_path_and_bad_toml(tmp_path):
    path = tmp_path / "rules.toml"
    path.write_text("[[rule]]\nid = 'X'\n", encoding="utf-8")
    with pytest.raises(RuleTableError, match="missing field"):
        load_rule_table(path)
    path.write_text("not toml [", encoding="utf-8")
    with pytest.raises(RuleTableError, match="TOML"):
        load_rule_table(path)

"""Questions written in Traditional characters or Cantonese are read as Simplified Mandarin."""

import json
from datetime import date
from pathlib import Path

import pytest

from assistant.reading import Reading
from assistant.rules.facts import extract_facts
from assistant.writing import Reader, canonical

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def reader() -> Reader:
    return Reader.load()


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("標準合同簽完多久要備案？", "标准合同签完多久要备案？"),
        # Cantonese denials must reach the rules as denials
        ("我哋唔係關鍵信息基礎設施運營者，冇敏感個人資料", "我们不是关键信息基础设施运营者，没有敏感个人资料"),
        ("使唔使簽標準合同？係咪要申報？", "需不需要签标准合同？是不是要申报？"),
        ("評估結果要幾耐先有？", "评估结果要多久先有？"),
        # 係 meaning "relation" or "coefficient" is not the copula
        ("關係 係數", "关系 系数"),
    ],
)
def test_traditional_and_cantonese_are_read_as_mandarin(reader, written, read):
    assert reader.read(written) == read


def test_simplified_questions_and_the_corpus_are_left_as_they_are(reader):
    # Every question of the evaluation sets written in Simplified characters (all but the
    # Traditional-character set) and every corpus file pass through unchanged.
    questions = [
        json.loads(line)["question"]
        for path in sorted([ROOT / "eval" / "gold.jsonl", *(ROOT / "eval" / "heldout").glob("*.jsonl")])
        if path.stem != "heldout36"
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    assert len(questions) > 2000
    # beyond the canonical form (NFKC, invisible characters out), Simplified text is kept
    assert [q for q in questions if reader.read(q) != canonical(q)] == []
    for path in (ROOT / "corpus").glob("*.md"):
        text = path.read_text(encoding="utf-8")
        assert reader.read(text) == canonical(text), path.name


@pytest.mark.parametrize(
    ("asked", "words", "typed"),
    [
        # Traditional characters, one for one
        ("我們今年傳了十五萬人嘅資料", "十五万人", "十五萬人"),
        # written Cantonese rewritten longer: 冇 is 没有, 係咪 是不是
        ("我哋冇敏感個人資料，係咪要簽？", "没有敏感", "冇敏感"),
        ("係咪要簽", "是不是", "係咪"),
        # full-width digits, an invisible character and a tab dropped or changed on the way
        ("已提供\u200b１５万人\t的信息", "15万人 的", "１５万人\t的"),
        # NFKC writes one character as several: each traces back to it
        ("ﬁle①份", "file1", "ﬁle①"),
    ],
)
def test_every_span_of_the_reading_is_shown_as_typed(reader, asked, words, typed):
    written = reader.written(asked)
    reading = Reading.of(written.text, asked=asked, origin=written.origin)
    start = reading.text.index(words)
    assert reading.typed(start, start + len(words)) == typed
    assert reading.typed(0, len(reading.text)) == asked.strip("\t")  # nothing typed is lost
    assert reading.typed(start, start) == ""


def test_a_conversion_that_changes_the_length_is_lined_up_by_what_it_left_unchanged(reader):
    class Widening:  # a converter that writes one character as two, as a phrase table may
        def convert(self, text):
            return text.replace("萬", "一万")

    widening = Reader(Widening(), reader.cantonese, reader.pattern)
    written = widening.written("傳了十五萬人")
    assert written.text == "傳了十五一万人"
    assert list(written.origin) == sorted(written.origin) and len(written.origin) == len(written.text)
    start = written.text.index("一万")
    assert [written.origin[start], written.origin[start + 1]] == [4, 4]  # both from 萬
    assert written.origin[written.text.index("人")] == 5


def test_a_reading_without_its_map_is_refused():
    with pytest.raises(ValueError):
        Reading.of("十五万人", asked="十五萬人")
    with pytest.raises(ValueError):
        Reading.of("十五万人", asked="十五萬人", origin=(0, 1))


def test_counts_and_dates_keep_the_words_as_typed(reader):
    asked = "我哋喺２０２６年３月２號簽咗標準合同，傳咗十五萬人嘅資料"
    written = reader.written(asked)
    facts = extract_facts(Reading.of(written.text, asked=asked, origin=written.origin), date(2026, 6, 1))
    assert [(c.raw, c.typed, c.value) for c in facts.counts] == [("十五万", "十五萬", 150000)]
    assert [(d.day, d.typed) for d in facts.dates] == [(date(2026, 3, 2), "２０２６年３月２號")]
    assert facts.to_dict()["dates"][0]["typed"] == "２０２６年３月２號"


def test_an_impossible_count_is_quoted_back_as_typed(assistant):
    answer = assistant.ask("我們今年向境外提供了－５萬人的個人資料，要走哪條路？", "2026-06-01")
    assert answer.outcome == "needs_facts"
    assert "“－５萬”" in answer.answer


def test_a_cantonese_route_question_is_decided_with_its_denials(assistant):
    question = (
        "我哋係深圳一間網購公司，唔係關鍵信息基礎設施運營者。今年1月1號起累計將大約6萬個內地客戶嘅"
        "姓名同電話傳咗去香港母公司做分析，冇敏感個人資料，亦冇重要數據。使唔使簽標準合同？"
    )
    answer = assistant.ask(question, "2026-06-01")
    assert answer.question == question  # shown as asked
    assert answer.outcome == "answered"
    assert answer.rule.decision["mechanism"] == "exempt"
    assert answer.rule.facts["ciio"] is False and answer.rule.facts["important_data"] is False
    assert "provisions_2024#第五条" in [c.key for c in answer.citations]


def test_a_cantonese_follow_up_carries_the_facts_forward(assistant):
    first = assistant.ask(
        "我哋唔係CIIO，今年1月1號起累計將大約6萬個內地客戶嘅個人資料傳去香港母公司，冇敏感個人資料，冇重要數據。"
        "使唔使簽標準合同？",
        "2026-06-01",
    )
    assert first.rule.decision["mechanism"] == "exempt"
    sensitive = assistant.ask("咁如果係敏感個人資料呢？", "2026-06-01", previous=first)
    assert sensitive.rule.decision["mechanism"] == "security_assessment"  # 6万 sensitive: Art. 7
    more = assistant.ask("如果人數係20萬呢？", "2026-06-01", previous=first)
    assert more.rule.decision["mechanism"] == "standard_contract_or_certification"


def test_a_question_in_traditional_characters_finds_the_filing_article(assistant):
    answer = assistant.ask("標準合同生效後幾多個工作日內要去備案？", "2025-06-01")
    cite = next(c for c in answer.citations if c.key == "measures#第七条")
    assert "10个工作日" in cite.quote


def test_the_greater_bay_areas_contract_named_in_traditional_characters_is_not_answered(assistant):
    answer = assistant.ask("粵港澳大灣區嗰份「個人信息跨境流動標準合同」同一般標準合同有咩分別？")
    assert answer.outcome == "not_covered" and answer.citations == ()
    assert answer.answer.startswith("本助手未收录《粤港澳大湾区（内地、香港）个人信息跨境流动标准合同》")

"""The one sentence splitter and the one reading of a question."""

import itertools
from datetime import date

import pytest

from assistant.dates import find_dates, resolve
from assistant.reading import Reading
from assistant.text import clause_spans, sentence_spans, sentences


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("标准合同签完多久要备案？生效后呢。", ["标准合同签完多久要备案？", "生效后呢。"]),
        # a run of marks closes one sentence; so does a line break
        ("真的吗？！好的\n下一句。\n", ["真的吗？！", "好的\n", "下一句。", "\n"]),
        ("We sent data abroad. Which route applies?", ["We sent data abroad.", " Which route applies?"]),
        # a full stop after a capital or a digit ends nothing
        ("The U.S. office got 3.5 million records", None),
        ("约3.5万人", None),
    ],
)
def test_sentences(text, expected):
    assert sentences(text) == (expected if expected is not None else [text])
    assert "".join(sentences(text)) == text


def test_sentence_spans_cover_the_text():
    text = "A公司。B公司；C公司?  D"
    spans = sentence_spans(text)
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(spans))


def test_clauses_end_at_commas_but_not_inside_a_number():
    text = "我们有150,000名用户，100人的敏感信息,其余不出境"
    assert [text[b:e] for b, e in clause_spans(text)] == ["我们有150,000名用户，", "100人的敏感信息,", "其余不出境"]


def test_a_reading_holds_numerals_dates_and_sentences_of_its_text():
    wide = "我们今年\uff13月5日签了合同。今年向境外提供了\uff11\uff10万人的信息？"  # full-width digits
    r = Reading.of(wide)
    assert r.asked == wide and not r.english
    assert [n.value for n in r.numerals if n.value >= 100] == [100_000]
    assert next(n.raw for n in r.numerals if n.value == 100_000) == "10万"  # digits folded
    assert [d.day for d in resolve(r.dates, date(2025, 6, 1))] == [date(2025, 3, 5)]
    assert [r.text[b:e] for b, e in r.sentences] == [wide[:13], wide[13:]]


def test_the_dates_of_a_reading_are_placed_on_the_as_of_date_later():
    r = Reading.of("合同下个月5号生效")
    assert [d.day for d in resolve(r.dates, date(2024, 12, 15))] == [date(2025, 1, 5)]
    assert [d.day for d in resolve(r.dates, date(2025, 3, 1))] == [date(2025, 4, 5)]
    assert resolve(r.dates, date(2025, 3, 1)) == find_dates(r.text, date(2025, 3, 1))


def test_blanked_words_take_their_numerals_and_dates_with_them():
    text = "朋友说他们传了20万人，2024年1月1日起算。我们传了5万人"
    cut = text.index("我们")
    blanked = " " * cut + text[cut:]
    r = Reading.of(text).outside(blanked)
    assert r.text == blanked
    assert [n.value for n in r.numerals] == [50_000]
    assert r.dates == ()
    assert Reading.of(text).outside(text) == Reading.of(text)

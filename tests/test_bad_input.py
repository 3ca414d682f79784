"""Bad input through every door: the Python API, the CLI (in-process and as a real process),
the batch mode and the web chat's submit handler.

Each kind of bad input gets either a clear message (``UsageError`` / exit code 2 / an error
object in the batch output / an error notice on the page) or a correct ``not_covered`` or
``needs_facts`` answer — never a traceback. Exit codes are those of ``assistant/cli.py``'s
docstring: 0 ok, 1 unexpected, 2 usage or input, 3 corpus, 4 index.

An impossible count of people ("-5万人", "10^12人", more people than live on Earth) must never
produce a confident rule decision: the answer is ``needs_facts`` asking for the real count.
An as-of date before 2021-11-01 (when the oldest text of the corpus, the PIPL, took effect) is
``not_covered``; a date outside 1990..2100 or not ``YYYY-MM-DD`` is a usage error.

The tables are the specification; one row per kind. The CLI tables run ``cli.main`` in-process
with the session's ``Assistant`` (loading one per call would cost seconds each); a handful of
real subprocess runs check what only a process shows (exit status, stderr, argv decoding).
"""

from __future__ import annotations

import gc
import json
import subprocess
import sys
import warnings
from datetime import date
from pathlib import Path

import pytest

from assistant import api as api_module
from assistant import cli
from assistant.api import today_in_china
from assistant.errors import UsageError
from assistant.messages import Messages
from assistant.types import OUTCOMES, Answer

MESSAGES = Messages.load()
NOT_COVERED_ZH, NOT_COVERED_EN = MESSAGES.texts["not_covered"]

ROOT = Path(__file__).resolve().parent.parent
FILING = "标准合同生效后多久要备案？"
PATH_Q = "我们不是关基，今年累计向境外提供了{n}人的个人信息，不含敏感个人信息，不涉及重要数据，走哪条路？"
NOT_TEXT_DATE = "YYYY-MM-DD"
FULL_WIDTH_DATE = "\uff12\uff10\uff12\uff14\uff0d\uff10\uff11\uff0d\uff10\uff11"  # 2024-01-01 in full-width digits


# --- the API: questions that are refused ------------------------------------------------------

REFUSED_QUESTIONS = [
    pytest.param("", "the question is empty", id="empty"),
    pytest.param(" \t\n\r\u3000 ", "the question is empty", id="whitespace-only"),
    pytest.param("\x00\x01\x1b\x7f", "the question is empty", id="only-control-chars"),
    pytest.param("问" * 10_000, "too long (10000 characters; at most 2000)", id="10000-chars"),
    pytest.param("问" * 2001, "too long (2001 characters; at most 2000)", id="2001-chars"),
    pytest.param("标准合同" + "\ud800" + "备案", "not valid text", id="lone-surrogate"),
    # invisible characters only: nothing is asked once the canonical form drops them
    pytest.param("\u200b\u200e\u202e\ufeff", "the question is empty", id="zero-width-and-bidi-only"),
    pytest.param(None, "the question must be text", id="none"),
    pytest.param(123, "the question must be text", id="number"),
    pytest.param(b"\xe6\xa0\x87\xe5\x87\x86", "the question must be text", id="bytes"),
    pytest.param(["标准合同"], "the question must be text", id="list"),
]


@pytest.mark.parametrize(("question", "message"), REFUSED_QUESTIONS)
def test_api_refuses_unusable_questions(assistant, question, message):
    with pytest.raises(UsageError) as raised:
        assistant.ask(question)
    assert message in str(raised.value)
    assert raised.value.exit_code == 2


REFUSED_DATES = [
    pytest.param("2024-02-30", NOT_TEXT_DATE, id="impossible-day"),
    pytest.param("2024-13-01", NOT_TEXT_DATE, id="impossible-month"),
    pytest.param("24-1-1", NOT_TEXT_DATE, id="short-form"),
    pytest.param(FULL_WIDTH_DATE, NOT_TEXT_DATE, id="full-width"),
    pytest.param("2024-01-01T00:00", NOT_TEXT_DATE, id="with-time"),
    pytest.param("2024/01/01", NOT_TEXT_DATE, id="slashes"),
    pytest.param("0000-00-00", NOT_TEXT_DATE, id="zeros"),
    pytest.param("3000-01-01", "outside 1990-01-01..2100-12-31", id="year-3000"),
    pytest.param("1900-01-01", "outside 1990-01-01..2100-12-31", id="year-1900"),
    pytest.param(20240101, "got int", id="number"),
]


@pytest.mark.parametrize(("as_of", "message"), REFUSED_DATES)
def test_api_refuses_unusable_dates(assistant, as_of, message):
    with pytest.raises(UsageError) as raised:
        assistant.ask(FILING, as_of)
    assert message in str(raised.value)


# --- the API: questions that are answered, correctly --------------------------------------------


def _answer_checks(answer, outcome: str, fragment: str, cites: str | None) -> None:
    assert answer.outcome == outcome, answer.answer
    assert fragment in answer.answer
    if outcome == "not_covered":
        assert answer.citations == ()  # say so, cite nothing
    if cites is not None:
        assert cites in [c.key for c in answer.citations]


ANSWERED = [
    # (question, as_of, outcome, fragment of the answer, a key that must be cited or None)
    pytest.param(
        "标准合同\x00生效后\x07多久要备案？\x1b[0m",
        "2025-06-01",
        "answered",
        "10个工作日",
        "measures#第七条",
        id="nul-and-control-chars",
    ),
    pytest.param("？？？！！。。。", "2025-06-01", "not_covered", NOT_COVERED_ZH, None, id="cjk-punctuation-only"),
    pytest.param("!!!???...;;;---", "2025-06-01", "not_covered", NOT_COVERED_ZH, None, id="ascii-punctuation-only"),
    pytest.param("😀🤔🙏💥", "2025-06-01", "not_covered", NOT_COVERED_ZH, None, id="emoji-only"),
    pytest.param(
        "🤔 " + FILING + " 🙏", "2025-06-01", "answered", "10个工作日", "measures#第七条", id="emoji-around-question"
    ),
    pytest.param(
        "標準合同生效後多久要備案？ standard contract filing deadline?",
        "2025-06-01",
        "answered",
        "10个工作日",
        None,
        id="traditional-and-english",
    ),
    pytest.param(
        "\u202e" + FILING, "2025-06-01", "answered", "10个工作日", "measures#第七条", id="bidi-override-prefix"
    ),
    pytest.param("<script>alert(1)</script>", "2025-06-01", "not_covered", NOT_COVERED_EN, None, id="script-tag"),
    pytest.param("<img src=x onerror=alert(1)>", "2025-06-01", "not_covered", NOT_COVERED_EN, None, id="img-onerror"),
    pytest.param(
        "**粗体** [点我](javascript:alert(1)) `code`",
        "2025-06-01",
        "not_covered",
        NOT_COVERED_EN,
        None,
        id="markdown-injection",
    ),
    pytest.param("'; DROP TABLE answers; --", "2025-06-01", "not_covered", NOT_COVERED_EN, None, id="sql-only"),
    pytest.param(
        "标准合同备案 ' OR '1'='1' --", "2025-06-01", "answered", "备案", None, id="sql-with-question"
    ),
    # "DELETE" is also a word of the subject (erasure, 删除): the statement is answered as
    # text, with whatever it matches, and nothing is executed.
    pytest.param(
        "标准合同备案 ' OR 1=1; DELETE FROM feedback --", "2025-06-01", "answered", "删除", None, id="sql-delete"
    ),
    pytest.param(
        "《办法》第九十九条规定了什么？", "2025-06-01", "not_covered", "没有第九十九条", None, id="measures-art-99"
    ),
    pytest.param(
        "标准合同第十二条规定了什么？", "2025-06-01", "not_covered", "没有第十二条", None, id="contract-art-12"
    ),
    pytest.param("个保法第一百条规定了什么？", "2025-06-01", "not_covered", "没有第一百条", None, id="pipl-art-100"),
    pytest.param(
        "What does Article 99 of the Measures say?",
        "2025-06-01",
        "not_covered",
        "has no 第九十九条",
        None,
        id="english-art-99",
    ),
    pytest.param(
        FILING, "1999-01-01", "not_covered", "截至1999-01-01，本助手收录的官方文本均尚未施行", None, id="as-of-1999"
    ),
    pytest.param(FILING, "2021-10-31", "not_covered", "自2021-11-01起施行", None, id="as-of-day-before-pipl"),
    pytest.param(PATH_Q.format(n="15万"), "1990-01-01", "not_covered", "尚未施行", None, id="rule-question-as-of-1990"),
    pytest.param(
        "Which mechanism applies to a CIIO?",
        "2000-06-01",
        "not_covered",
        "none of the texts",
        None,
        id="english-as-of-2000",
    ),
    pytest.param(FILING, "2099-12-31", "answered", "截至2099-12-31", "measures#第七条", id="as-of-2099"),
]


@pytest.mark.parametrize(("question", "as_of", "outcome", "fragment", "cites"), ANSWERED)
def test_api_answers_odd_questions_correctly(assistant, question, as_of, outcome, fragment, cites):
    answer = assistant.ask(question, as_of)
    _answer_checks(answer, outcome, fragment, cites)
    assert answer.as_of == date.fromisoformat(as_of)
    assert not any(ch in answer.question for ch in "\x00\x07\x1b")  # control characters are gone
    if "<" in question or "'" in question:
        assert answer.question == question.strip()  # echoed literally, not sanitised into something else


def test_api_empty_and_missing_dates_mean_today_in_china(assistant):
    # the web chat's as-of box starts empty, and a blank one is as good as an empty one
    for as_of in (None, "", "  "):
        assert assistant.ask(FILING, as_of).as_of == today_in_china()


def test_pipl_effective_day_is_covered(assistant):
    answer = assistant.ask("个人信息保护影响评估应当包括哪些内容？", "2021-11-01")
    assert answer.outcome == "answered"
    assert "pipl#第五十六条" in [c.key for c in answer.citations]


# --- impossible counts: never a confident decision ----------------------------------------------

IMPOSSIBLE_COUNTS = [
    # (question, what the answer quotes back, the missing fact)
    pytest.param(PATH_Q.format(n="-5万"), "“-5万”", "count_general", id="minus-5wan"),
    pytest.param(PATH_Q.format(n="负5万"), "“负5万”", "count_general", id="fu-5wan"),
    # read in the canonical form (NFKC), quoted back as the asker typed it
    pytest.param(PATH_Q.format(n="－５万"), "“－５万”", "count_general", id="full-width-minus"),
    pytest.param(PATH_Q.format(n="10^12"), "“10^12”", "count_general", id="power-caret"),
    pytest.param(PATH_Q.format(n="10**12"), "“10**12”", "count_general", id="power-stars"),
    pytest.param(PATH_Q.format(n="1e12"), "“1e12”", "count_general", id="e-notation"),
    pytest.param(PATH_Q.format(n="99999999999999"), "“99999999999999”", "count_general", id="14-nines"),
    pytest.param(PATH_Q.format(n="1.5亿亿"), "“1.5亿亿”", "count_general", id="yi-yi"),
    pytest.param(PATH_Q.format(n="100亿"), "“100亿”", "count_general", id="more-than-world"),
    pytest.param(
        "我们向境外提供了99999999999999人的个人信息", "“99999999999999”", "count_general", id="bare-huge-count"
    ),
    pytest.param("-5万人的个人信息出境，我们不是关基，走哪条路？", "“-5万”", "count_general", id="minus-at-start"),
    pytest.param(
        "我们是关基，今年向境外提供了5万人的个人信息，另有-3000人的敏感个人信息，走哪条路？",
        "“-3000”",
        "count_sensitive",
        id="negative-sensitive-count",
    ),
    pytest.param(
        "We are not a CIIO and transferred personal information of -50,000 people abroad this year, "
        "no sensitive personal information. Which mechanism applies?",
        "“-50,000” is not a clear, possible number of people",
        "count_general",
        id="english-negative",
    ),
]


@pytest.mark.parametrize(("question", "quoted", "missing"), IMPOSSIBLE_COUNTS)
def test_impossible_counts_ask_for_the_real_count(assistant, question, quoted, missing):
    answer = assistant.ask(question, "2025-06-01")
    assert answer.outcome == "needs_facts"
    assert answer.rule is not None
    assert dict(answer.rule.decision) == {}  # no mechanism, no confident decision
    assert answer.rule.missing_facts == (missing,)
    assert quoted in answer.answer
    assert answer.citations == ()
    for claim in ("结论", "Conclusion", "免予申报", "exempt"):
        assert claim not in answer.answer


@pytest.mark.parametrize(
    ("count", "mechanism"),
    [
        pytest.param("10-20万", "standard_contract_or_certification", id="range-dash-is-not-minus"),
        pytest.param("10 - 20万", "standard_contract_or_certification", id="spaced-range-dash"),
        pytest.param("0", "exempt", id="zero-is-possible"),
        pytest.param("80亿", "security_assessment", id="eight-billion-is-possible"),
        pytest.param("15万", "standard_contract_or_certification", id="plain"),
    ],
)
def test_possible_counts_still_decide(assistant, count, mechanism):
    answer = assistant.ask(PATH_Q.format(n=count), "2025-06-01")
    assert answer.outcome == "answered"
    assert answer.rule.decision["mechanism"] == mechanism


def test_follow_up_with_an_impossible_count_is_not_decided(assistant):
    first = assistant.ask(PATH_Q.format(n="15万"), "2025-06-01")
    assert first.rule.decision["mechanism"] == "standard_contract_or_certification"
    second = assistant.ask("那如果是-150万人呢？", "2025-06-01", previous=first)
    assert second.outcome == "needs_facts"
    assert dict(second.rule.decision) == {}
    assert "-150万" in second.answer


# --- the CLI, in-process --------------------------------------------------------------------------


@pytest.fixture
def run_cli(assistant, monkeypatch, capsys):
    """``cli.main(argv)`` with the session's Assistant; returns (exit code, stdout, stderr)."""
    monkeypatch.setattr(api_module.Assistant, "from_config", classmethod(lambda cls, *args, **kwargs: assistant))
    for name in ("ASSISTANT_CORPUS_DIR", "ASSISTANT_PORT", "ASSISTANT_EMBEDDER"):  # the paths stay the session's
        monkeypatch.delenv(name, raising=False)

    def run(*argv: str) -> tuple[int, str, str]:
        code = cli.main(list(argv))
        out, err = capsys.readouterr()
        assert "Traceback" not in err and "Traceback" not in out
        return code, out, err

    return run


CLI_USAGE_ERRORS = [
    # (argv, fragment of the message on stderr)
    pytest.param(["ask"], "the question is empty", id="no-question"),
    pytest.param(["ask", ""], "the question is empty", id="empty"),
    pytest.param(["ask", "  \t "], "the question is empty", id="whitespace"),
    pytest.param(["ask", "\x01\x02\x1b"], "the question is empty", id="only-control"),
    pytest.param(["ask", "问" * 10_000], "too long (10000 characters", id="10000-chars"),
    pytest.param(["ask", "标准合同\udcff备案"], "not valid text", id="undecodable-argv"),
    pytest.param(["ask", "--as-of", "2024-02-30", FILING], NOT_TEXT_DATE, id="date-2024-02-30"),
    pytest.param(["ask", "--as-of", "24-1-1", FILING], NOT_TEXT_DATE, id="date-24-1-1"),
    pytest.param(["ask", "--as-of", FULL_WIDTH_DATE, FILING], NOT_TEXT_DATE, id="date-full-width"),
    pytest.param(["ask", "--as-of", "2024-01-01T00:00", FILING], NOT_TEXT_DATE, id="date-with-time"),
    pytest.param(["ask", "--as-of", "3000-01-01", FILING], "outside 1990-01-01..2100-12-31", id="date-3000"),
    pytest.param(
        ["ask", "--json", "--as-of", "2024-02-30", "--batch", "whatever.jsonl"],
        NOT_TEXT_DATE,
        id="batch-bad-date-first",
    ),
    pytest.param(["ask", "--batch", "/nonexistent/batch.jsonl"], "cannot read batch file", id="batch-missing-file"),
    pytest.param(["ask", "--batch", "/"], "cannot read batch file", id="batch-is-a-folder"),
    pytest.param(["ask", "--batch", "x.jsonl", FILING], "not both", id="batch-and-question"),
]


@pytest.mark.parametrize(("argv", "message"), CLI_USAGE_ERRORS)
def test_cli_usage_errors_exit_2_with_a_message(run_cli, argv, message):
    code, out, err = run_cli(*argv)
    assert code == 2
    assert out == ""
    assert err.startswith("error: ") and message in err


@pytest.mark.parametrize("where", ["missing/feedback.sqlite3", "."])
def test_exporting_from_no_database_is_a_message_and_creates_none(run_cli, tmp_path, monkeypatch, where):
    monkeypatch.setenv("ASSISTANT_DB", str(tmp_path / where))
    code, out, err = run_cli("feedback", "export")
    assert code == 2 and out == "" and "no feedback database" in err
    assert not (tmp_path / "missing").exists()


def test_cli_batch_lines_ending_in_a_lone_cr_are_lines(run_cli, tmp_path):
    batch = tmp_path / "mac.jsonl"
    batch.write_bytes(b'{"id": 1, "question": "\\u6807\\u51c6\\u5408\\u540c"}\r{"id": 2}\r{"id": 3, "question": ""}\r')
    code, out, _ = run_cli("ask", "--batch", str(batch))
    assert code == 0 and [json.loads(line)["id"] for line in out.splitlines()] == [1, 2, 3]


def test_cli_batch_output_has_one_line_per_record_for_any_line_reader(run_cli, tmp_path):
    # U+0085, U+2028 and U+2029 are legal raw in a JSON string, and str.splitlines splits at them
    batch = tmp_path / "separators.jsonl"
    batch.write_text(json.dumps({"id": "a\u2028b\x85c\u2029d", "question": "标准合同\u2028备案"}) + "\n", encoding="utf-8")
    code, out, _ = run_cli("ask", "--batch", str(batch))
    assert code == 0 and len(out.splitlines()) == 1
    assert json.loads(out)["id"] == "a\u2028b\x85c\u2029d"


def test_cli_batch_lines_without_a_date_take_the_as_of_flag(run_cli, tmp_path):
    batch = tmp_path / "dated.jsonl"
    batch.write_text(json.dumps({"id": 1, "question": FILING}) + "\n"
                     + json.dumps({"id": 2, "question": FILING, "as_of": "2024-06-01"}) + "\n", encoding="utf-8")
    code, out, _ = run_cli("ask", "--as-of", "2025-06-01", "--batch", str(batch))
    assert code == 0 and [json.loads(line)["as_of"] for line in out.splitlines()] == ["2025-06-01", "2024-06-01"]


def test_cli_batch_in_utf16_is_refused_with_what_to_do(run_cli, tmp_path):
    batch = tmp_path / "utf16.jsonl"
    batch.write_bytes('{"id": 1, "question": "标准合同"}\n'.encode("utf-16"))
    code, out, err = run_cli("ask", "--batch", str(batch))
    assert code == 2 and out == "" and "UTF-16; save it as UTF-8" in err


def test_cli_batch_lines_not_utf8_each_get_an_error_line(run_cli, tmp_path):
    bad = tmp_path / "latin1.jsonl"
    bad.write_bytes('{"question": "标准合同"}\n'.encode("gb18030") + b"\xff\xfe\n")
    code, out, _ = run_cli("ask", "--batch", str(bad))
    assert code == 0
    assert [json.loads(line) for line in out.splitlines()] == [
        {"id": None, "error": "line 1: not UTF-8"},
        {"id": None, "error": "line 2: not UTF-8"},
    ]


def test_cli_unknown_option_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as raised:
        cli.main(["ask", "--bogus", FILING])
    assert raised.value.code == 2
    err = capsys.readouterr().err
    assert "unrecognized arguments: --bogus" in err and "Traceback" not in err


def test_cli_bad_port_in_the_environment_exits_2(run_cli, monkeypatch):
    monkeypatch.setenv("ASSISTANT_PORT", "not-a-port")
    code, _, err = run_cli("ask", FILING)
    assert code == 2 and "ASSISTANT_PORT is not a number" in err


CLI_ANSWERS = [
    # (argv after "ask --json", outcome, fragment of the answer)
    pytest.param(["--as-of", "1999-01-01", FILING], "not_covered", "尚未施行", id="as-of-1999"),
    pytest.param(["--as-of", "2099-12-31", FILING], "answered", "截至2099-12-31", id="as-of-2099"),
    pytest.param(["--as-of", "", FILING], "answered", "10个工作日", id="as-of-empty-is-today"),
    pytest.param(["<script>alert(1)</script>"], "not_covered", NOT_COVERED_EN, id="script"),
    pytest.param(["'; DROP TABLE answers; --"], "not_covered", NOT_COVERED_EN, id="sql"),
    pytest.param(["😀😀😀"], "not_covered", NOT_COVERED_ZH, id="emoji"),
    pytest.param(["。。。？？？"], "not_covered", NOT_COVERED_ZH, id="punctuation"),
    pytest.param(["《办法》第九十九条规定了什么？"], "not_covered", "没有第九十九条", id="art-99"),
    pytest.param(["标准合同第十二条规定了什么？"], "not_covered", "没有第十二条", id="contract-art-12"),
    pytest.param([PATH_Q.format(n="-5万")], "needs_facts", "“-5万”", id="negative-count"),
    pytest.param([PATH_Q.format(n="10^12")], "needs_facts", "“10^12”", id="power-count"),
    pytest.param(["我们向境外提供了99999999999999人的个人信息"], "needs_facts", "“99999999999999”", id="huge-count"),
    pytest.param(["标准合同\x07生效后\x1b[31m多久要备案？"], "answered", "10个工作日", id="control-chars"),
]


@pytest.mark.parametrize(("argv", "outcome", "fragment"), CLI_ANSWERS)
def test_cli_json_answers(run_cli, argv, outcome, fragment):
    code, out, err = run_cli("ask", "--json", *argv)
    assert code == 0, err
    result = json.loads(out)
    assert result["outcome"] == outcome
    assert fragment in result["answer"]
    if outcome == "needs_facts":
        assert result["rule"]["decision"] == {} and result["rule"]["missing_facts"] == ["count_general"]
    if outcome == "not_covered":
        assert result["citations"] == []


def test_cli_human_output_prints_an_injection_as_plain_text(run_cli):
    code, out, _ = run_cli("ask", "[点我](javascript:alert(1)) <b>粗体</b>")
    assert code == 0
    assert out.strip() == NOT_COVERED_EN  # mostly Latin letters: answered in English
    assert "引用" not in out  # nothing cited


# --- the batch mode ---------------------------------------------------------------------------

DEEP = "[" * 100_000 + "]" * 100_000
# (raw line, expected id, expected error fragment or None, expected outcome or None)
BATCH = [
    ('\ufeff{"id": "bom", "question": "' + FILING + '"}', "bom", None, "answered"),
    ("this is not JSON", None, "line 2: not valid JSON", None),
    ('[1, "标准合同"]', None, "line 3: expected a JSON object", None),
    ('"just a string"', None, "line 4: expected a JSON object", None),
    ('{"id": 5}', 5, "the question must be text", None),
    ('{"id": 6, "question": 42}', 6, "the question must be text", None),
    ('{"id": 7, "question": null, "as_of": null}', 7, "the question must be text", None),
    ('{"id": 8, "question": ["标准合同"]}', 8, "the question must be text", None),
    (
        '{"id": {"nested": [1, {"x": null}]}, "question": "' + FILING + '"}',
        {"nested": [1, {"x": None}]},
        None,
        "answered",
    ),
    (json.dumps({"id": "huge", "question": "问" * 300_000}, ensure_ascii=False), "huge", "too long", None),
    ("", None, "line 11: not valid JSON", None),
    ("   \t", None, "line 12: not valid JSON", None),
    (DEEP, None, "line 13: not valid JSON", None),
    ('{"id": 14, "question": "' + FILING + '", "as_of": "2024-02-30"}', 14, NOT_TEXT_DATE, None),
    ('{"id": 15, "question": "' + FILING + '", "as_of": 20240101}', 15, "got int", None),
    ('{"id": 16, "question": "标准合同\u2028生效后多久要备案？"}', 16, None, "answered"),
    ('{"id": 17, "question": "\\ud800 标准合同"}', 17, "not valid text", None),
    ('{"id": 18, "question": "' + PATH_Q.format(n="-5万") + '"}', 18, None, "needs_facts"),
    ('{"id": 19, "question": "《办法》第九十九条规定了什么？"}', 19, None, "not_covered"),
    ('{"id": 20, "question": "标准合同\\u0000生效后多久要备案？"}', 20, None, "answered"),
    # NaN is not JSON: the line is refused whole (nothing non-standard is echoed back)
    ('{"id": 21, "question": NaN}', None, "not valid JSON", None),
    ('{"id": 22, "question": "' + FILING + '", "as_of": "1999-01-01"}', 22, None, "not_covered"),
    ('{"id": 23, "question": "' + FILING + '", "as_of": "3000-01-01"}', 23, "outside", None),
    ('{"id": 24, "question": "   "}', 24, "the question is empty", None),
    ('{"id": 25, "question": "' + FILING + '"}\r', 25, None, "answered"),
]


def _write_batch(path: Path) -> Path:
    path.write_text("\n".join(line for line, *_ in BATCH) + "\n", encoding="utf-8")
    return path


def _check_batch_output(out: str) -> None:
    # Split on "\n" only: a JSON string may hold a raw U+2028, which str.splitlines would split at.
    results = [json.loads(line) for line in out.removesuffix("\n").split("\n")]
    assert len(results) == len(BATCH)  # one output line per input line, in order
    for number, (result, (_, record_id, error, outcome)) in enumerate(zip(results, BATCH, strict=True), start=1):
        assert result["id"] == record_id, number
        if error is not None:
            assert error in result["error"], (number, result)
            assert "outcome" not in result
        else:
            assert "error" not in result, (number, result)
            assert result["outcome"] == outcome, (number, result)
            assert result["outcome"] in OUTCOMES


def test_batch_empty_file_prints_nothing(run_cli, tmp_path):
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    assert run_cli("ask", "--json", "--batch", str(empty)) == (0, "", "")


# --- the CLI as a real process ------------------------------------------------------------------


@pytest.fixture
def process(process_env):
    """``python -m assistant ...`` run as a process over the session's index."""

    def run(*args: str | bytes) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "assistant", *args], cwd=ROOT, env=process_env(), capture_output=True, timeout=300
        )

    return run


@pytest.mark.slow
@pytest.mark.parametrize(
    ("args", "code", "fragment"),
    [
        pytest.param(("ask", ""), 2, "error: the question is empty", id="empty"),
        pytest.param(("ask", "--as-of", FULL_WIDTH_DATE, FILING), 2, NOT_TEXT_DATE, id="full-width-date"),
        pytest.param(("ask", "标准合同".encode() + b"\xff\xfe"), 2, "not valid text", id="invalid-utf8-argv"),
        pytest.param(("ask", "--batch", "/nonexistent.jsonl"), 2, "cannot read batch file", id="missing-batch"),
    ],
)
def test_process_usage_errors(process, args, code, fragment):
    done = process(*args)
    stderr = done.stderr.decode("utf-8", "replace")
    assert done.returncode == code
    assert fragment in stderr
    assert "Traceback" not in stderr
    assert done.stdout == b""


@pytest.mark.slow
def test_process_answers_an_impossible_count_with_needs_facts(process):
    done = process("ask", "--json", "我们向境外提供了99999999999999人的个人信息")
    assert done.returncode == 0, done.stderr
    assert b"Traceback" not in done.stderr
    result = json.loads(done.stdout)
    assert result["outcome"] == "needs_facts"
    assert result["rule"]["decision"] == {}


@pytest.mark.slow
def test_process_batch_of_malformed_lines(process, tmp_path):
    done = process("ask", "--json", "--batch", str(_write_batch(tmp_path / "bad.jsonl")))
    assert done.returncode == 0, done.stderr
    assert b"Traceback" not in done.stderr
    _check_batch_output(done.stdout.decode("utf-8"))


# --- the web chat's submit handler --------------------------------------------------------------


@pytest.fixture(scope="module")
def web_page(assistant, temp_config, tmp_path_factory):
    """The page built over the session's Assistant and a temporary feedback database, and its
    submit handler (the function the question box and the send button call)."""
    web = pytest.importorskip("assistant.web")
    from assistant.store import open_store

    store = open_store(tmp_path_factory.mktemp("web") / "feedback.sqlite3")
    with warnings.catch_warnings():
        # Gradio creates (and drops) asyncio event loops for its locks while the page is built.
        warnings.simplefilter("ignore", ResourceWarning)
        demo = web.build_ui(assistant, store, temp_config)
        gc.collect()
    fns = demo.fns.values() if isinstance(demo.fns, dict) else demo.fns
    submit = next(f.fn for f in fns if getattr(f.fn, "__name__", "") == "submit")
    return web, submit, store


def _submit(web_page, monkeypatch, question: str, as_of: str) -> list[tuple]:
    web, submit, _ = web_page
    monkeypatch.setattr(web, "STREAM_PAUSE_S", 0)
    return list(submit(question, as_of, []))


WEB_REFUSED = [
    pytest.param("", "2025-06-01", "the question is empty", id="empty"),
    pytest.param(" \n\t\u3000", "2025-06-01", "the question is empty", id="whitespace"),
    pytest.param("问" * 10_000, "2025-06-01", "too long", id="10000-chars"),
    pytest.param("\ud83d标准合同", "2025-06-01", "not valid text", id="lone-surrogate"),
    pytest.param(FILING, "2024-02-30", NOT_TEXT_DATE, id="date-2024-02-30"),
    pytest.param(FILING, "24-1-1", NOT_TEXT_DATE, id="date-24-1-1"),
    pytest.param(FILING, FULL_WIDTH_DATE, NOT_TEXT_DATE, id="date-full-width"),
    pytest.param(FILING, "2024-01-01T00:00", NOT_TEXT_DATE, id="date-with-time"),
    pytest.param(FILING, "3000-01-01", "outside", id="date-3000"),
]


@pytest.mark.parametrize(("question", "as_of", "message"), WEB_REFUSED)
def test_web_refuses_with_a_notice(web_page, monkeypatch, question, as_of, message):
    outputs = _submit(web_page, monkeypatch, question, as_of)
    assert len(outputs) == 1  # one notice; nothing is asked
    pending, shown, _, _ = outputs[0]
    assert 'class="notice notice-error"' in pending
    assert "无法提问：" in pending and message in pending
    assert "Traceback" not in pending
    assert not isinstance(shown, list)  # the conversation is untouched


WEB_ANSWERED = [
    # (question, as_of, outcome badge, fragment of the rendered card)
    pytest.param("<script>alert(1)</script>", "2025-06-01", "不在收录范围", "&lt;script&gt;", id="script"),
    pytest.param("<img src=x onerror=alert(1)>", "2025-06-01", "不在收录范围", "&lt;img src=x", id="img"),
    pytest.param("'; DROP TABLE answers; --", "2025-06-01", "不在收录范围", "&#x27;; DROP TABLE", id="sql"),
    pytest.param(PATH_Q.format(n="-5万"), "2025-06-01", "需补充事实", "“-5万”", id="negative-count"),
    pytest.param(PATH_Q.format(n="10^12"), "2025-06-01", "需补充事实", "“10^12”", id="power-count"),
    pytest.param("《办法》第九十九条规定了什么？", "2025-06-01", "不在收录范围", "没有第九十九条", id="art-99"),
    pytest.param(FILING, "1999-01-01", "不在收录范围", "尚未施行", id="as-of-1999"),
    pytest.param("标准合同\x00生效后多久要备案？", "", "已作答", "10个工作日", id="nul-and-empty-date"),
    pytest.param("😀😀😀", "2025-06-01", "不在收录范围", "😀😀😀", id="emoji"),
]


@pytest.mark.parametrize(("question", "as_of", "badge", "fragment"), WEB_ANSWERED)
def test_web_answers_and_escapes(web_page, monkeypatch, question, as_of, badge, fragment):
    from assistant.webview import Words, answer_html, question_html

    outputs = _submit(web_page, monkeypatch, question, as_of)
    pending, shown, question_box, status = outputs[-1]
    assert pending == "" and status == ""  # recorded, nothing to report
    # the box is left alone at the end (it was emptied when the question was taken), so a
    # question typed meanwhile is kept
    assert question_box == {"__type__": "update"}
    assert len(shown) == 1 and isinstance(shown[0]["record"], int)
    answer = Answer.from_dict(shown[0]["answer"])
    words = Words(MESSAGES)
    html = question_html(words, answer.question) + answer_html(words, answer)
    assert badge in html and fragment in html
    assert "<script>" not in html and "<img" not in html
    if badge == "需补充事实":
        assert 'class="badge decision"' not in html  # no 结论 badge for an impossible count
    for streamed, *_ in outputs[:-1]:  # every streamed piece is escaped too
        assert "<script>" not in streamed and "<img" not in streamed


def test_web_records_sql_looking_text_literally(web_page, monkeypatch):
    import sqlite3

    question = "标准合同备案'); DROP TABLE answers; --"
    *_, (_, shown, _, _) = _submit(web_page, monkeypatch, question, "2025-06-01")
    with sqlite3.connect(web_page[2].engine.path) as conn:
        stored = conn.execute("SELECT question FROM answers WHERE id = ?", (shown[0]["record"],)).fetchone()
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert stored == (question,)
    assert {"answers", "feedback"} <= tables

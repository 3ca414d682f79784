"""The web chat's HTML fragments: escaping, highlighting, streaming pieces, labels."""

from __future__ import annotations

import itertools
from datetime import date
from pathlib import Path

import pytest

from assistant.applicability import load_applicability
from assistant.corpus import load_corpus
from assistant.messages import Messages
from assistant.types import Answer, Citation, RuleResult
from assistant.webview import Words, answer_html, citation_html, decider, highlight, pieces, question_html

ROOT = Path(__file__).resolve().parent.parent
WORDS = Words(Messages.load())
ATTACK = "<img src=x onerror=alert(1)> [点我](javascript:alert(1)) \"' &amp;"


def _answer(text: str = "答复。", rule: RuleResult | None = None, question: str = "问？") -> Answer:
    return Answer(question, date(2025, 1, 2), "answered", text, (), rule, {"total": 1.0})


def test_question_and_answer_escape_everything():
    html = question_html(WORDS, ATTACK) + answer_html(WORDS, _answer(ATTACK), text=ATTACK)
    assert "<img" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&amp;amp;" in html  # an entity typed by the user stays literal text
    assert "&quot;" in html and "&#x27;" in html


def test_highlight_marks_the_quote_and_escapes_around_it():
    out = highlight("前<b>文，引文<i>，后文", "引文<i>")
    assert out == "前&lt;b&gt;文，<mark>引文&lt;i&gt;</mark>，后文"
    assert highlight("没有这句", "别的") == "没有这句"


def test_pieces_grow_to_the_whole_text():
    text = "第一句。第二句；\n第三行没有句号"
    parts = list(pieces(text))
    assert parts[-1] == text
    assert all(a != b and b.startswith(a) for a, b in itertools.pairwise(parts))
    assert list(pieces("")) == []
    long = "".join(f"第{n}句话。" for n in range(40))
    steps = list(pieces(long))
    assert len(steps) == 4 and steps[-1] == long  # a long answer in a few large steps
    assert all(part.endswith("。") for part in steps)  # each ends at a sentence
    assert list(pieces("只有一句。")) == ["只有一句。"]


def test_decider_and_decision_badges():
    rule = RuleResult("R-TRANSFER-2024", 3, {"mechanism": "security_assessment"}, {}, (), ("数据<未公布>",), ())
    assert decider(WORDS, _answer()) == "检索条文"
    assert decider(WORDS, _answer(rule=rule)) == "规则 R-TRANSFER-2024 v3"
    html = answer_html(WORDS, _answer(rule=rule))
    assert "申报数据出境安全评估" in html and "数据&lt;未公布&gt;" in html


@pytest.fixture(scope="module")
def corpus():
    return load_corpus(ROOT / "corpus")


def test_citation_view_shows_unit_instrument_and_applicability(corpus):
    applicability = load_applicability(corpus)
    unit = corpus.units["measures#第七条"]
    quote = "10个工作日内向所在地省级网信部门备案"
    html = citation_html(
        WORDS, corpus, applicability, Citation(unit.key, "个人信息出境标准合同办法", "第七条", quote), date(2024, 1, 1)
    )
    assert f"<mark>{quote}</mark>" in html
    assert "国家互联网信息办公室令第13号" in html and "2023-06-01" in html and "本条适用" in html
    early = citation_html(WORDS, corpus, applicability, Citation(unit.key, "", "第七条", quote), date(2023, 3, 1))
    assert "尚未施行" in early


def test_citation_view_of_a_vanished_key_is_a_message(corpus):
    html = citation_html(
        WORDS, corpus, load_applicability(corpus), Citation("measures#第九十九条", "", "", ""), date(2024, 1, 1)
    )
    assert "找不到" in html


def test_model_text_streams_as_an_unverified_draft_then_the_verified_answer_replaces_it(
    assistant, temp_config, tmp_path, monkeypatch
):
    """With a model configured, ``Assistant.ask_stream`` yields text pieces before the final
    answer; the page shows them as a draft marked unverified, then the final answer alone."""
    import gc
    import warnings

    web = pytest.importorskip("assistant.web")
    from assistant.store import open_store

    final = assistant.ask("标准合同生效后多久要备案？", "2025-06-01")

    class StreamingAssistant:
        corpus, applicability, embedder_id = assistant.corpus, assistant.applicability, assistant.embedder_id
        messages = assistant.messages

        def ask_stream(self, question, as_of=None, previous=None):
            yield "模型正在"
            yield "写<b>答案</b>"
            yield final

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        demo = web.build_ui(StreamingAssistant(), open_store(tmp_path / "f.sqlite3"), temp_config)
        gc.collect()
    fns = demo.fns.values() if isinstance(demo.fns, dict) else demo.fns
    submit = next(f.fn for f in fns if getattr(f.fn, "__name__", "") == "submit")
    monkeypatch.setattr(web, "STREAM_PAUSE_S", 0)
    frames = [frame[0] for frame in submit("标准合同生效后多久要备案？", "2025-06-01", [])]
    drafts = [f for f in frames if isinstance(f, str) and "尚未核验" in f]
    assert len(drafts) == 2
    assert "模型正在写&lt;b&gt;答案&lt;/b&gt;" in drafts[-1]  # escaped, never rendered
    last_text = [f for f in frames if isinstance(f, str) and "10个工作日" in f]
    assert last_text and "尚未核验" not in last_text[-1]

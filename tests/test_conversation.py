"""The conversation a page carries: signed turns that survive the browser's JSON and are
dropped when anything in them was changed."""

from __future__ import annotations

import json
from datetime import date

from assistant.conversation import Conversations
from assistant.types import Answer, Citation

ANSWER = Answer("标准合同生效后多久要备案？", date(2025, 6, 1), "answered", "10个工作日内。",
                (Citation("measures#第七条", "个人信息出境标准合同办法", "第七条", "10个工作日内"),), None,
                {"total": 12.0, "route": 0.5}, context=("早先的问题",))


def _browser(value):
    """JSON as a browser sends it back: 12.0 becomes 12."""
    return json.loads(json.dumps(value), parse_float=lambda f: int(float(f)) if float(f).is_integer() else float(f))


def test_a_turn_comes_back_whole_through_the_browser():
    pages = Conversations(b"k" * 32)
    turns, answers = pages.read(_browser([pages.turn(ANSWER, 7)]))
    assert turns[0]["record"] == 7 and answers[0].context == ("早先的问题",)
    assert answers[0].to_dict()["citations"] == ANSWER.to_dict()["citations"]


def test_a_changed_turn_or_another_key_drops_the_conversation():
    pages = Conversations(b"k" * 32)
    turn = pages.turn(ANSWER, 7)
    for change in ({"record": 8}, {"context": []}, {"answer": {**turn["answer"], "answer": "不需要备案。"}},
                   {"sig": "0" * 64}):
        assert pages.read([pages.turn(ANSWER, 1), {**turn, **change}]) == ([], [])
    assert Conversations(b"x" * 32).read([turn]) == ([], [])
    assert pages.read(None) == ([], []) and pages.read("text") == ([], [])


def test_recording_late_re_signs_the_turn():
    pages = Conversations(b"k" * 32)
    late = pages.with_record(pages.turn(ANSWER, None), 42)
    assert pages.read([late])[0][0]["record"] == 42

"""The one routing decision: each refusal reason the router gives, a rule question and a
retrieval question, and the answer record keeping the reason its refusal was given for."""

from __future__ import annotations

import pytest

from assistant.route import Refusal

CASES = [
    ("标准合同生效后多久要备案？", "2020-06-01", "refuse", Refusal.BEFORE_COVERAGE),
    ("《个人信息出境标准合同办法》第九十九条规定了什么？", None, "refuse", Refusal.MISSING_ARTICLE),
    ("GDPR对数据保护官的任职资格有什么要求？", None, "refuse", Refusal.FOREIGN_LAW),
    ("标准合同可以只签英文版吗？", None, "refuse", Refusal.ABSENT_MATTER),
    ("《出口管制法》对技术出口有什么规定？", None, "refuse", Refusal.UNKNOWN_TEXT),
    ("向境外支付服务费要交多少增值税？", None, "refuse", Refusal.OTHER_FIELD),
    ("个人信息出境标准合同备案要交多少钱？", None, "refuse", Refusal.PRICE),
    ("今天天气怎么样？", None, "refuse", Refusal.OUT_OF_SCOPE),
    ("我们不是关基，今年累计向境外提供了15万人的个人信息，不含敏感个人信息，走哪条路？", "2025-06-01", "rule", None),
    ("标准合同的境外接收方有哪些义务？", "2025-06-01", "retrieve", None),
]


@pytest.mark.parametrize("question, as_of, kind, reason", CASES, ids=[c[3] or c[2] for c in CASES])
def test_each_route_and_its_reason(assistant, question, as_of, kind, reason):
    route = assistant.route(question, as_of)
    assert (route.kind, route.reason) == (kind, reason)
    answer = assistant.ask(question, as_of)
    if kind == "refuse":
        assert (answer.outcome, answer.reason) == ("not_covered", reason)
        assert not answer.citations
    else:
        assert answer.outcome in ("answered", "needs_facts") and answer.reason == ""


def test_a_question_outside_the_lexicon_is_admitted_only_when_the_learned_part_says_so(assistant):
    from dataclasses import replace

    import numpy as np

    question = "今天天气怎么样？"
    query = assistant.analyse(question)
    reading = assistant.read(question)
    assert not query.in_domain
    when = assistant.route(question).when
    vector = np.ones(4, dtype=np.float32)
    admitted = replace(assistant.router, admit=lambda q: vector).route(query, reading, when, None)
    assert admitted.kind == "retrieve" and admitted.vector is vector  # retrieval embeds nothing again
    refusing = replace(assistant.router, admit=lambda q: None)
    assert refusing.route(query, reading, when, None).reason == Refusal.OUT_OF_SCOPE
    # without a learned part the lexicon decides alone
    assert replace(assistant.router, admit=None).route(query, reading, when, None).reason == Refusal.OUT_OF_SCOPE
    # the shipped model keeps this one out: nothing answered is worded like it
    assert assistant.route(question).reason == Refusal.OUT_OF_SCOPE

"""Bad input in the real page (headless Chromium): an impossible count, a whitespace-only and a
10,000-character question. The handler-level table is in ``test_bad_input.py``; this checks
that what the handler returns is what a person sees, with no traceback anywhere on the page.

Reuses the fixtures of ``test_browser.py`` (imported here: ``app_server`` starts one more app
process when both modules run) and the session's Chromium (``conftest.browser``).
"""

from __future__ import annotations

import pytest
from test_browser import _ask, _shot, app_server, page  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.slow]  # Chromium, and the app as a process




def test_impossible_count_shows_needs_facts_without_a_decision(page):  # noqa: F811
    _ask(page, "我们不是关基，今年累计向境外提供了-5万人的个人信息，不含敏感个人信息，不涉及重要数据，走哪条路？")
    card = page.locator(".turn-a").last
    text = card.inner_text()
    _shot(page, "bad_input_negative_count")
    assert "需补充事实" in text
    assert "“-5万”" in text
    assert card.locator(".badge.decision").count() == 0  # no 结论 badge
    assert "免予申报" not in text


@pytest.mark.parametrize(
    ("question", "message"),
    [
        pytest.param(" \n\t ", "the question is empty", id="whitespace-only"),
        pytest.param("问" * 10_000, "too long", id="10000-chars"),
    ],
)
def test_unusable_question_is_a_notice_not_a_traceback(page, question, message):  # noqa: F811
    answers_before = page.locator(".turn-a").count()
    page.locator("#question textarea").fill(question)
    page.locator("#send").click()
    notice = page.locator("#pending .notice-error")
    notice.wait_for()
    assert "无法提问" in notice.inner_text() and message in notice.inner_text()
    assert "Traceback" not in page.content()
    assert page.locator(".turn-a").count() == answers_before  # nothing was added to the conversation

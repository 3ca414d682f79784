"""Bad input in the real page (headless Chromium): an impossible count, a whitespace-only and a
10,000-character question. The handler-level table is in ``test_bad_input.py``; this checks
that what the handler returns is what a person sees, with no traceback anywhere on the page.

Reuses the fixtures of ``test_browser.py`` (imported here: ``app_server`` starts one more app
process when both modules run) and its Chromium: only one sync Playwright can run in a
process, so when ``test_browser.py`` has already launched its session browser, this module's
``browser`` fixture borrows it instead of starting a second one.
"""

from __future__ import annotations

import asyncio
import gc

import pytest
from test_browser import CHROMIUM, CHROMIUM_ARGS, _ask, _shot, app_server, page  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser


def _running_browser():
    """A connected Chromium of a sync Playwright already running in this thread, if any."""
    try:
        asyncio.get_running_loop()  # a running sync Playwright keeps its loop marked as running
    except RuntimeError:
        return None
    from playwright.sync_api import Browser

    return next((o for o in gc.get_objects() if isinstance(o, Browser) and o.is_connected()), None)


@pytest.fixture(scope="module")
def browser(app_server):  # noqa: F811  (app_server first: it skips when Chromium is missing)
    shared = _running_browser()
    if shared is not None:
        yield shared  # test_browser.py's session browser; it closes it
        return
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


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

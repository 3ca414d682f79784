"""The web chat in headless Chromium: asking, citations, feedback, escaping, follow-ups.

One app process serves the whole module (started from ``app.py`` on a free loopback port,
with a temporary feedback database and the session's index); each test
gets a fresh page. Screenshots land in ``artifacts/`` (git-ignored) for a person to look at.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from assistant.api import today_in_china
from tests.appserver import free_port, running_app
from tests.conftest import CHROMIUM

pytestmark = [pytest.mark.browser, pytest.mark.slow]  # Chromium, and the app as a process

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "artifacts"
STARTUP_TIMEOUT_S = 120
ANSWER_TIMEOUT_MS = 30_000


@pytest.fixture(scope="session")
def app_server(tmp_path_factory, process_env):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} not installed (make browser)")
    tmp = tmp_path_factory.mktemp("web")
    port = free_port()
    db = tmp / "feedback.sqlite3"
    log = tmp / "app.log"
    env = process_env(ASSISTANT_PORT=str(port), ASSISTANT_HOST="127.0.0.1", ASSISTANT_DB=str(db),
                      GRADIO_ANALYTICS_ENABLED="False")
    with running_app(env, port, log, STARTUP_TIMEOUT_S) as url:
        yield {"url": url, "db": db, "log": log}


@pytest.fixture
def page(browser, app_server):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(ANSWER_TIMEOUT_MS)
    page.goto(app_server["url"])
    page.locator("#question textarea").wait_for()
    yield page
    context.close()


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _set_as_of(page, value: str) -> None:
    page.locator("#as-of input").fill(value)


def _ask(page, question: str, as_of: str | None = None) -> None:
    """Ask and wait until the answer has left the streaming area for the conversation."""
    done_before = page.get_by_role("button", name="👎 没帮助").count()
    if as_of is not None:
        _set_as_of(page, as_of)
    page.locator("#question textarea").fill(question)
    page.locator("#send").click()
    page.get_by_role("button", name="👎 没帮助").nth(done_before).wait_for()


def _feedback_rows(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT f.kind, f.citation_key, f.comment, a.question FROM feedback f JOIN answers a ON a.id = f.answer_id"
        ).fetchall()


def test_answer_citation_view_and_feedback(page, app_server):
    question = "标准合同生效后多久要备案？"
    # Streaming leaves a partial answer with a cursor in #pending for a moment; a watcher
    # catches it whenever it happens instead of racing it.
    page.evaluate(
        """() => { window.sawStreaming = false;
        new MutationObserver(() => { if (document.querySelector('#pending .cursor')) window.sawStreaming = true; })
          .observe(document.body, {subtree: true, childList: true, characterData: true}); }"""
    )
    _ask(page, question)
    assert page.evaluate("window.sawStreaming"), "the answer did not stream"
    answer = page.locator(".turn-a").last
    assert "10个工作日" in answer.inner_text()
    assert "已作答" in answer.inner_text()
    # the as-of box was left empty: the answer is as of the day it was asked
    assert f"截至{today_in_china().isoformat()}" in answer.inner_text()
    assert "检索条文" in answer.inner_text() or "规则" in answer.inner_text()

    chip = page.get_by_role("button", name="《个人信息出境标准合同办法》第七条")
    chip.click()
    view = page.locator("#citation-view")
    view.locator("mark").first.wait_for()
    assert "10个工作日" in view.locator("mark").first.inner_text()
    text = view.inner_text()
    assert "个人信息处理者应当对所备案材料的真实性负责" in text  # the whole unit, beyond the quote
    assert "国家互联网信息办公室令第13号" in text and "2023-06-01" in text and "现行有效" in text
    _shot(page, "answer_and_citation")

    page.get_by_role("button", name="👎 没帮助").last.click()
    page.locator("#feedback-status").get_by_text("已保存").wait_for()
    assert ("down", None, "", question) in _feedback_rows(app_server["db"])

    page.locator("#cite-comment textarea, #cite-comment input").first.fill("应引用第七条以外的条文")
    page.locator("#cite-wrong").click()
    page.locator("#feedback-status").get_by_text("引用有误").wait_for()
    assert ("citation_wrong", "measures#第七条", "应引用第七条以外的条文", question) in _feedback_rows(app_server["db"])
    _shot(page, "feedback_saved")


@pytest.mark.parametrize(
    "payload",
    ["<img src=x onerror=alert(1)>", "[点我](javascript:alert(1)) <script>alert(2)</script> ${alert(3)}"],
)
def test_injection_renders_as_text(page, payload):
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    _ask(page, payload)
    page.wait_for_timeout(500)  # give any injected handler the chance to fire
    assert dialogs == []
    assert page.locator(".turn-q .body").last.inner_text() == payload
    assert page.locator("img[src='x']").count() == 0
    assert page.locator("a[href^='javascript']").count() == 0
    _shot(page, "injection")


def test_bad_date_is_a_message_not_a_traceback(page):
    _set_as_of(page, "2024-13-01")
    page.locator("#question textarea").fill("标准合同生效后多久要备案？")
    page.locator("#send").click()
    notice = page.locator("#pending .notice-error")
    notice.wait_for()
    assert "YYYY-MM-DD" in notice.inner_text()
    assert "Traceback" not in page.content()


def test_follow_up_carries_facts_forward(page):
    _ask(page, "我们不是关基，今年累计向境外提供了15万人的个人信息，不含敏感个人信息，不涉及重要数据，走哪条路？")
    first = page.locator(".turn-a").last.inner_text()
    assert "标准合同" in first
    _ask(page, "那如果是150万人呢？")
    second = page.locator(".turn-a").last.inner_text()
    _shot(page, "follow_up")
    assert "安全评估" in second
    assert "规则" in second  # decided by the rules module, not by retrieval


def test_feedback_on_a_locked_database_says_not_saved(page, app_server):
    _ask(page, "个人信息保护影响评估应当重点评估哪些内容？")
    before = len(_feedback_rows(app_server["db"]))
    holder = sqlite3.connect(app_server["db"], isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another writer holds the database past the app's timeout
    try:
        page.get_by_role("button", name="👍 有帮助").last.click()
        page.locator("#feedback-status").get_by_text("反馈未保存").wait_for()
        _shot(page, "feedback_not_saved")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert len(_feedback_rows(app_server["db"])) == before
    page.get_by_role("button", name="👍 有帮助").last.click()  # the same click works once the lock is gone
    page.locator("#feedback-status").get_by_text("已保存").wait_for()
    assert len(_feedback_rows(app_server["db"])) == before + 1


def _answer_rows(db: Path, question: str) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT COUNT(*) FROM answers WHERE question = ?", (question,)).fetchone()[0]


def test_a_question_sent_while_one_is_answered_waits_in_the_box_and_nothing_is_lost(page, app_server):
    # The first answer is held in flight by a lock on the database: it is shown, then waits
    # (up to two seconds) to be recorded, time enough to send another while it is answered.
    first = "我们向境外提供个人信息，要走哪条路？"
    second = "境外接收方可以再向第三方提供个人信息吗？"
    turns = page.locator(".turn-a").count()
    done = page.get_by_role("button", name="👎 没帮助")
    box = page.locator("#question textarea")
    holder = sqlite3.connect(app_server["db"], isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        box.fill(first)
        page.locator("#send").click()
        page.locator("#feedback-status").get_by_text("回答完成后再发送").wait_for()  # the first is in flight
        box.fill(second)  # typed and sent now, by a click and again by Enter
        page.locator("#send").click()
        box.press("Enter")
        assert done.count() == turns, "the first answer finished before the second was sent: nothing was tested"
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    done.nth(turns).wait_for()
    page.wait_for_timeout(1000)  # time for a wrongly taken second question to show up
    assert page.locator(".turn-a").count() == turns + 1  # the first answer, not replaced
    assert box.input_value() == second  # the second question waits where it was typed
    assert _answer_rows(app_server["db"], first) == 1 and _answer_rows(app_server["db"], second) == 0
    page.locator("#send").click()  # sent again once the first is done: answered, after it
    done.nth(turns + 1).wait_for()
    assert page.locator(".turn-a").count() == turns + 2 and box.input_value() == ""
    assert _answer_rows(app_server["db"], second) == 1

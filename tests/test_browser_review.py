"""The review queue in headless Chromium: a reviewer logs in and works the queue; an
employee logs in and never sees it.

One app process for the module, with a users file holding a reviewer and an employee and a
database that already holds an answer flagged twice (as users would have left it).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.accounts import add_user
from assistant.store import open_store
from tests.appserver import free_port, running_app
from tests.test_browser import ANSWER_TIMEOUT_MS, STARTUP_TIMEOUT_S, _ask, _shot

pytestmark = [pytest.mark.browser, pytest.mark.slow]  # Chromium, and the app as a process

FILING = "标准合同生效后多久要备案？"
REVIEWER = ("rita", "reviewer password")
EMPLOYEE = ("eve", "employee password")


@pytest.fixture(scope="module")
def review_server(tmp_path_factory, assistant, process_env):
    tmp = tmp_path_factory.mktemp("review")
    users, db = tmp / "users.toml", tmp / "review.sqlite3"
    add_user(users, *REVIEWER[:1], "reviewer", REVIEWER[1])
    add_user(users, *EMPLOYEE[:1], "employee", EMPLOYEE[1])
    store = open_store(db)
    answer = assistant.ask(FILING, "2025-06-01")
    record = store.record_answer(answer, assistant.corpus.digest, assistant.embedder_id)
    flags = [store.add_feedback(record, "down", comment="太简略"),
             store.add_feedback(record, "citation_wrong", answer.citations[0].key, "不是这一条")]
    store.close()
    port = free_port()
    env = process_env(ASSISTANT_PORT=str(port), ASSISTANT_DB=str(db), ASSISTANT_USERS=str(users),
                      GRADIO_ANALYTICS_ENABLED="False")
    with running_app(env, port, tmp / "app.log", STARTUP_TIMEOUT_S) as url:
        yield {"url": url, "db": db, "flags": flags}


@pytest.fixture
def login(browser, review_server):
    contexts = []

    def as_user(name: str, password: str):
        context = browser.new_context(viewport={"width": 1400, "height": 1200}, locale="zh-CN")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(ANSWER_TIMEOUT_MS)
        page.goto(review_server["url"])
        page.locator("input[type=password]").wait_for()
        page.locator("input:not([type=password])").first.fill(name)
        page.locator("input[type=password]").fill(password)
        page.keyboard.press("Enter")
        page.locator("#question textarea").wait_for()
        return page

    yield as_user
    for context in contexts:
        context.close()


def test_a_reviewer_works_the_queue(login, review_server):
    page = login(*REVIEWER)
    queue = page.locator("#review-queue")
    queue.locator(".flag-card").first.wait_for()
    newest, older = review_server["flags"][1], review_server["flags"][0]
    cards = queue.locator(".flag-card")
    assert cards.count() == 2 and cards.nth(0).get_attribute("id") == f"flag-{newest}"
    assert "不是这一条" in cards.nth(0).inner_text() and "10个工作日" in cards.nth(0).inner_text()
    _shot(page, "review-queue")
    # the newest is picked first: judge it a wrong citation and accept it as a gold candidate
    page.locator("#review-verdict").get_by_text("引用有误").click()
    page.locator("#review-note textarea").fill("应引第七条")
    page.locator("#review-accept").click()
    page.locator("#review-status .notice-ok").wait_for()
    assert "收入金标准候选" in page.locator("#review-status").inner_text()
    page.wait_for_function("document.querySelectorAll('#review-queue .flag-card').length === 1")
    # then the older one: fine
    page.locator("#review-verdict").get_by_text("无误").click()
    page.locator("#review-resolve").click()
    page.get_by_text(f"已处理 #{older}").wait_for()
    page.get_by_text("审核队列为空").wait_for()
    with page.expect_download() as download:
        page.locator("#review-download").click()
    (line,) = [json.loads(x) for x in Path(download.value.path()).read_text(encoding="utf-8").splitlines()]
    assert line["question"] == FILING and line["verdict"] == "wrong_citation" and "应引第七条" in line["comment"]
    _shot(page, "review-queue-done")
    store = open_store(review_server["db"])
    assert [r[:3] for r in store.reviews(newest)] == [("wrong_citation", "rita", True)]
    assert [r[:3] for r in store.reviews(older)] == [("fine", "rita", False)]


def test_an_employee_is_refused_the_queue(login):
    page = login(*EMPLOYEE)
    # The panel would be shown by the page's load event, which runs before a question sent
    # after it: once an answer is back, the decision has been made.
    _ask(page, FILING)
    assert "10个工作日" in page.locator(".turn-a").last.inner_text()
    assert not page.locator("#review").is_visible()
    assert page.locator("#review-queue .flag-card").count() == 0

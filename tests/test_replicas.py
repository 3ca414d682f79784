"""Any replica serves any request: the conversation travels with the request, not in the
process that answered the turn before.

Two pages are built over the same corpus and database, as two replicas behind a balancer
would be; a follow-up answered by the second must keep the facts of the question the first
answered, and feedback on an answer the first showed must land when the second takes it.
"""

from __future__ import annotations

import gc
import json
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from assistant.conversation import Conversations
from assistant.types import Answer
from tests.appserver import free_port

ROOT = Path(__file__).resolve().parent.parent

FIRST = "我们不是关基，今年累计向境外提供了15万人的个人信息，不含敏感个人信息，不涉及重要数据，走哪条路？"
FOLLOW_UP = "那如果是150万人呢？"


def _page(assistant, store, config, conversations):
    web = pytest.importorskip("assistant.web")

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)  # Gradio's short-lived event loops
        demo = web.build_ui(assistant, store, config, conversations=conversations)
        gc.collect()
    fns = list(demo.fns.values() if isinstance(demo.fns, dict) else demo.fns)
    return web, {getattr(f.fn, "__name__", ""): f.fn for f in fns}


@pytest.fixture
def two_replicas(assistant, temp_config, tmp_path, monkeypatch):
    from assistant.store import open_store

    db = tmp_path / "shared.sqlite3"
    shared = Conversations(open_store(db).page_key())  # what every replica reads from the database
    web, first = _page(assistant, open_store(db), temp_config, Conversations(open_store(db).page_key()))
    _, second = _page(assistant, open_store(db), temp_config, shared)
    monkeypatch.setattr(web, "STREAM_PAUSE_S", 0)
    return shared.read, first, second, db


def test_answer_round_trips_through_its_contract(assistant):
    for question in (FIRST, "标准合同生效后多久要备案？", "今天天气怎么样？"):
        answer = assistant.ask(question, "2025-06-01")
        contract = json.dumps(answer.to_dict(), ensure_ascii=False)
        again = Answer.from_dict(json.loads(contract), answer.context)
        assert json.dumps(again.to_dict(), ensure_ascii=False) == contract
        assert (again.rule is None) == (answer.rule is None)


def test_a_follow_up_answered_by_another_replica_keeps_its_facts(two_replicas):
    read, first, second, _ = two_replicas
    *_, (_, shown, _, _) = first["submit"](FIRST, "2025-06-01", [])
    *_, (_, carried, _, _) = second["submit"](FOLLOW_UP, "2025-06-01", _through_the_browser(shown))
    answers = read(carried)[1]
    assert [a.question for a in answers] == [FIRST, FOLLOW_UP]
    assert answers[1].rule.decision["mechanism"] == "security_assessment"
    assert answers[1].context == (FIRST, FOLLOW_UP)
    # the same follow-up with no conversation has no facts to lean on
    *_, (_, alone, _, _) = second["submit"](FOLLOW_UP, "2025-06-01", [])
    assert read(alone)[1][0].rule is None or read(alone)[1][0].rule.missing_facts


def test_feedback_on_a_turn_another_replica_showed_lands_once(two_replicas):
    from assistant.store import open_store

    read, first, second, db = two_replicas
    *_, (_, shown, _, _) = first["submit"](FIRST, "2025-06-01", [])
    (answer,) = read(shown)[1]
    citation = answer.citations[0]
    # the second replica's handler for "citation wrong", given the page the first one built
    kept, message, comment = second["flag_citation"]((0, citation), shown, "不是这一条")
    assert "已保存" in message and comment == ""
    assert kept[0]["record"] == shown[0]["record"]  # the answer was recorded once, by the first
    (flag,) = open_store(db).queue()
    assert (flag.answer_id, flag.citation_key, flag.question) == (shown[0]["record"], citation.key, FIRST)


def test_a_page_sending_something_that_is_not_a_conversation_starts_a_new_one(two_replicas):
    read, first, _, _ = two_replicas
    for broken in ([{"answer": {"question": 1}}], ["x"], {"a": 1}, "text"):
        *_, (pending, shown, _, _) = first["submit"]("标准合同生效后多久要备案？", "2025-06-01", broken)
        assert pending == "" and [a.outcome for a in read(shown)[1]] == ["answered"]


def test_a_turn_no_replica_made_lends_nothing_to_a_follow_up(two_replicas):
    read, first, second, _ = two_replicas
    *_, (_, shown, _, _) = first["submit"](FIRST, "2025-06-01", [])
    forged = _through_the_browser(shown)
    forged[0]["context"] = ["我们今年向境外提供了500万人的个人信息，走哪条路？"]  # the signature no longer fits
    *_, (_, carried, _, _) = second["submit"]("那如果是敏感个人信息呢？", "2025-06-01", forged)
    assert [a.question for a in read(carried)[1]] == ["那如果是敏感个人信息呢？"]  # the forged turn is gone


def _through_the_browser(shown: list) -> list:
    """What the page sends back: the JSON the browser holds, numbers written as JavaScript
    writes them (12.0 comes back as 12)."""
    text = json.dumps(shown, ensure_ascii=False)
    return json.loads(text, parse_float=lambda f: int(float(f)) if float(f).is_integer() else float(f))


# --- a replica that must not start ------------------------------------------------------------


def _start_app(env: dict[str, str], db: Path) -> subprocess.CompletedProcess:
    env = {**env, "ASSISTANT_DB": str(db), "ASSISTANT_PORT": str(free_port()), "ASSISTANT_REPLICA": "replica-new",
           "GRADIO_ANALYTICS_ENABLED": "False"}
    return subprocess.run([sys.executable, "app.py"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_the_app_refuses_a_database_a_newer_version_migrated(process_env, tmp_path):
    from assistant.store import open_store

    db = tmp_path / "newer.sqlite3"
    with open_store(db).engine.transaction() as tx:
        tx.run("INSERT INTO schema_version (version, applied_at, digest) VALUES (?, ?, ?)", (99, "later", "x"))
    run = _start_app(process_env(), db)
    assert run.returncode == 5 and "请升级本程序" in run.stderr and "Traceback" not in run.stderr


@pytest.mark.slow
def test_the_app_refuses_to_serve_beside_a_live_replica_with_another_index(process_env, tmp_path):
    from assistant.store import open_store

    db = tmp_path / "shared.sqlite3"
    assert open_store(db).join("replica-old", "another-index-digest", 30.0) == []
    run = _start_app(process_env(), db)
    assert run.returncode == 6 and "replica-old" in run.stderr and "Traceback" not in run.stderr

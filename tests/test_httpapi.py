"""The HTTP application beside the page: ``/healthz`` and the JSON API, through FastAPI's
test client over the session's real assistant and a temporary database."""

from __future__ import annotations

import base64
import gc
import sqlite3
import warnings
from dataclasses import replace

import pytest

from assistant.accounts import Accounts
from assistant.config import Config
from assistant.replica import Monitor, Replica, serving_digest
from assistant.store import Store, open_store

FILING = "标准合同生效后多久要备案？"


def _client(assistant, store: Store, config: Config):
    web = pytest.importorskip("assistant.web")
    webapp = pytest.importorskip("assistant.webapp")
    from fastapi.testclient import TestClient

    replica = Replica("replica-test", serving_digest(assistant.index.manifest), assistant.index.manifest)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)  # Gradio's short-lived event loops
        accounts = Accounts.load(config.username, config.password)
        app = webapp.build_app(web.build_ui(assistant, store, config, accounts), config,
                            Monitor(replica, store).health, assistant, store, accounts)
        gc.collect()
    return TestClient(app)


@pytest.fixture
def client(assistant, temp_config, tmp_path):
    store = open_store(tmp_path / "api.sqlite3")
    with _client(assistant, store, temp_config) as c:
        yield c, store


def test_healthz_reports_what_the_replica_serves_and_the_database(client, assistant):
    c, _ = client
    body = c.get("/healthz").json()
    assert body["status"] == "ok" and body["replica"] == "replica-test"
    assert body["serves"] == serving_digest(assistant.index.manifest)
    assert body["corpus_digest"] == assistant.corpus.digest
    assert body["database"] == {"engine": "sqlite", "ok": True, "version": 3}


def test_healthz_says_degraded_when_the_database_is_unusable(assistant, temp_config, tmp_path):
    db = tmp_path / "garbage.sqlite3"
    db.write_bytes(b"not a database" * 100)
    with _client(assistant, open_store(db), temp_config) as c:
        response = c.get("/healthz")
    assert response.status_code == 200  # it still answers questions
    assert response.json()["status"] == "degraded" and response.json()["database"]["ok"] is False


def test_ask_returns_the_contract_and_the_record(client):
    c, store = client
    response = c.post("/api/ask", json={"question": FILING, "as_of": "2025-06-01"})
    assert response.status_code == 200
    body = response.json()
    assert body["outcome"] == "answered" and "10个工作日" in body["answer"]
    assert {"question", "as_of", "citations", "rule", "timings_ms"} <= set(body)
    with sqlite3.connect(store.engine.path) as conn:
        assert conn.execute("SELECT question FROM answers WHERE id = ?", (body["record"],)).fetchone() == (FILING,)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"{not json", "not JSON"),
        (b"[1, 2]", "JSON object"),
        (b'{"question": ""}', "empty"),
        ('{"question": "备案", "as_of": "2024-02-30"}'.encode(), "YYYY-MM-DD"),
        (b'{"question": 5}', "question"),
    ],
)
def test_ask_refuses_bad_requests_with_a_message(client, body, message):
    c, _ = client
    response = c.post("/api/ask", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400 and message in response.json()["error"]


def test_feedback_is_saved_or_refused_with_a_reason(client):
    c, store = client
    record = c.post("/api/ask", json={"question": FILING, "as_of": "2025-06-01"}).json()["record"]
    saved = c.post("/api/feedback", json={"record": record, "kind": "down", "comment": "太简略"})
    assert saved.status_code == 200 and isinstance(saved.json()["saved"], int)
    for bad, message in [
        ({"record": record, "kind": "meh"}, "未知的反馈类型"),
        ({"record": "1", "kind": "down"}, "整数"),
        ({"record": 10**30, "kind": "down"}, "整数"),
        ({"record": -1, "kind": "down"}, "整数"),
        ({"record": record + 999, "kind": "down"}, "记录不完整"),
        ({"record": record, "kind": "citation_wrong"}, "指明是哪一条引用"),
    ]:
        response = c.post("/api/feedback", json=bad)
        assert response.status_code == 400 and message in response.json()["error"], bad
    assert len(store.queue()) == 1


def test_feedback_the_database_cannot_take_is_a_503_with_the_reason(client, monkeypatch):
    c, store = client
    record = c.post("/api/ask", json={"question": FILING, "as_of": "2025-06-01"}).json()["record"]
    holder = sqlite3.connect(store.engine.path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    monkeypatch.setattr("assistant.store.engines.SQLITE_LOCK_TIMEOUT_S", 0.05)
    try:
        response = c.post("/api/feedback", json={"record": record, "kind": "up"})
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert response.status_code == 503
    assert response.json()["error"].startswith("反馈未保存：数据库被占用")
    assert store.queue() == []


def test_with_a_login_the_api_needs_it(assistant, temp_config, tmp_path):
    config = replace(temp_config, username="alice", password="s3cret-pass")
    with _client(assistant, open_store(tmp_path / "api.sqlite3"), config) as c:
        question = {"question": FILING, "as_of": "2025-06-01"}
        assert c.post("/api/ask", json=question).status_code == 401
        wrong = base64.b64encode(b"alice:guess").decode()
        assert c.post("/api/ask", json=question, headers={"Authorization": f"Basic {wrong}"}).status_code == 401
        right = base64.b64encode(b"alice:s3cret-pass").decode()
        assert c.post("/api/ask", json=question, headers={"Authorization": f"Basic {right}"}).status_code == 200
        assert c.get("/healthz").status_code == 200  # the balancer needs no login


def test_feedback_sent_twice_with_one_write_id_is_saved_once(client):
    c, store = client
    record = c.post("/api/ask", json={"question": FILING, "as_of": "2025-06-01"}).json()["record"]
    body = {"record": record, "kind": "down", "write_id": "retry-0001"}
    first, again = c.post("/api/feedback", json=body), c.post("/api/feedback", json=body)
    assert first.status_code == again.status_code == 200 and first.json() == again.json()
    assert len(store.queue()) == 1
    bad = c.post("/api/feedback", json={**body, "write_id": "x"})
    assert bad.status_code == 400 and "write_id" in bad.json()["error"]

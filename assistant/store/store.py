"""What the assistant keeps: answers as shown, users' feedback on them, and reviewers' actions.

``Store(engine)`` works the same on SQLite and PostgreSQL (``engines``). Three kinds of row:

- ``answers``: what was asked, as of which date, what came out, which citations and rule,
  which corpus and embedder produced it, and the questions a follow-up leaned on;
- ``feedback``: 👍, 👎 or "citation wrong" on one recorded answer, with an optional note;
- ``reviews``: a reviewer's verdict on a flag (👎 or citation wrong): wrong citation, wrong
  answer or fine, who gave it and when, and, when accepted, the gold-set candidate line.

Every write is one transaction: it lands whole or not at all. A write that fails for a
passing reason (a lock, a server restarting) is retried until ``retry_s`` has passed; each
write carries an id of its own, so a retry after a lost acknowledgement does not store it
twice. A write that finally fails raises ``FeedbackNotSaved`` whose message says, in
Chinese, that nothing was saved and why. The constructor never raises for an unreachable
database (answering must keep working): it remembers the problem (``problem``) and tries
again on the next write. It does raise ``SchemaTooNew``: that is not passing.

Not here: rendering, who may review (the web layer checks roles), or schema changes
(``migrate``).
"""

from __future__ import annotations

import contextlib
import json
import re
import secrets
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TextIO, TypeVar

from ..errors import AssistantError
from ..types import Answer
from . import migrate
from .engines import Engine
from .gold_lines import candidate_line, feedback_lines

KINDS = ("up", "down", "citation_wrong")
VERDICTS = ("wrong_citation", "wrong_answer", "fine")
MAX_COMMENT_CHARS = 2000
MAX_REVIEWER_CHARS = 200
WRITE_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")


class FeedbackError(AssistantError):
    """The database could not be used; the message is meant for the user."""


class FeedbackNotSaved(FeedbackError):
    """A write did not happen; nothing of it is in the database."""


class FeedbackRefused(FeedbackNotSaved):
    """Not saved because of what was sent (a bad kind, a note too long), not the database."""


_T = TypeVar("_T")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Flag:
    """One flag in the review queue, with the answer it is on."""

    feedback_id: int
    answer_id: int
    kind: str  # 'down' or 'citation_wrong'
    citation_key: str | None
    comment: str
    flagged_at: str
    question: str
    as_of: str
    outcome: str
    answer: str
    citations: tuple[dict[str, str], ...]


class Store:
    def __init__(self, engine: Engine, retry_s: float | None = None):
        self.engine = engine
        self.retry_s = engine.default_retry_s if retry_s is None else retry_s
        # Read once: reads and the health check compare against them every few seconds.
        self._migrations = migrate.load()
        self.problem: str | None = None  # why the schema could not be brought up to date
        self.version = 0
        self._ready = False
        try:
            self._ensure_schema()
        except FeedbackNotSaved as exc:
            self.problem = str(exc)
        except BaseException:
            engine.close()  # a store refused at birth must not leave a pool of connections behind
            raise

    def where(self) -> str:
        return self.engine.where()

    def close(self) -> None:
        self.engine.close()

    # -- running statements -----------------------------------------------------------------

    def _not_saved(self, exc: BaseException) -> FeedbackNotSaved:
        if self.engine.integrity_error(exc):
            return FeedbackRefused(f"反馈未保存：记录不完整（{exc}）")
        return FeedbackNotSaved(f"反馈未保存：{self.engine.reason(exc)}，请稍后重试或联系管理员")

    def _retrying(self, work: Callable[[], _T]) -> _T:
        deadline = time.monotonic() + self.retry_s
        pause = 0.1
        while True:
            try:
                return work()
            except self.engine.errors() as exc:
                if not self.engine.transient(exc) or time.monotonic() + pause > deadline:
                    raise self._not_saved(exc) from None
            time.sleep(pause)
            pause = min(pause * 2, 1.0)

    def _migrate(self) -> None:
        self.engine.prepare()
        self.version = migrate.apply(self.engine, _now(), self._migrations)
        self._ready = True
        self.problem = None

    def _ensure_schema(self) -> None:
        try:
            self._migrate()
        except self.engine.errors() as exc:
            raise self._not_saved(exc) from None

    def _insert(self, table: str, columns: tuple[str, ...], values: tuple[Any, ...], write_id: str | None = None) -> int:
        """Insert one row as its own transaction, at most once however often it is retried
        (here, or by a caller that sends the same ``write_id`` again)."""
        write_id = write_id or uuid.uuid4().hex
        names = ", ".join((*columns, "write_id"))
        marks = ", ".join("?" * (len(columns) + 1))

        def work() -> int:
            with self.engine.transaction() as tx:
                rows = tx.run(
                    f"INSERT INTO {table} ({names}) VALUES ({marks}) ON CONFLICT (write_id) DO NOTHING RETURNING id",
                    (*values, write_id),
                )
                if not rows:  # an earlier attempt landed but its acknowledgement was lost
                    rows = tx.run(f"SELECT id FROM {table} WHERE write_id = ?", (write_id,))
                return int(rows[0][0])

        if not self._ready:
            self._retrying(self._migrate)
        return self._retrying(work)

    # -- writes -----------------------------------------------------------------------------

    def record_answer(self, answer: Answer, corpus_hash: str, embedder_id: str) -> int:
        """Store one answer as shown to a user; returns its id for feedback and follow-ups."""
        citations = json.dumps([c.to_dict() for c in answer.citations], ensure_ascii=False)
        timings = json.dumps({k: round(v, 2) for k, v in answer.timings_ms.items()})
        rule = answer.rule
        context = json.dumps(list(answer.context), ensure_ascii=False)
        return self._insert(
            "answers",
            ("question", "as_of", "outcome", "answer", "citations", "rule_id", "rule_version",
             "corpus_hash", "embedder_id", "timings", "context", "created_at"),
            (answer.question, answer.as_of.isoformat(), answer.outcome, answer.answer, citations,
             rule.id if rule else None, rule.version if rule else None, corpus_hash, embedder_id,
             timings, context, _now()),
        )

    def add_feedback(
        self, answer_id: int, kind: str, citation_key: str | None = None, comment: str = "", write_id: str | None = None
    ) -> int:
        """Store 'up', 'down' or 'citation_wrong' (which needs the cited key) on a recorded answer.
        A caller that may send the same feedback twice (a retry after a dropped connection)
        names it with ``write_id``; the second time returns the first row's id."""
        if write_id is not None and not WRITE_ID.fullmatch(write_id):
            raise FeedbackRefused("反馈未保存：write_id 应为8至64个字母、数字、'-' 或 '_'")
        if kind not in KINDS:
            raise FeedbackRefused(f"反馈未保存：未知的反馈类型 {kind!r}")
        if (kind == "citation_wrong") != bool(citation_key):
            raise FeedbackRefused("反馈未保存：'引用有误' 需要指明是哪一条引用（且只有它需要）")
        comment = _checked_text(comment, MAX_COMMENT_CHARS, "备注")
        return self._insert(
            "feedback",
            ("answer_id", "kind", "citation_key", "comment", "created_at"),
            (answer_id, kind, citation_key or None, comment, _now()),
            write_id,
        )

    def resolve(self, feedback_id: int, verdict: str, reviewer: str, note: str = "", accept: bool = False) -> int:
        """Record a reviewer's verdict on a flag; with ``accept``, also its gold-set candidate line."""
        if verdict not in VERDICTS:
            raise FeedbackRefused(f"审核未保存：未知的结论 {verdict!r}")
        reviewer = _checked_text(reviewer, MAX_REVIEWER_CHARS, "审核人")
        if not reviewer:
            raise FeedbackRefused("审核未保存：没有审核人（请先登录）")
        note = _checked_text(note, MAX_COMMENT_CHARS, "备注")
        candidate = None
        if accept:
            flag = self._flag(feedback_id)
            if flag is None:
                raise FeedbackRefused(f"审核未保存：没有编号为 {feedback_id} 的待审反馈")
            candidate = json.dumps(candidate_line(flag, verdict, note), ensure_ascii=False)
        return self._insert(
            "reviews",
            ("feedback_id", "verdict", "accepted", "candidate", "reviewer", "note", "created_at"),
            (feedback_id, verdict, int(accept), candidate, reviewer, note, _now()),
        )

    # -- replicas ---------------------------------------------------------------------------

    def join(self, name: str, serves: str, live_s: float) -> list[tuple[str, str]]:
        """Register replica ``name`` as serving ``serves``, unless a replica seen in the last
        ``live_s`` seconds serves something else: then nothing is written and those replicas,
        (name, serves), are returned. Raises ``FeedbackNotSaved`` when the database cannot say."""
        now = datetime.now(UTC)
        since = (now - timedelta(seconds=live_s)).isoformat(timespec="seconds")

        def work() -> list[tuple[str, str]]:
            with self.engine.transaction() as tx:
                others = tx.run(
                    "SELECT name, serves FROM replicas WHERE name <> ? AND seen_at >= ? AND serves <> ? ORDER BY name",
                    (name, since, serves),
                )
                if others:
                    return [(n, s) for n, s in others]
                stamp = now.isoformat(timespec="seconds")
                tx.run("DELETE FROM replicas WHERE name = ?", (name,))
                tx.run("INSERT INTO replicas (name, serves, started_at, seen_at) VALUES (?, ?, ?, ?)",
                       (name, serves, stamp, stamp))
                return []

        if not self._ready:
            self._retrying(self._migrate)
        return self._retrying(work)

    def page_key(self) -> bytes:
        """The key replicas sign pages' conversations with (``conversation``): made by the
        first replica that asks, then the same for all. ``FeedbackNotSaved`` if unreachable."""

        def work() -> bytes:
            with self.engine.transaction() as tx:
                tx.run("INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
                       ("page_key", secrets.token_hex(32)))
                return bytes.fromhex(tx.run("SELECT value FROM settings WHERE name = ?", ("page_key",))[0][0])

        if not self._ready:
            self._retrying(self._migrate)
        return self._retrying(work)

    def heartbeat(self, name: str) -> None:
        """Say that replica ``name`` is still serving (one short write, not retried)."""
        with contextlib.suppress(*self.engine.errors()), self.engine.transaction() as tx:
            tx.run("UPDATE replicas SET seen_at = ? WHERE name = ?", (_now(), name))

    def leave(self, name: str) -> None:
        """Replica ``name`` stops serving (at a clean shutdown)."""
        with contextlib.suppress(*self.engine.errors()), self.engine.transaction() as tx:
            tx.run("DELETE FROM replicas WHERE name = ?", (name,))

    # -- reads ------------------------------------------------------------------------------

    def _read(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        if not self.engine.exists():
            return []  # nothing was ever recorded; do not create a database just to read it
        try:
            with self.engine.reading() as tx:
                version = migrate.version_read_only(self.engine, tx)
                if version == 0 and not self.engine.has_table(tx, "answers"):
                    return []  # an empty database: nothing recorded yet
                if version < len(self._migrations):
                    raise FeedbackError(
                        f"无法读取反馈数据库 {self.where()}：其结构版本 {version} 旧于本程序（{len(self._migrations)}），"
                        "且未能升级" + (f"（{self.problem}）" if self.problem else "")
                    )
                return tx.run(sql, params)
        except self.engine.errors() as exc:
            raise FeedbackError(f"无法读取反馈数据库 {self.where()}：{self.engine.reason(exc)}") from None

    _FLAG_COLUMNS = (
        "SELECT f.id, a.id, f.kind, f.citation_key, f.comment, f.created_at, a.question, a.as_of, a.outcome,"
        " a.answer, a.citations FROM feedback f JOIN answers a ON a.id = f.answer_id"
    )

    def queue(self, limit: int = 100) -> list[Flag]:
        """Flags no reviewer has resolved yet, newest first."""
        rows = self._read(
            f"{self._FLAG_COLUMNS} WHERE f.kind IN ('down', 'citation_wrong')"
            " AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.feedback_id = f.id)"
            " ORDER BY f.id DESC LIMIT ?",
            (int(limit),),
        )
        return [_flag_of(row) for row in rows]

    def _flag(self, feedback_id: int) -> Flag | None:
        rows = self._read(
            f"{self._FLAG_COLUMNS} WHERE f.id = ? AND f.kind IN ('down', 'citation_wrong')", (feedback_id,)
        )
        return _flag_of(rows[0]) if rows else None

    def reviews(self, feedback_id: int) -> list[tuple[str, str, bool, str, str]]:
        """(verdict, reviewer, accepted, note, when) of each action on one flag, oldest first."""
        rows = self._read(
            "SELECT verdict, reviewer, accepted, note, created_at FROM reviews WHERE feedback_id = ? ORDER BY id",
            (feedback_id,),
        )
        return [(v, who, bool(acc), note, when) for v, who, acc, note, when in rows]

    def export_candidates(self, out: TextIO) -> int:
        """Write the gold-set candidate lines reviewers accepted, oldest first."""
        rows = self._read("SELECT candidate FROM reviews WHERE accepted = 1 ORDER BY id")
        for (line,) in rows:
            out.write(line + "\n")
        return len(rows)

    def export_gold(self, out: TextIO) -> int:
        """Write one gold-set line per flagged answer; returns how many were written.

        ``cite_any`` is what the answer cited minus any key a user flagged as wrong; the
        ``flagged`` and ``comment`` fields tell the reviewer why the line is there.
        """
        rows = self._read(
            "SELECT a.id, a.question, a.as_of, a.outcome, a.citations, f.kind, f.citation_key, f.comment"
            " FROM feedback f JOIN answers a ON a.id = f.answer_id"
            " WHERE f.kind IN ('down', 'citation_wrong') ORDER BY a.id, f.id"
        )
        lines = feedback_lines(rows)
        for line in lines:
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
        return len(lines)

    def health(self) -> dict[str, Any]:
        """Whether the database answers now, and at which schema version."""
        try:
            with self.engine.reading() as tx:
                version = migrate.version_read_only(self.engine, tx)
        except self.engine.errors() as exc:
            return {"engine": self.engine.name, "ok": False, "reason": self.engine.reason(exc)}
        return {"engine": self.engine.name, "ok": version == len(self._migrations), "version": version}


def _checked_text(text: str, limit: int, what: str) -> str:
    text = (text or "").strip()
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate pasted from a broken source
        raise FeedbackRefused(f"反馈未保存：{what}含有无法保存的字符，请删去后重试") from None
    if "\x00" in text:  # PostgreSQL cannot store it, SQLite would cut the text there
        raise FeedbackRefused(f"反馈未保存：{what}含有无法保存的字符（NUL），请删去后重试")
    if len(text) > limit:
        raise FeedbackRefused(f"反馈未保存：{what}过长（{len(text)} 字，最多 {limit} 字）")
    return text


def _flag_of(row: tuple[Any, ...]) -> Flag:
    fid, aid, kind, key, comment, at, question, as_of, outcome, answer, citations = row
    return Flag(fid, aid, kind, key, comment, at, question, as_of, outcome, answer, tuple(json.loads(citations)))

"""The two database engines the store runs on: SQLite (embedded, one machine) and PostgreSQL
(shared by several replicas).

Each engine gives the store the same four things: a write transaction (``transaction()``,
yielding a ``Tx`` that runs SQL written with ``?`` placeholders), a read (``reading()``),
whether a failure is worth retrying (``transient``), and a short reason in words a user can
act on (``reason``). SQL is written once, in the subset both engines accept; the only
difference left to an engine is the type of an id column in migrations (``identity``).

Not here: what is stored (``store.Store``), retrying (the store decides how long a user may
wait), or schema versions (``migrate``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any, Protocol

SQLITE_LOCK_TIMEOUT_S = 2.0  # a locked database must fail fast: a user is waiting on the click
PG_CONNECT_TIMEOUT_S = 2
PG_CHECKOUT_TIMEOUT_S = 3.0  # how long a write waits for a pooled connection before it retries


class Tx:
    """One open transaction: ``run`` executes a statement and returns its rows (if any)."""

    def __init__(self, cursor: Any, placeholder: str):
        self._cursor = cursor
        self._placeholder = placeholder

    def run(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        if self._placeholder != "?":
            sql = sql.replace("?", self._placeholder)
        self._cursor.execute(sql, params)
        return self._cursor.fetchall() if self._cursor.description else []


class Engine(Protocol):
    """What the store and migrations need of an engine; a test may wrap a real one."""

    name: str
    identity: str
    default_retry_s: float

    def where(self) -> str: ...
    def exists(self) -> bool: ...
    def prepare(self) -> None: ...
    def transaction(self) -> AbstractContextManager[Tx]: ...
    def reading(self) -> AbstractContextManager[Tx]: ...
    def lock_schema(self, tx: Tx) -> None: ...
    def has_table(self, tx: Tx, name: str) -> bool: ...
    def errors(self) -> tuple[type[BaseException], ...]: ...
    def integrity_error(self, exc: BaseException) -> bool: ...
    def transient(self, exc: BaseException) -> bool: ...
    def reason(self, exc: BaseException) -> str: ...
    def close(self) -> None: ...


class SQLiteEngine:
    """A database file in WAL mode; one short-lived connection per operation, because the
    web app calls from many threads and sqlite3 connections must not cross threads."""

    name = "sqlite"
    identity = "INTEGER PRIMARY KEY"
    default_retry_s = 0.0  # the lock timeout already waits; a user is waiting on the click

    def __init__(self, path: Path | str):
        self.path = Path(path)

    def where(self) -> str:
        return str(self.path)

    def exists(self) -> bool:
        return self.path.is_file()

    def prepare(self) -> None:
        """Create the folder and switch the file to WAL, so readers never block the writer."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise sqlite3.OperationalError(f"无法创建数据库目录 {self.path.parent}（{exc.strerror}）") from None
        conn = self._connect()
        try:
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise sqlite3.OperationalError(f"cannot switch to WAL (journal_mode={mode})")
        finally:
            conn.close()

    def _connect(self) -> sqlite3.Connection:
        # isolation_level=None lets us issue BEGIN IMMEDIATE ourselves, so a write takes the
        # lock up front or fails cleanly before anything is written.
        conn = sqlite3.connect(self.path, timeout=SQLITE_LOCK_TIMEOUT_S, isolation_level=None)
        conn.execute("PRAGMA foreign_keys = ON")
        return conn

    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        conn = self._connect()
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield Tx(conn.cursor(), "?")
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        finally:
            conn.close()

    @contextmanager
    def reading(self) -> Iterator[Tx]:
        # Read-only, so that reading a path never creates a database there.
        conn = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True, timeout=SQLITE_LOCK_TIMEOUT_S)
        try:
            yield Tx(conn.cursor(), "?")
        finally:
            conn.close()

    def lock_schema(self, tx: Tx) -> None:
        """BEGIN IMMEDIATE already holds the only write lock there is."""

    def has_table(self, tx: Tx, name: str) -> bool:
        return bool(tx.run("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?", (name,))[0][0])

    def errors(self) -> tuple[type[BaseException], ...]:
        return (sqlite3.Error,)

    def integrity_error(self, exc: BaseException) -> bool:
        return isinstance(exc, sqlite3.IntegrityError)

    def transient(self, exc: BaseException) -> bool:
        text = str(exc).lower()
        return "locked" in text or "busy" in text

    def reason(self, exc: BaseException) -> str:
        text = str(exc).lower()
        if "locked" in text or "busy" in text:
            return "数据库被占用（locked）"
        if "readonly" in text or "read-only" in text or "read only" in text:
            return "数据库为只读（read-only）"
        return f"数据库不可用（{exc}）"

    def close(self) -> None:
        """Nothing stays open between operations."""


class PostgresEngine:
    """A PostgreSQL server reached through a psycopg connection pool. Connections are checked
    as they are taken from the pool, so after the server restarts a dead one is replaced
    instead of failing a write."""

    name = "postgresql"
    identity = "INTEGER GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"
    default_retry_s = 10.0  # long enough to ride out a server restart or a fail-over

    def __init__(self, url: str, pool_size: int = 8):
        # Imported here: the embedded default must not need the driver to start.
        import psycopg
        from psycopg_pool import ConnectionPool

        self._psycopg = psycopg
        self.url = url
        self.pool = ConnectionPool(
            url,
            min_size=1,
            max_size=pool_size,
            open=False,
            check=ConnectionPool.check_connection,
            kwargs={"connect_timeout": PG_CONNECT_TIMEOUT_S, "application_name": "chujing-assistant"},
            timeout=PG_CHECKOUT_TIMEOUT_S,
            reconnect_timeout=0,  # keep trying for ever: the server may be down for a while
            name="assistant-store",
        )
        self.pool.open(wait=False)  # a server that is down at start must not stop answering

    def where(self) -> str:
        from psycopg.conninfo import conninfo_to_dict

        try:
            info = conninfo_to_dict(self.url)
        except self._psycopg.ProgrammingError:
            return "postgresql://?"
        host = info.get("host") or "localhost"
        port = info.get("port") or "5432"
        return f"postgresql://{host}:{port}/{info.get('dbname', '')}"  # never the password

    def exists(self) -> bool:
        return True

    def prepare(self) -> None:
        """The server and database are the operator's: nothing to create here."""

    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        # The pool's context commits when the block ends cleanly and rolls back otherwise.
        with self.pool.connection() as conn, conn.cursor() as cur:
            yield Tx(cur, "%s")

    @contextmanager
    def reading(self) -> Iterator[Tx]:
        with self.transaction() as tx:
            yield tx

    def lock_schema(self, tx: Tx) -> None:
        # Replicas starting together must not apply the same migration twice.
        tx.run("SELECT pg_advisory_xact_lock(7267001)")

    def has_table(self, tx: Tx, name: str) -> bool:
        found: bool = tx.run("SELECT to_regclass(?) IS NOT NULL", (name,))[0][0]
        return found

    def errors(self) -> tuple[type[BaseException], ...]:
        from psycopg_pool import PoolTimeout

        return (self._psycopg.Error, PoolTimeout)

    def integrity_error(self, exc: BaseException) -> bool:
        return isinstance(exc, self._psycopg.IntegrityError)

    def transient(self, exc: BaseException) -> bool:
        from psycopg_pool import PoolTimeout

        return isinstance(exc, PoolTimeout | self._psycopg.OperationalError)

    def reason(self, exc: BaseException) -> str:
        from psycopg_pool import PoolTimeout

        if isinstance(exc, PoolTimeout | self._psycopg.OperationalError):
            return "数据库暂时无法连接"
        return f"数据库不可用（{type(exc).__name__}）"

    def close(self) -> None:
        self.pool.close()

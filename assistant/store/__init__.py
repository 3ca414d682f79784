"""The assistant's database: answer records, feedback and reviews, on SQLite or PostgreSQL.

``open_store(target)`` picks the engine from the target: a ``postgresql://`` (or
``postgres://``) URL opens a connection pool to that server, anything else is a SQLite file
path. The rest of the program sees one ``Store`` either way.

Not here: the SQL of each operation (``store``), the engines (``engines``), schema versions
(``migrate``).
"""

from __future__ import annotations

from pathlib import Path

from .engines import PostgresEngine, SQLiteEngine
from .migrate import SchemaMismatch, SchemaTooNew
from .store import (
    KINDS,
    VERDICTS,
    FeedbackError,
    FeedbackNotSaved,
    FeedbackRefused,
    Flag,
    Store,
)

__all__ = [
    "KINDS",
    "VERDICTS",
    "FeedbackError",
    "FeedbackNotSaved",
    "FeedbackRefused",
    "Flag",
    "PostgresEngine",
    "SQLiteEngine",
    "SchemaMismatch",
    "SchemaTooNew",
    "Store",
    "is_url",
    "open_store",
]


def is_url(target: str | Path) -> bool:
    return str(target).startswith(("postgresql://", "postgres://"))


def open_store(target: str | Path, retry_s: float | None = None) -> Store:
    """A store on ``target``: a PostgreSQL URL or a SQLite file path."""
    engine = PostgresEngine(str(target)) if is_url(target) else SQLiteEngine(target)
    return Store(engine, retry_s=retry_s)

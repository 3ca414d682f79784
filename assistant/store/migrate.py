"""Numbered schema migrations, the same files for both engines.

``migrations/NNNN_name.sql`` are applied in order, each at most once; ``schema_version``
records which. All pending ones run in one transaction, so a database is never left half
migrated, and under a lock, so replicas starting together apply each once. A database at a
newer version than this code knows is refused (``SchemaTooNew``): old code writing into a
schema it does not understand could lose what the newer code relies on.

Not here: downgrades (a migration is never undone; a mistake is mended by the next one).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import AssistantError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


class SchemaTooNew(AssistantError):
    """The database was migrated by a newer version of the assistant."""

    exit_code = 5


@dataclass(frozen=True)
class Migration:
    number: int
    name: str
    sql: str

    def statements(self, identity: str) -> list[str]:
        text = "\n".join(line for line in self.sql.splitlines() if not line.lstrip().startswith("--"))
        return [s.strip().replace("{id}", identity) for s in text.split(";") if s.strip()]


def load(folder: Path = MIGRATIONS) -> tuple[Migration, ...]:
    found = []
    for path in sorted(folder.glob("*.sql")):
        match = _NAME.match(path.name)
        if not match:
            raise ValueError(f"migration file not named NNNN_name.sql: {path.name}")
        found.append(Migration(int(match.group(1)), path.stem, path.read_text(encoding="utf-8")))
    numbers = [m.number for m in found]
    if numbers != list(range(1, len(found) + 1)):
        raise ValueError(f"migrations must be numbered 1, 2, 3 … without gaps: {numbers}")
    return tuple(found)


def latest() -> int:
    return len(load())


def version_read_only(engine, tx) -> int:
    """The version recorded, without creating anything (0: none recorded)."""
    if not engine.has_table(tx, "schema_version"):
        return 0
    return int(tx.run("SELECT coalesce(max(version), 0) FROM schema_version")[0][0])


def current_version(tx) -> int:
    tx.run("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, applied_at TEXT NOT NULL)")
    return int(tx.run("SELECT coalesce(max(version), 0) FROM schema_version")[0][0])


def apply(engine, now: str, migrations: tuple[Migration, ...] | None = None) -> int:
    """Bring the database to the newest version; returns that version."""
    migrations = load() if migrations is None else migrations
    latest = migrations[-1].number if migrations else 0
    with engine.transaction() as tx:
        engine.lock_schema(tx)
        version = current_version(tx)
        if version > latest:
            raise SchemaTooNew(
                f"数据库 {engine.where()} 的结构版本为 {version}，本程序只认识到 {latest}："
                "它由更新版本的助手写入。请升级本程序后再启动，不要用旧版本写入它。"
            )
        for migration in migrations[version:]:
            for statement in migration.statements(engine.identity):
                tx.run(statement)
            tx.run("INSERT INTO schema_version (version, applied_at) VALUES (?, ?)", (migration.number, now))
    return latest

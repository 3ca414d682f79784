"""Numbered schema migrations, the same files for both engines.

``migrations/NNNN_name.sql`` are applied in order, each at most once; ``schema_version``
records which. All pending ones run in one transaction, so a database is never left half
migrated, and under a lock, so replicas starting together apply each once. A database at a
newer version than this code knows is refused (``SchemaTooNew``): old code writing into a
schema it does not understand could lose what the newer code relies on. So is one whose
applied migrations differ from these files (``SchemaMismatch``): each applied migration's
digest is recorded, because a migration edited after it ran leaves databases migrated
before and after the edit with different schemas under one version number.

Not here: downgrades. A migration, once applied anywhere, is never edited or undone; a
mistake is mended by the next one.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import AssistantError

if TYPE_CHECKING:
    from .engines import Engine, Tx

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


class SchemaTooNew(AssistantError):
    """The database was migrated by a newer version of the assistant."""

    exit_code = 5


class SchemaMismatch(SchemaTooNew):
    """The database's applied migrations are not the ones in this code."""


@dataclass(frozen=True)
class Migration:
    number: int
    name: str
    sql: str

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.sql.encode("utf-8")).hexdigest()

    def statements(self, identity: str) -> list[str]:
        text = "\n".join(line for line in self.sql.splitlines() if not line.lstrip().startswith("--"))
        return [s.strip().replace("{id}", identity) for s in text.split(";") if s.strip()]


def load(folder: Path = MIGRATIONS) -> tuple[Migration, ...]:
    found = []
    for path in sorted(folder.glob("*.sql")):
        match = _NAME.match(path.name)
        if not match:
            raise ValueError(f"migration file not named NNNN_name.sql: {path.name}")
        sql = path.read_text(encoding="utf-8")
        if "?" in sql or "%" in sql:  # both engines would read them as placeholders
            raise ValueError(f"migration {path.name} holds '?' or '%': write it without them")
        found.append(Migration(int(match.group(1)), path.stem, sql))
    numbers = [m.number for m in found]
    if numbers != list(range(1, len(found) + 1)):
        raise ValueError(f"migrations must be numbered 1, 2, 3 … without gaps: {numbers}")
    return tuple(found)


def version_read_only(engine: Engine, tx: Tx) -> int:
    """The version recorded, without creating anything (0: none recorded)."""
    if not engine.has_table(tx, "schema_version"):
        return 0
    return int(tx.run("SELECT coalesce(max(version), 0) FROM schema_version")[0][0])


def applied(tx: Tx) -> dict[int, str]:
    """Version → digest of each migration applied (creating the record on first use)."""
    tx.run("CREATE TABLE IF NOT EXISTS schema_version"
           " (version INTEGER NOT NULL, applied_at TEXT NOT NULL, digest TEXT NOT NULL)")
    return {int(v): d for v, d in tx.run("SELECT version, digest FROM schema_version")}


def apply(engine: Engine, now: str, migrations: tuple[Migration, ...] | None = None) -> int:
    """Bring the database to the newest version; returns that version."""
    migrations = load() if migrations is None else migrations
    latest = migrations[-1].number if migrations else 0
    with engine.transaction() as tx:
        engine.lock_schema(tx)
        done = applied(tx)
        version = max(done, default=0)
        if version > latest:
            raise SchemaTooNew(
                f"数据库 {engine.where()} 的结构版本为 {version}，本程序只认识到 {latest}："
                "它由更新版本的助手写入。请升级本程序后再启动，不要用旧版本写入它。"
            )
        changed = [m.number for m in migrations[:version] if done.get(m.number) != m.digest]
        if changed:
            raise SchemaMismatch(
                f"数据库 {engine.where()} 已应用的结构迁移 {changed} 与本程序中的文件不同（迁移在应用后被改动过）。"
                "请勿改动已发布的迁移；由维护者核对后再启动。"
            )
        for migration in migrations[version:]:
            for statement in migration.statements(engine.identity):
                tx.run(statement)
            tx.run("INSERT INTO schema_version (version, applied_at, digest) VALUES (?, ?, ?)",
                   (migration.number, now, migration.digest))
    return latest

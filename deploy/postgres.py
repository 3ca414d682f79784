"""A PostgreSQL server of the project's own, on loopback, in a folder it owns.

``start(folder, port)`` creates the cluster on first use (``initdb``), starts it and makes
sure the ``assistant`` database exists; it returns the URL to give ``ASSISTANT_DB``.
``stop(folder)`` stops it. Used by the tests (a server in a temporary folder) and by
``make cluster`` (a server under ``var/cluster/``).

PostgreSQL refuses to run as root; when started by root (CI, containers) the server runs as
the ``postgres`` user that Debian's package creates, and the folder is handed to it.

Not here: installing the binaries (``make postgres`` does, from Debian's package), tuning,
or anything a production server needs (backups, TLS, passwords): see docs/deployment.md.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
from pathlib import Path

USER = "assistant"
DATABASE = "assistant"


def bin_dir() -> Path:
    """The folder of ``initdb`` and ``pg_ctl``: Debian keeps them off PATH."""
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if not versions:
        raise FileNotFoundError("PostgreSQL is not installed: run `make postgres` (Debian's postgresql package)")
    return Path(versions[-1]).parent


def _as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


def _hand_over(folder: Path) -> None:
    if os.geteuid() == 0:
        entry = pwd.getpwnam("postgres")
        os.chown(folder, entry.pw_uid, entry.pw_gid)


def url(port: int) -> str:
    return f"postgresql://{USER}@127.0.0.1:{port}/{DATABASE}"


def start(folder: Path, port: int) -> str:
    """Start (creating on first use) the server whose data live in ``folder``; returns its URL."""
    folder = Path(folder).resolve()
    data = folder / "data"
    tools = bin_dir()
    if not (data / "PG_VERSION").exists():
        folder.mkdir(parents=True, exist_ok=True)
        data.mkdir(mode=0o700, exist_ok=True)
        _hand_over(folder)
        _hand_over(data)
        subprocess.run(
            _as_server_user([str(tools / "initdb"), "-D", str(data), "-U", USER, "-A", "trust",
                             "-E", "UTF8", "--locale", "C.UTF-8"]),
            check=True, capture_output=True,
        )
    options = f"-p {port} -c listen_addresses=127.0.0.1 -k {data} -c max_connections=200"
    subprocess.run(
        _as_server_user([str(tools / "pg_ctl"), "-D", str(data), "-l", str(data / "server.log"), "-w",
                         "-t", "60", "-o", options, "start"]),
        check=True, capture_output=True,
    )
    import psycopg  # the project's own dependency; only the server comes from Debian

    with psycopg.connect(f"postgresql://{USER}@127.0.0.1:{port}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,)).fetchone():
            conn.execute(f'CREATE DATABASE "{DATABASE}"')
    return url(port)


def stop(folder: Path, mode: str = "fast") -> None:
    """Stop the server of ``folder`` if it runs (``mode``: fast, immediate)."""
    data = Path(folder).resolve() / "data"
    if not (data / "postmaster.pid").exists():
        return
    subprocess.run(
        _as_server_user([str(bin_dir() / "pg_ctl"), "-D", str(data), "-m", mode, "-w", "stop"]),
        check=False, capture_output=True,
    )

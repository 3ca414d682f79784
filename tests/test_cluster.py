"""The cluster recipe, run: PostgreSQL, two replicas and nginx on loopback in a temporary
folder (``deploy/cluster.py``, what ``make cluster`` runs), then a replica killed and revived,
then everything stopped. ``slow``: the replicas load the index (about half a minute)."""

from __future__ import annotations

import json
import os
import signal
import socket
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

from deploy import cluster
from tests.appserver import free_port

pytestmark = pytest.mark.slow


def _get(url: str, body: dict | None = None) -> tuple[int, dict]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:  # a fresh client: no cookie
        return response.status, json.loads(response.read())


def _eventually(check, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return False


def _free_pair() -> int:
    """A port that is free, and so is the next one (the replicas listen on consecutive ports)."""
    for _ in range(100):
        first = free_port()
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", first + 1))
            except OSError:
                continue
        return first
    raise RuntimeError("no two consecutive free ports")


@pytest.fixture
def layout(real_index):  # the replicas serve the session's index (ASSISTANT_INDEX_DIR), built first
    home = Path(tempfile.mkdtemp(prefix="assistant-cluster-"))
    home.chmod(0o755)  # the database server runs as its own user and must reach its folder
    found = cluster.Layout(home, replicas=2, port=free_port(), first_replica_port=_free_pair(), pg_port=free_port())
    try:
        yield found
    finally:
        cluster.down(found)


def test_the_cluster_serves_survives_a_dead_replica_and_stops_whole(layout):
    cluster.up(layout)
    assert cluster.status(layout) == 0
    balancer = f"http://127.0.0.1:{layout.port}/"
    seen = {_get(balancer + "healthz")[1]["replica"] for _ in range(20)}
    assert seen == {"replica-1", "replica-2"}  # fresh browsers are spread over both
    code, body = _get(balancer + "healthz")
    assert code == 200 and body["database"] == {"engine": "postgresql", "ok": True, "version": 3}

    import psycopg

    code, answer = _get(balancer + "api/ask", {"question": "标准合同生效后多久要备案？", "as_of": "2025-06-01"})
    assert code == 200 and "10个工作日" in answer["answer"]
    with psycopg.connect((layout.run / "db_url").read_text()) as conn:
        assert conn.execute("SELECT question FROM answers WHERE id = %s", (answer["record"],)).fetchone()

    os.killpg(int((layout.run / "replica-1.pid").read_text()), signal.SIGKILL)
    # every request still answered, by the replica left
    assert {_get(balancer + "healthz")[1]["replica"] for _ in range(10)} == {"replica-2"}
    config = layout.nginx / "nginx.conf"
    assert _eventually(lambda: f"{layout.first_replica_port} max_fails=3 fail_timeout=5s down" in config.read_text())

    cluster.revive(layout)
    assert _eventually(lambda: " down;" not in config.read_text())
    assert _eventually(lambda: {_get(balancer + "healthz")[1]["replica"] for _ in range(20)} == {"replica-1", "replica-2"})

    pids = [int(p.read_text()) for p in layout.run.glob("*.pid")]
    cluster.down(layout)
    assert not any(cluster._alive(pid) for pid in pids)
    assert not (layout.home / "pg" / "data" / "postmaster.pid").exists()
    assert cluster.status(layout) == 1

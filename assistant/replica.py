"""What one serving replica is: its name, what it serves, and how it reports its health.

Replicas behind a load balancer must give the same answer to the same question, so each
one, at start, compares what it serves with the replicas alive in the shared database and
refuses to serve beside any that differ (``join``). What a replica serves is a digest of
its index manifest: the corpus, the term lists, the glosses, the embedder and the trained
relevance model (build times and counts left out: they differ between identical builds).

``Monitor.health`` is the body of ``GET /healthz``: this replica's name and digest and the
database's state (checked in the background); the balancer's watcher (``deploy/cluster.py``)
takes a replica out of rotation while it does not answer.

Not here: serving HTTP (``web``), the database (``store``).
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .errors import AssistantError
from .store import FeedbackNotSaved, Store

LIVE_S = 30.0  # a replica not heard from for this long is taken to be gone
HEARTBEAT_S = 10.0
CHECK_S = 2.0  # how stale the database state /healthz reports may be
_SERVED = ("format", "corpus_digest", "terms_digest", "glosses_digest", "relevance_model", "embedder", "dim")


class ReplicaMismatch(AssistantError):
    """Other live replicas serve another index: answering beside them would be inconsistent."""

    exit_code = 6


def serving_digest(manifest: Mapping[str, Any]) -> str:
    served = {key: manifest.get(key) for key in _SERVED}
    return hashlib.sha256(json.dumps(served, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True)
class Replica:
    name: str
    serves: str
    manifest: Mapping[str, Any]

    def join(self, store: Store, required: bool) -> None:
        """Register beside the live replicas, or raise ``ReplicaMismatch``. When the database
        cannot be asked, a ``required`` check (a shared database) refuses to serve."""
        try:
            others = store.join(self.name, self.serves, LIVE_S)
        except FeedbackNotSaved as exc:
            if required:
                raise ReplicaMismatch(f"无法与其他副本核对所用索引，拒绝启动：{exc}") from None
            return
        if others:
            listed = "、".join(f"{name}（{serves[:12]}）" for name, serves in others)
            raise ReplicaMismatch(
                f"本副本 {self.name} 的索引（{self.serves[:12]}）与仍在服务的副本不同：{listed}。"
                "请用同一语料、嵌入模型和相关性模型构建索引后再启动。"
            )

    def health(self, database: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "status": "ok" if database.get("ok") else "degraded",
            "replica": self.name,
            "serves": self.serves,
            "corpus_digest": self.manifest.get("corpus_digest"),
            "embedder": self.manifest.get("embedder"),
            "relevance_model": self.manifest.get("relevance_model"),
            "database": dict(database),
        }


class Monitor:
    """Keeps a replica's health fresh in the background: the database's state every
    ``CHECK_S`` seconds and the heartbeat every ``HEARTBEAT_S``. ``health()`` returns the last
    state at once, so ``/healthz`` never waits on the database or on a worker thread busy with
    answers: under load a health check that waited was taken for a dead replica."""

    def __init__(self, replica: Replica, store: Store):
        self.replica, self.store = replica, store
        self._database: dict[str, Any] = store.health()
        self._lock = threading.Lock()

    def health(self) -> dict[str, Any]:
        with self._lock:
            return self.replica.health(self._database)

    def start(self, stop: threading.Event) -> threading.Thread:
        """Run until ``stop`` is set."""

        def watch() -> None:
            since_beat = 0.0
            while not stop.wait(CHECK_S):
                database = self.store.health()
                with self._lock:
                    self._database = database
                since_beat += CHECK_S
                if since_beat >= HEARTBEAT_S:
                    self.store.heartbeat(self.replica.name)
                    since_beat = 0.0

        thread = threading.Thread(target=watch, name=f"monitor-{self.replica.name}", daemon=True)
        thread.start()
        return thread

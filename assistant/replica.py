"""What one serving replica is: its name, what it serves, and how it reports its health.

Replicas behind a load balancer must give the same answer to the same question, so each
one, at start, compares what it serves with the replicas alive in the shared database and
refuses to serve beside any that differ (``join``). What a replica serves is a digest of
its index manifest: the corpus, the term lists, the glosses, the embedder and the trained
relevance model (build times and counts left out: they differ between identical builds).

``health`` is the body of ``GET /healthz``: this replica's name and digest and the
database's state; the balancer's watcher (``deploy/cluster.py``) takes a replica out of
rotation while it fails.

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

    def keep_alive(self, store: Store, stop: threading.Event) -> threading.Thread:
        """Say every ``HEARTBEAT_S`` seconds that this replica still serves, until ``stop``."""

        def beat() -> None:
            while not stop.wait(HEARTBEAT_S):
                store.heartbeat(self.name)

        thread = threading.Thread(target=beat, name=f"heartbeat-{self.name}", daemon=True)
        thread.start()
        return thread

    def health(self, store: Store) -> dict[str, Any]:
        database = store.health()
        return {
            "status": "ok" if database["ok"] else "degraded",
            "replica": self.name,
            "serves": self.serves,
            "corpus_digest": self.manifest.get("corpus_digest"),
            "embedder": self.manifest.get("embedder"),
            "relevance_model": self.manifest.get("relevance_model"),
            "database": database,
        }

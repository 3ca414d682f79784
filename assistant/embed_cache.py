"""Vectors kept between index builds (and training runs), keyed by embedder and exact text.

Embedding is nearly all of an index build; a rebuild after one corpus file changed should
embed only that file's chunks. ``embed_with_cache`` looks every text up by the SHA-256 of its
exact text in one ``.npz`` file per embedder (and kind: passages or questions), embeds the
ones it lacks, and rewrites the file: with this build's passages only (so it never grows past
one corpus), or with every question seen so far (training's sets, embedded in turn).

A cache that cannot be read, or whose vectors have another dimension, is ignored and
rewritten: it is a speed-up, never a source of truth. The file is replaced atomically, so an
interrupted build leaves the old cache or the new one, not half of either.

Not here: which passages to embed (``index``), or the embedders themselves (``embed``).
"""

from __future__ import annotations

import hashlib
import os
import re
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from .embed import Embedder


def cache_file(cache_dir: Path, embedder_id: str) -> Path:
    """One file per embedder; the id is made safe for a file name."""
    return cache_dir / (re.sub(r"[^A-Za-z0-9._-]+", "_", embedder_id) + ".npz")


def _text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _load(path: Path) -> dict[str, np.ndarray]:
    try:
        with np.load(path, allow_pickle=False) as data:
            keys, vectors = data["keys"], data["vectors"]
    except (OSError, KeyError, ValueError, zipfile.BadZipFile):
        return {}  # missing or unreadable: embed everything again
    if vectors.ndim != 2 or len(keys) != len(vectors):
        return {}
    return {str(k): v for k, v in zip(keys, vectors, strict=True)}


def embed_with_cache(
    embedder: Embedder,
    texts: Sequence[str],
    cache_dir: Path | None,
    progress: Callable[[int], object] | None = None,  # what it returns is ignored
    batch: int = 16,
    queries: bool = False,
) -> tuple[np.ndarray, int]:
    """(one float32 row per text, how many texts were embedded afresh). ``queries`` embeds
    them as questions (the model's query prefix) and keeps them in a file of their own, which
    grows with every call (training embeds several sets in turn); the passage file keeps only
    the last call's texts, one corpus's worth."""
    path = cache_file(cache_dir, embedder.id + (":queries" if queries else "")) if cache_dir else None
    embed = embedder.embed_queries if queries else embedder.embed_passages
    known = _load(path) if path else {}
    keys = [_text_key(t) for t in texts]
    missing = [i for i, k in enumerate(keys) if k not in known]
    fresh: dict[str, np.ndarray] = {}
    for start in range(0, len(missing), batch):
        part = missing[start : start + batch]
        rows = embed([texts[i] for i in part])
        fresh.update((keys[i], row) for i, row in zip(part, rows, strict=True))
        if progress:
            progress(len(part))
    found = known | fresh
    dims = {found[k].shape for k in keys}
    if len(dims) > 1:
        # cached vectors of another dimension (a changed model behind the same id): start over
        return embed_with_cache(embedder, texts, None, progress, batch, queries)[0], len(texts)
    matrix = np.vstack([found[k] for k in keys]).astype(np.float32) if keys else np.zeros((0, 0), np.float32)
    if path:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp.npz")
        unique = dict.fromkeys([*known, *keys] if queries else keys)
        np.savez(tmp, keys=np.array(list(unique)), vectors=np.vstack([found[k] for k in unique]) if unique else matrix)
        os.replace(tmp, path)
    return matrix, len(missing)

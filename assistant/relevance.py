"""The trained part of retrieval, loaded from files the training command (``eval.train``) wrote.

Four pieces, all learned from labelled questions of the training split and shipped as data
(``data/relevance/``: ``model.npz`` for the arrays, ``card.json`` for what they were trained
on, the seed and the figures):

- an adapter: a linear map applied to the query vector before it is compared with the
  passages, fitted so that labelled questions land near the units that answer them;
- a bank of labelled questions (their vectors and the units each one cites): the nearest ones
  vote for their units, so a question worded like one asked before reaches the same units;
- the fusion weights of every retrieval leg and flag (``retrieve.Fusion``);
- when to refuse a question (worded like the unanswered labelled questions) and when to admit
  one that the lexicon alone would call out of scope (worded like the answered ones).

Everything here is numpy on the question path: no torch, no training, no network. A model is
used only with the embedder it was trained for; with any other, retrieval falls back to the
hand-set fusion. Not here: computing the other legs (``retrieve``) or training (``eval.train``).
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .errors import IndexError_

if TYPE_CHECKING:
    from .retrieve import Fusion

DEFAULT_MODEL_DIR = Path(__file__).parent / "data" / "relevance"
FILES = ("model.npz", "card.json")


@dataclass(frozen=True)
class RelevanceModel:
    adapter: np.ndarray  # (dim, dim): query vector -> adapted query vector
    bank: np.ndarray  # (questions, dim) unit vectors of the labelled questions
    bank_units: tuple[tuple[str, ...], ...]  # the units each labelled question cites; () for one
    # the texts do not answer (labelled not_covered): it votes for no unit, and for refusing
    neighbours: int  # how many nearest labelled questions vote
    power: float  # a vote weighs similarity ** power
    fusion: Fusion
    refuse_above: float | None  # refuse when the refusal score (below) exceeds this
    card: Mapping[str, Any]
    digest: str  # SHA-256 over the model's files: the index manifest records it
    # A logistic classifier over ``refusal_features``; None: the score is the vote itself.
    refusal_weights: np.ndarray | None = None
    # what the score is: "vote" the vote itself; "margin" how much nearer the question is to
    # the nearest unanswered labelled question than to the nearest answered one; or what a
    # classifier reads: "classifier" the question's vector and the vote, "similarity" the vote
    # and the question's nearness to answered and to unanswered labelled questions
    refusal_kind: str = "vote"
    # A question the lexicon does not place in the subject is admitted to retrieval when it is
    # nearer to an answered labelled question than to any unanswered one by more than this;
    # None: never.
    admit_above: float | None = None
    # A logistic classifier over ``retrieve.support_features``: the probability that a hit
    # below the best is a right citation too, cited from ``support_above`` up. None: the
    # composer keeps hits by score alone.
    support_weights: np.ndarray | None = None
    support_above: float = 0.5

    def adapt(self, vector: np.ndarray) -> np.ndarray:
        adapted = self.adapter @ vector
        unit: np.ndarray = adapted / max(float(np.linalg.norm(adapted)), 1e-12)
        return unit  # (numpy types the quotient Any)

    def _nearest(self, vector: np.ndarray) -> list[tuple[int, float]]:
        """(bank row, weight) of the nearest labelled questions."""
        sims = self.bank @ vector
        top = np.argpartition(-sims, min(self.neighbours, len(sims)) - 1)[: self.neighbours]
        return [(int(i), max(float(sims[i]), 0.0) ** self.power) for i in top]

    def neighbour_votes(self, vector: np.ndarray) -> dict[str, float]:
        """Per unit, the votes of the nearest labelled questions, scaled so the best is 1."""
        votes: dict[str, float] = {}
        for i, weight in self._nearest(vector):
            for key in self.bank_units[i]:
                votes[key] = votes.get(key, 0.0) + weight / len(self.bank_units[i])
        best = max(votes.values(), default=0.0)
        return {k: v / best for k, v in votes.items()} if best > 0 else {}

    def refusal_vote(self, vector: np.ndarray) -> float:
        """The weighted share of the nearest labelled questions that the texts do not answer."""
        nearest = self._nearest(vector)
        total = sum(w for _, w in nearest)
        return sum(w for i, w in nearest if not self.bank_units[i]) / total if total > 0 else 0.0

    def nearness(self, vector: np.ndarray) -> tuple[float, float]:
        """Similarity of the nearest labelled question the texts answer, and of the nearest
        one they do not."""
        sims = self.bank @ vector
        unanswered = np.fromiter((not u for u in self.bank_units), dtype=bool, count=len(self.bank_units))
        return float(sims[~unanswered].max(initial=0.0)), float(sims[unanswered].max(initial=0.0))

    def admits(self, vector: np.ndarray) -> bool:
        if self.admit_above is None:
            return False
        answered, unanswered = self.nearness(vector)
        return answered - unanswered > self.admit_above

    def refusal_features(self, vector: np.ndarray) -> np.ndarray:
        """What the refusal classifier reads (``refusal_kind``), then a constant."""
        vote = self.refusal_vote(vector)
        if self.refusal_kind == "similarity":
            return np.array([vote, *self.nearness(vector), 1.0])
        return np.concatenate([vector, [vote, 1.0]])

    def refusal_score(self, vector: np.ndarray) -> float:
        if self.refusal_kind == "margin":
            answered, unanswered = self.nearness(vector)
            return unanswered - answered
        if self.refusal_kind == "vote" or self.refusal_weights is None:
            return self.refusal_vote(vector)
        return float(1.0 / (1.0 + np.exp(-float(self.refusal_features(vector) @ self.refusal_weights))))

    def support(self, features: np.ndarray) -> np.ndarray:
        """The probability each row of ``features`` describes a right citation."""
        if self.support_weights is None:
            raise ValueError("this model has no citation support classifier")
        probability: np.ndarray = 1.0 / (1.0 + np.exp(-(features @ self.support_weights)))
        return probability  # (numpy types the quotient Any)

    def cites_beside(self, features: np.ndarray) -> np.ndarray:
        """Whether each row of ``features`` describes a unit to cite beside the best."""
        cite: np.ndarray = self.support(features) >= self.support_above
        return cite  # (numpy types the comparison Any)

    def refuses(self, vector: np.ndarray) -> bool:
        # (a margin, so a score equal to the threshold up to rounding is not a refusal)
        return self.refuse_above is not None and self.refusal_score(vector) > self.refuse_above + 1e-6


def text_fingerprint(text: str) -> int:
    """A 64-bit fingerprint of a question's letters and digits (case and width folded), kept
    for every bank entry so a test can prove no test-split question was trained on."""
    folded = "".join(ch for ch in unicodedata.normalize("NFKC", text).lower() if ch.isalnum())
    return int.from_bytes(hashlib.sha256(folded.encode()).digest()[:8], "big")


def bank_fingerprints(folder: Path) -> set[int]:
    with np.load(folder / "model.npz", allow_pickle=False) as data:
        return {int(x) for x in data["bank_fingerprints"]}


def model_digest(folder: Path) -> str:
    h = hashlib.sha256()
    for name in FILES:
        h.update(name.encode() + b"\0" + (folder / name).read_bytes() + b"\0")
    return h.hexdigest()


def load_relevance(folder: Path, embedder_id: str) -> RelevanceModel | None:
    """The model in ``folder`` when it was trained for ``embedder_id``; None when the folder
    holds no model or one for another embedder. Unreadable files are an ``IndexError_``."""
    from .retrieve import Fusion

    if not (folder / "card.json").is_file():
        return None
    try:
        card = json.loads((folder / "card.json").read_text(encoding="utf-8"))
        if card.get("embedder") != embedder_id:
            return None
        with np.load(folder / "model.npz", allow_pickle=False) as data:
            adapter = data["adapter"].astype(np.float32)
            bank = data["bank"].astype(np.float32)
            keys = [str(k) for k in data["unit_keys"]]
            offsets = data["bank_offsets"]
            flat = data["bank_unit_ids"]
            weights = data["refusal_weights"].astype(np.float64) if "refusal_weights" in data.files else None
            support = data["support_weights"].astype(np.float64) if "support_weights" in data.files else None
        units = tuple(tuple(keys[j] for j in flat[offsets[i] : offsets[i + 1]]) for i in range(len(bank)))
        fusion = Fusion(tuple(card["fusion"]["legs"]), tuple(card["fusion"]["flags"]), card["fusion"]["explicit"])
        return RelevanceModel(
            adapter=adapter,
            bank=bank,
            bank_units=units,
            neighbours=int(card["neighbours"]),
            power=float(card["power"]),
            fusion=fusion,
            refuse_above=card.get("refuse_above"),
            card=card,
            digest=model_digest(folder),
            refusal_weights=weights,
            refusal_kind=str(card.get("refusal", "vote")),
            admit_above=card.get("admit_above"),
            support_weights=support,
            support_above=float(card.get("support_above", 0.5)),
        )
    except (OSError, KeyError, ValueError, TypeError) as problem:
        raise IndexError_(f"the relevance model in {folder} cannot be read: {problem}") from None


def save_relevance(
    folder: Path,
    adapter: np.ndarray,
    bank: np.ndarray,
    bank_units: list[tuple[str, ...]],
    bank_texts: list[str],
    card: Mapping[str, Any],
    refusal_weights: np.ndarray | None = None,
    support_weights: np.ndarray | None = None,
) -> None:
    """Write the arrays and the card (training only)."""
    folder.mkdir(parents=True, exist_ok=True)
    keys = sorted({k for units in bank_units for k in units})
    ids = {k: i for i, k in enumerate(keys)}
    offsets = np.cumsum([0] + [len(u) for u in bank_units]).astype(np.int32)
    flat = np.array([ids[k] for units in bank_units for k in units], dtype=np.int32)
    with (folder / "model.npz").open("wb") as out:
        np.savez_compressed(
            out,
            adapter=adapter.astype(np.float32),
            bank=bank.astype(np.float16),
            unit_keys=np.array(keys),
            bank_offsets=offsets,
            bank_unit_ids=flat,
            bank_fingerprints=np.array([text_fingerprint(t) for t in bank_texts], dtype=np.uint64),
            # (mypy checks an unpacked dict against allow_pickle too; its keys are arrays' names)
            **{name: w.astype(np.float64) for name, w in  # type: ignore[arg-type]
               (("refusal_weights", refusal_weights), ("support_weights", support_weights)) if w is not None},
        )
    (folder / "card.json").write_text(json.dumps(card, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

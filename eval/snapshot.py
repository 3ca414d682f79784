"""Record what the assistant does with every question of every set, and compare two records.

A refactoring that must leave behaviour unchanged is checked question by question: take a
snapshot before, one after, and ``--compare`` lists every question whose answer, citations,
quotes, rule decision or top-ten ranking differ. Timings are left out (they always differ).

    python -m eval.snapshot before.jsonl
    python -m eval.snapshot after.jsonl --compare before.jsonl

Not here: scoring (``runner``) — a snapshot says what changed, not whether it got better.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from assistant.api import Assistant
from assistant.config import Config
from assistant.embed import Embedder, make_embedder

from .manifest import load_manifest


class _OnceEachQuestion:
    """The embedder, remembering the last question's vector: ``ask`` and ``retrieve`` embed
    the same text one after the other, and embedding is nearly all the time a snapshot takes."""

    def __init__(self, inner: Embedder) -> None:
        self.inner, self.id = inner, inner.id
        self.last: tuple[tuple[str, ...], npt.NDArray[np.float32]] | None = None

    @property
    def dim(self) -> int:
        return self.inner.dim

    def embed_queries(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        key = tuple(texts)
        if self.last is None or self.last[0] != key:
            self.last = (key, self.inner.embed_queries(texts))
        return self.last[1].copy()  # a caller may scale its vector in place

    def embed_passages(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        return self.inner.embed_passages(texts)


def snapshot(assistant: Assistant, out: Path) -> int:
    """Write one line per (set, question); return how many."""
    count = 0
    with out.open("w", encoding="utf-8") as f:
        for qs in load_manifest():
            for item in qs.items():
                answer = assistant.ask(item.question, item.as_of).to_dict()
                answer.pop("timings_ms", None)
                ranked = [h.key for h in assistant.retrieve(item.question, item.as_of, k=10)]
                row = {"set": qs.name, "id": item.id, "answer": answer, "ranked": ranked}
                f.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
                count += 1
    return count


def compare(before: Path, after: Path) -> list[str]:
    """The "set/id" of every question whose record differs, or is missing on either side."""

    def rows(path: Path) -> dict[str, str]:
        out = {}
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            out[f"{row['set']}/{row['id']}"] = line
        return out

    a, b = rows(before), rows(after)
    return sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.snapshot")
    parser.add_argument("out", type=Path)
    parser.add_argument("--compare", type=Path, help="an earlier snapshot: list what moved")
    args = parser.parse_args(argv)
    config = Config.from_env()
    count = snapshot(Assistant.from_config(config, embedder=_OnceEachQuestion(make_embedder(config.embedder))), args.out)
    print(f"{count} questions recorded in {args.out}")
    if args.compare:
        moved = compare(args.compare, args.out)
        print(f"{len(moved)} moved" + "".join(f"\n  {k}" for k in moved))
        return 1 if moved else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())

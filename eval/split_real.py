"""``python -m eval.split_real FILE --suffix N``: split a collection of real questions by source.

Questions asked in public come in clusters: one law firm's FAQ shares its voice, its topics and
often its wording. Splitting question by question would let a firm's other questions train
what its measured ones test, so whole sources are assigned: by a hash of the source (45% train,
20% dev, 35% test), except the collection's largest source, which always trains so that no
measured split is one source's voice. The assignment depends on the source alone, so it is
fixed before anything is measured. A platform where many authors write (WeChat, Zhihu,
GitHub …) is no source: each of its pages is.

Writes ``eval/real/{train,dev,test}{N}.jsonl``; each line gets its ``source``. Not here: the
manifest entries (added by hand, with the collection's provenance), labelling.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import urlparse

from .manifest import ROOT

PLATFORMS = frozenset({
    "mp.weixin.qq.com", "github.com", "freewechat.com", "zhihu.com", "zhuanlan.zhihu.com",
    "baike.baidu.com", "zhidao.baidu.com", "linkedin.com", "reddit.com",
})
SPLITS = ("train", "dev", "test")


def source_of(url: str) -> str:
    """The host without ``www.``; a page of its own on a platform; one network of sites as one."""
    parsed = urlparse(url if "://" in url else "http://" + url)
    host = parsed.netloc.lower().removeprefix("www.")
    if host.startswith("jiaxi"):  # one publisher's network of mirror sites
        return "jiaxi-network"
    return host + parsed.path if host in PLATFORMS else host


def split_of(source: str, largest: str) -> str:
    if source == largest:
        return "train"
    bucket = int(hashlib.sha256(source.encode()).hexdigest(), 16) % 100
    return "train" if bucket < 45 else "dev" if bucket < 65 else "test"


def split_rows(rows: list[dict]) -> dict[str, list[dict]]:
    sources = [source_of(r["source_url"]) for r in rows]
    largest = Counter(sources).most_common(1)[0][0] if rows else ""
    out: dict[str, list[dict]] = {s: [] for s in SPLITS}
    for row, source in zip(rows, sources, strict=True):
        out[split_of(source, largest)].append({**row, "source": source})
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.split_real")
    parser.add_argument("file", type=Path)
    parser.add_argument("--suffix", required=True, help="appended to each split's file name")
    parser.add_argument("--into", type=Path, default=ROOT / "eval" / "real")
    args = parser.parse_args(argv)
    rows = [json.loads(line) for line in args.file.read_text(encoding="utf-8").splitlines() if line.strip()]
    for split, part in split_rows(rows).items():
        path = args.into / f"{split}{args.suffix}.jsonl"
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in part), encoding="utf-8")
        print(f"{path}: {len(part)} questions from {len({r['source'] for r in part})} sources", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

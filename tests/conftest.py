"""Shared fixtures: the real assistant over the real corpus (one per session), a tiny
corpus written to a temporary folder, and a deterministic embedder for index tests."""

from __future__ import annotations

import hashlib
import itertools
from pathlib import Path

import numpy as np
import pytest

from assistant.api import Assistant
from assistant.config import Config

ROOT = Path(__file__).resolve().parent.parent


class HashEmbedder:
    """Deterministic stand-in: character bigrams hashed into 64 dimensions, normalised.
    Similar texts share bigrams, so nearest neighbours are meaningful in small tests."""

    id = "test:hash-bigrams-64"
    dim = 64

    def _vec(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, dtype=np.float32)
        for a, b in itertools.pairwise(text):
            v[int(hashlib.md5((a + b).encode()).hexdigest(), 16) % self.dim] += 1.0
        n = np.linalg.norm(v)
        return v / n if n else v

    def embed_queries(self, texts):
        return np.vstack([self._vec(t) for t in texts])

    embed_passages = embed_queries


@pytest.fixture(scope="session")
def assistant() -> Assistant:
    return Assistant(Config())


TINY = {
    "alpha.md": """---
title: 测试办法
doc_id: alpha
effective: 2023-06-01
status: 现行有效
---

## 第一条

个人信息处理者应当在标准合同生效之日起10个工作日内向所在地省级网信部门备案。

## 第二条

境外接收方不得向第三方提供个人信息。
""",
    "beta.md": """---
title: 测试指南
doc_id: beta
published: 2024-03-22
effective: 2024-03-22
status: 现行
---

导言不是条文。

## 一、备案方式

通过数据出境申报系统备案。

### （一）材料提交

提交标准合同。

## 附录二 其他条款

""",
}


@pytest.fixture()
def tiny_corpus(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    root.mkdir()
    for name, text in TINY.items():
        (root / name).write_text(text, encoding="utf-8")
    (root / "README.md").write_text("# 说明\n\n不是条文。\n", encoding="utf-8")
    return root


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium for every browser test of the session: only one sync Playwright can
    run in a process, so the modules share this one."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} not installed (make browser)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()

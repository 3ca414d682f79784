"""Shared fixtures: the real assistant over the real corpus (one per session), a tiny
corpus written to a temporary folder, and a deterministic embedder for index tests.

The tests never read or write the repository's ``var/`` (the developer's own index, vector
cache and database):

- The real index is built once per session into a temporary folder, its vector cache beside
  it, unless ``ASSISTANT_TEST_INDEX_DIR`` names an index already built for this run (and
  ``ASSISTANT_TEST_EMBED_CACHE_DIR``, optionally, its cache): ``make test`` builds one in a
  temporary folder for pytest and the evaluation gates alike (``tests/run_all.sh``).
- For the whole session ``ASSISTANT_INDEX_DIR``, ``ASSISTANT_EMBED_CACHE_DIR`` and
  ``ASSISTANT_DB`` name those temporary paths, so ``Config.from_env()`` and any process a test
  starts use them; ``temp_config`` is a ``Config`` with them, and ``process_env`` the
  environment for a process a test starts with an environment of its own.
- ``VarGuard`` fails the session when something in this process opened or listed anything
  under ``var/``, when a Python process was started without those three paths, or when
  ``var/`` was created, removed or changed in any way during the run (by anyone: running the
  app from this checkout meanwhile counts too).

Markers mean cost (``pyproject.toml``): ``slow`` starts a process or a server, or builds the
real index (using the session's shared one does not count); ``browser`` drives headless
Chromium. The same guard fails the session when a test marked neither starts a process, so
``make test-fast`` starts none.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import platform
import sys
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from assistant.api import Assistant
from assistant.config import Config

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
# The paths every test and every process a test starts uses instead of var/'s.
PATHS = ("ASSISTANT_INDEX_DIR", "ASSISTANT_EMBED_CACHE_DIR", "ASSISTANT_DB")


# --- the guard: nothing under var/, no process from a test not marked for it -----------------


def _under_var(path: object, cwd: str | None = None) -> bool:
    if isinstance(path, int) or path is None:
        return False  # a file descriptor: its opening was checked
    try:
        text = os.fsdecode(path)
    except TypeError:
        return False
    if text.startswith("file:"):  # an SQLite URI
        text = text[5:].split("?", 1)[0]
    full = os.path.abspath(os.path.join(cwd or os.getcwd(), text))
    return full == str(VAR) or full.startswith(str(VAR) + os.sep)


def _is_python(argv: object) -> bool:
    if isinstance(argv, (list, tuple)):
        argv = argv[0] if argv else ""
    try:
        name = os.path.basename(os.fsdecode(argv))
    except TypeError:
        return False
    return name.startswith("python") or os.fsdecode(argv) == sys.executable


def _var_listing() -> dict[str, tuple[int, ...]] | None:
    """Every entry under var/ (and var/ itself) with its mode, size, modification and change
    times; None when there is no var/. Any write, removal, rename or new file shows."""
    if not os.path.lexists(VAR):
        return None
    listing = {}
    for name in (str(VAR), *(os.path.join(d, n) for d, dirs, files in os.walk(VAR) for n in (*dirs, *files))):
        st = os.lstat(name)
        listing[os.path.relpath(name, ROOT)] = (st.st_mode, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
    return listing


class VarGuard:
    """An audit hook (``sys.addaudithook``) on this process, and a listing of var/ taken
    before and after. It only records: the verdict is given when the session ends."""

    # audit events that read, write or list a path, and which of their arguments are paths
    PATH_EVENTS: Mapping[str, tuple[int, ...]] = {
        "open": (0,), "os.listdir": (0,), "os.scandir": (0,), "os.mkdir": (0,), "os.remove": (0,),
        "os.rmdir": (0,), "os.rename": (0, 1), "os.truncate": (0,), "os.chmod": (0,), "os.utime": (0,),
        "os.link": (0, 1), "os.symlink": (0, 1), "shutil.copyfile": (0, 1), "shutil.copytree": (0, 1),
        "shutil.rmtree": (0,), "shutil.move": (0, 1), "sqlite3.connect": (0,),
    }
    SPAWN_EVENTS = frozenset({"subprocess.Popen", "os.posix_spawn", "os.system", "os.fork", "os.forkpty"})

    def __init__(self) -> None:
        self.before = _var_listing()
        self.problems: list[str] = []
        self.may_start_processes = True  # outside a test's setup and call: collection, teardown
        self.watching = True
        self._lock = threading.Lock()
        sys.addaudithook(self._hook)

    def _record(self, problem: str) -> None:
        test = os.environ.get("PYTEST_CURRENT_TEST", "outside any test")
        with self._lock:
            if len(self.problems) < 50:
                self.problems.append(f"{test}: {problem}")

    def _hook(self, event: str, args: tuple) -> None:
        if not self.watching:
            return
        try:
            if event in self.PATH_EVENTS:
                for i in self.PATH_EVENTS[event]:
                    if i < len(args) and _under_var(args[i]):
                        self._record(f"{event} {os.fsdecode(args[i])}")
            elif event in self.SPAWN_EVENTS:
                self._spawned(event, args)
        except Exception as exc:  # never break the operation audited
            self._record(f"the guard failed on {event}: {exc!r}")

    def _spawned(self, event: str, args: tuple) -> None:
        if not self.may_start_processes:
            what = args[1] if event == "subprocess.Popen" else args[:1]
            self._record(f"{event} {what!r} in a test not marked slow or browser")
        if event == "subprocess.Popen":
            _, argv, cwd, env = args
        elif event == "os.posix_spawn":
            argv, env, cwd = args[1], args[2], None
        else:
            return
        if not _is_python(argv):
            return
        env = {os.fsdecode(k): os.fsdecode(v) for k, v in (os.environ if env is None else env).items()}
        where = cwd and os.fsdecode(cwd)
        missing = [name for name in PATHS if not env.get(name) or _under_var(env[name], where)]
        if missing and not (missing == ["ASSISTANT_DB"] and env["ASSISTANT_DB"].startswith("postgresql:")):
            self._record(f"a Python process started without a temporary {', '.join(missing)}: {argv!r}")

    def verdict(self) -> list[str]:
        self.watching = False
        after = _var_listing()
        problems = list(self.problems)
        if self.before is None and after is not None:
            problems.append(f"{VAR} was created during the run")
        elif self.before is not None and after is None:
            problems.append(f"{VAR} was removed during the run")
        elif self.before != after:
            changed = sorted(k for k in {*self.before, *after} if self.before.get(k) != after.get(k))
            problems.append("changed during the run: " + ", ".join(changed[:20]))
        return problems


GUARD: VarGuard | None = None


def pytest_configure(config: pytest.Config) -> None:
    global GUARD
    for name in ("ASSISTANT_TEST_INDEX_DIR", "ASSISTANT_TEST_EMBED_CACHE_DIR"):
        if os.environ.get(name) and _under_var(os.environ[name]):
            raise pytest.UsageError(f"{name} must not be under {VAR}: the tests keep out of var/")
    if GUARD is None:  # one audit hook a process: it cannot be removed
        GUARD = VarGuard()
    # The openai client names the platform in its headers (platform.platform()), for which Python
    # runs `uname -p` once a process: run here, before any test, it is no test's process.
    platform.platform()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item):
    return (yield from _may_start_processes_while(item))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    return (yield from _may_start_processes_while(item))


def _may_start_processes_while(item: pytest.Item):
    """For the two hook wrappers above: only a test marked slow or browser may start a
    process in its setup or its call (a teardown may stop the server of a module's tests)."""
    assert GUARD is not None
    GUARD.may_start_processes = any(item.get_closest_marker(m) for m in ("slow", "browser"))
    try:
        return (yield)
    finally:
        GUARD.may_start_processes = True


@dataclass(frozen=True)
class SessionPaths:
    index_dir: Path
    embed_cache_dir: Path
    db: Path

    def env(self) -> dict[str, str]:
        return dict(zip(PATHS, map(str, (self.index_dir, self.embed_cache_dir, self.db)), strict=True))


@pytest.fixture(scope="session")
def session_paths(tmp_path_factory) -> SessionPaths:
    home = tmp_path_factory.mktemp("assistant")
    given = os.environ.get("ASSISTANT_TEST_INDEX_DIR")
    cache = os.environ.get("ASSISTANT_TEST_EMBED_CACHE_DIR") if given else ""
    return SessionPaths(Path(given) if given else home / "index", Path(cache) if cache else home / "embed-cache",
                     home / "feedback.sqlite3")


@pytest.fixture(scope="session", autouse=True)
def _keep_out_of_var(session_paths):
    """The session's paths in the environment; at the end, the guard's verdict."""
    saved = {name: os.environ.get(name) for name in PATHS}
    os.environ.update(session_paths.env())
    yield
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    assert GUARD is not None
    problems = GUARD.verdict()
    if problems:
        pytest.fail(f"the tests must keep out of {VAR} and start processes only when marked slow or "
                    "browser (tests/conftest.py):\n  " + "\n  ".join(problems), pytrace=False)


@pytest.fixture(scope="session")
def temp_config(session_paths) -> Config:
    """The default configuration with the session's temporary index, vector cache and database."""
    return Config(index_dir=session_paths.index_dir, embed_cache_dir=session_paths.embed_cache_dir, db=str(session_paths.db))


@pytest.fixture(scope="session")
def assistant(temp_config) -> Assistant:
    """The real assistant; the first use builds the real index (unless one was given)."""
    return Assistant.from_config(temp_config)


@pytest.fixture(scope="session")
def real_index(assistant) -> Path:
    """The folder of the session's real index, built."""
    return assistant.config.index_dir


@pytest.fixture(scope="session")
def process_env(session_paths, real_index):
    """``process_env(**settings)``: the environment for a process a test starts: this one's
    without the developer's ``ASSISTANT_`` settings, with the session's index (built),
    vector cache and database, and ``settings`` over them."""

    def env(**settings: str) -> dict[str, str]:
        base = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
        return {**base, **session_paths.env(), **settings}

    return env


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

"""Start the web app (``app.py``) as a subprocess on a loopback port for a test, wait until
it listens, and always stop it afterwards. Shared by the browser and security tests."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_app(env: Mapping[str, str], port: int, log: Path, timeout_s: float = 120) -> Iterator[str]:
    """Yield the app's base URL once it accepts connections; its output goes to ``log``."""
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=dict(env), stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"app exited with {proc.returncode}:\n{log.read_text(errors='replace')}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"app did not listen on {port} within {timeout_s} s:\n{log.read_text(errors='replace')}")
            time.sleep(0.3)
        yield f"http://127.0.0.1:{port}/"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

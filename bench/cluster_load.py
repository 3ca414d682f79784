"""Load test of the cluster (``make cluster``): ``python bench/cluster_load.py``.

Against a running cluster (PostgreSQL, the replicas and nginx on 127.0.0.1:8080; started
here, and stopped at the end, when none runs), in three bounded phases:

1. one replica alone: ``--users`` chat users (default 50) for ``--duration`` seconds (60)
   straight at the first replica's port, as ``bench/load.py`` drives the page;
2. the balancer: the same users through nginx, and ``--writers`` (20) feedback writers, each
   with its own cookie (so they spread over the replicas), each asking through ``/api/ask``
   and flagging the answer through ``/api/feedback``;
3. faults: the same load through the balancer while PostgreSQL is stopped for 5 s and one
   replica is killed (SIGKILL) mid-load.

A feedback write counts as acknowledged when the API answered 200 with its id. A writer
that gets anything else keeps the message and sends the same write again (same
``write_id``) until it is acknowledged or the phase ends. At the end every acknowledged id
must be in the database (0 lost), none twice, and every failed request must have carried a
message (a JSON ``error`` or the balancer's own page), never an empty or cut answer.

Writes ``bench/cluster_results.json``. Exit status 0 when phases 1–2 had no errors and no
phase lost an acknowledged row, 1 otherwise.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import sys
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from load import _load_gold, run_chat  # noqa: E402  (a script beside this one)

from deploy import cluster, postgres  # noqa: E402

LAYOUT = cluster.Layout()  # the cluster `make cluster` starts
BALANCER = f"http://127.0.0.1:{LAYOUT.port}/"


def _db_url() -> str:
    return (LAYOUT.run / "db_url").read_text().strip()


def run_writers(base: str, writers: int, duration: float, gold: list[dict]) -> dict:
    """``writers`` threads asking and flagging through the API until ``duration`` passes."""
    import httpx

    acknowledged: list[int] = []
    failures: dict[str, int] = {}
    unclear: list[str] = []
    retried = 0
    lock = threading.Lock()
    deadline = time.monotonic() + duration

    def failed(response: httpx.Response | None, exc: Exception | None) -> None:
        if exc is not None:
            reason = type(exc).__name__
        else:
            try:
                reason = f"{response.status_code}: {response.json()['error'][:60]}"
            except (ValueError, KeyError, TypeError):
                page = response.text
                reason = f"{response.status_code}: balancer page" if "<html" in page.lower() else None
                if reason is None:
                    with lock:
                        unclear.append(f"{response.status_code}: {page[:80]!r}")
                    reason = f"{response.status_code}: no message"
        with lock:
            failures[reason] = failures.get(reason, 0) + 1

    def writer(n: int) -> None:
        nonlocal retried
        with httpx.Client(timeout=httpx.Timeout(30, connect=5)) as client:
            i = 0
            while time.monotonic() < deadline:
                item = gold[(n * 13 + i) % len(gold)]
                i += 1
                try:
                    asked = client.post(base + "api/ask", json={"question": item["question"], "as_of": item.get("as_of")})
                except httpx.HTTPError as exc:
                    failed(None, exc)
                    continue
                record = asked.json().get("record") if asked.status_code == 200 else None
                if record is None:
                    if asked.status_code != 200:
                        failed(asked, None)
                    continue
                body = {"record": record, "kind": "down", "comment": f"w{n}-{i}", "write_id": uuid.uuid4().hex}
                tries = 0
                while time.monotonic() < deadline + 15:  # a write in flight may finish after the phase
                    tries += 1
                    try:
                        response = client.post(base + "api/feedback", json=body)
                    except httpx.HTTPError as exc:
                        failed(None, exc)
                        time.sleep(0.2)
                        continue
                    if response.status_code == 200:
                        with lock:
                            acknowledged.append(int(response.json()["saved"]))
                            retried += tries > 1
                        break
                    failed(response, None)
                    time.sleep(0.2)

    threads = [threading.Thread(target=writer, args=(n,), daemon=True) for n in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=duration + 60)
    return {"writers": writers, "acknowledged": acknowledged, "failures": failures, "unclear": unclear,
            "acknowledged_after_retry": retried}


def check_rows(acknowledged: list[int]) -> dict:
    import psycopg

    with psycopg.connect(_db_url()) as conn:
        ids = {r[0] for r in conn.execute("SELECT id FROM feedback WHERE id = ANY(%s)", (acknowledged,))}
    return {"acknowledged": len(acknowledged), "distinct": len(set(acknowledged)),
            "lost": len(set(acknowledged) - ids)}


def phase(base: str, users: int, writers: int, duration: float, gold: list[dict], faults=None) -> dict:
    chat: dict = {}
    written: dict = {}
    chat_thread = threading.Thread(target=lambda: chat.update(run_chat(base, users, duration, 3, 120.0, gold)))
    write_thread = threading.Thread(target=lambda: written.update(run_writers(base, writers, duration, gold)))
    chat_thread.start()
    if writers:
        write_thread.start()
    events = faults() if faults else []
    chat_thread.join()
    if writers:
        write_thread.join()
    out = {"chat": chat, "events": events}
    if writers:
        out["feedback"] = {**{k: v for k, v in written.items() if k != "acknowledged"},
                           **check_rows(written["acknowledged"])}
    return out


def faults(kill: int, pg_outage_s: float = 5.0) -> list[str]:
    """Stop PostgreSQL for ``pg_outage_s`` at 10 s, kill replica ``kill`` at 30 s."""
    events = []
    time.sleep(10)
    postgres.stop(LAYOUT.home / "pg", "fast")
    events.append(f"{datetime.now(UTC).isoformat(timespec='seconds')} PostgreSQL stopped")
    time.sleep(pg_outage_s)
    postgres.start(LAYOUT.home / "pg", LAYOUT.pg_port)
    events.append(f"{datetime.now(UTC).isoformat(timespec='seconds')} PostgreSQL started again")
    time.sleep(15)
    pid = int((LAYOUT.run / f"replica-{kill}.pid").read_text())
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGKILL)
    events.append(f"{datetime.now(UTC).isoformat(timespec='seconds')} replica-{kill} killed")
    return events


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python bench/cluster_load.py", description=__doc__.split("\n\n")[0])
    p.add_argument("--users", type=int, default=50)
    p.add_argument("--writers", type=int, default=20)
    p.add_argument("--duration", type=float, default=60.0)
    p.add_argument("--skip-faults", action="store_true")
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "cluster_results.json")
    args = p.parse_args(argv)
    if not (1 <= args.users <= 200 and 1 <= args.writers <= 100 and 0 < args.duration <= 600):
        p.error("keep it bounded: 1..200 users, 1..100 writers, at most 600 s a phase")
    started_here = cluster.status(LAYOUT) != 0
    if started_here:
        cluster.main(["up"])
    gold = _load_gold()
    report: dict = {"started": datetime.now(UTC).isoformat(timespec="seconds"), "cpu_count": os.cpu_count()}
    try:
        print(f"1/3 one replica alone: {args.users} users for {args.duration:.0f} s", file=sys.stderr)
        report["one_replica"] = phase(f"http://127.0.0.1:{LAYOUT.first_replica_port}/", args.users, 0,
                                      args.duration, gold)
        print(f"2/3 balancer: {args.users} users and {args.writers} writers", file=sys.stderr)
        report["balancer"] = phase(BALANCER, args.users, args.writers, args.duration, gold)
        if not args.skip_faults:
            print("3/3 balancer with PostgreSQL stopped for 5 s and replica-2 killed", file=sys.stderr)
            report["faults"] = phase(BALANCER, args.users, args.writers, args.duration, gold, lambda: faults(2))
    finally:
        if started_here:
            cluster.down(LAYOUT)
        else:
            cluster.revive(LAYOUT)  # the replica killed in phase 3 serves again
    ok = (not report["one_replica"]["chat"].get("error_count") and not report["balancer"]["chat"].get("error_count")
          and all(report[k]["feedback"]["lost"] == 0 and not report[k]["feedback"]["unclear"]
                  for k in ("balancer", "faults") if k in report))
    report["status"] = 0 if ok else 1
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    for name in ("one_replica", "balancer", "faults"):
        if name not in report:
            continue
        chat = report[name]["chat"]
        line = (f"{name:12} chat: {chat.get('requests')} requests, {chat.get('error_count')} errors, "
                f"{chat.get('throughput_rps')} req/s, p50 {chat['latency_ms'].get('p50')} ms, "
                f"p95 {chat['latency_ms'].get('p95')} ms")
        if "feedback" in report[name]:
            fb = report[name]["feedback"]
            line += f"; feedback: {fb['acknowledged']} acknowledged, {fb['lost']} lost, failures {fb['failures']}"
        print(line)
    print(f"written to {args.out}")
    return report["status"]


if __name__ == "__main__":
    sys.exit(main())

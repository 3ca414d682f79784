"""Load test of the web app and of the feedback store: ``python bench/load.py``.

(a) Chat load. Starts ``app.py`` as a subprocess on a free loopback port with a temporary
    feedback database (no login, no LLM: every ``ASSISTANT_*`` variable is cleared), then runs
    ``--users`` concurrent chat users for ``--duration`` seconds. Each user asks the gold
    questions (``eval/gold.jsonl``, each user starting at a different one) through the app's
    real HTTP API, exactly as the page does: ``POST /gradio_api/queue/join`` for the submit
    event, then the server-sent events of ``GET /gradio_api/queue/data`` until the event
    completes. (The chat events are ``api_visibility="private"``, so ``gradio_client`` does
    not list or call them; the queue protocol is what the browser itself speaks.) A user keeps
    one conversation for ``--turns-per-session`` questions, then starts a new one.
    A request counts as an error when the HTTP call fails, the event does not complete within
    ``--request-timeout`` seconds, gradio reports ``success: false``, or the page shows an
    error notice instead of an answer card. Reported: requests, errors (with the first few
    reasons), latency from send to the completed event (p50/p95/max), latency to the first
    streamed answer piece, outcomes, and answers recorded in the database — every answer
    shown must be either recorded or reported on the page as not recorded.

(b) Feedback writers. ``--writers`` processes, each with its own ``Store`` on one
    fresh database file, each writing ``--writes`` answer+feedback pairs (the total is capped
    by ``--max-writes``). Afterwards the rows are counted: rows must equal the writes each
    writer was told were saved, every write not saved must have raised ``FeedbackNotSaved``
    (reported, never silent), and no feedback row may point at a missing answer.

Loopback only, bounded in time and count, stops by itself; the app is terminated at the
end whatever happens. Prints a summary and writes ``bench/load_results.json`` (``--out``).
Exit status: 0 when (a) had no errors and (b) lost no rows, 1 otherwise, 2 when the app
could not be started.

Not here: browser rendering cost (the page's JavaScript), an LLM composer, authentication.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import multiprocessing
import os
import random
import re
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "eval" / "gold.jsonl"
STARTUP_TIMEOUT_S = 180
CHINA = timezone(timedelta(hours=8))
_OUTCOME = re.compile(r"outcome-(answered|needs_facts|not_covered)")


# --- helpers ----------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _percentiles(values: list[float]) -> dict[str, float | None]:
    if not values:
        return {"p50": None, "p95": None, "max": None, "mean": None, "n": 0}
    ordered = sorted(values)

    def pick(q: float) -> float:
        return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]

    return {
        "p50": round(statistics.median(ordered), 1),
        "p95": round(pick(0.95), 1),
        "max": round(ordered[-1], 1),
        "mean": round(statistics.fmean(ordered), 1),
        "n": len(ordered),
    }


def _load_gold() -> list[dict]:
    items = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [i for i in items if isinstance(i.get("question"), str) and i["question"].strip()]


def _clean_env(port: int, db: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env.update(
        ASSISTANT_HOST="127.0.0.1",  # loopback only, whatever the caller's environment says
        ASSISTANT_PORT=str(port),
        ASSISTANT_DB=str(db),
        GRADIO_ANALYTICS_ENABLED="False",
    )
    return env


class App:
    """``app.py`` in a subprocess; ``stop()`` always ends it."""

    def __init__(self, workdir: Path):
        self.port = _free_port()
        self.db = workdir / "feedback.sqlite3"
        self.log = workdir / "app.log"
        self.url = f"http://127.0.0.1:{self.port}/"
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "app.py"],
                cwd=ROOT,
                env=_clean_env(self.port, self.db),
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"app exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"app did not listen on {self.port} within {STARTUP_TIMEOUT_S} s:\n{self.log_tail()}")

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


# --- (a) chat users -----------------------------------------------------------------------------


def _submit_event(client, base: str) -> tuple[int, int]:
    """(fn_index, trigger_id) of the question box's submit event, from the page's config."""
    config = client.get(base + "config").raise_for_status().json()
    for dep in config["dependencies"]:
        if dep.get("api_name") == "submit":
            return int(dep["id"]), int(dep["targets"][0][0])
    raise RuntimeError("the page has no 'submit' event")


def _ask_once(client, base: str, fn: int, trigger: int, session: str, question: str, as_of: str, timeout: float,
              conversation: list | None = None):
    """One question through the queue API, sending the conversation so far as the page does;
    returns a result dict (ok, latency, outcome, error, and the conversation after it)."""
    from gradio_client.utils import apply_diff  # streamed steps come as [op, path, value] changes

    started = time.perf_counter()
    result: dict = {"ok": False, "latency_ms": None, "first_answer_ms": None, "outcome": None, "error": None}
    body = {
        "data": [question, as_of, conversation or []],
        "event_data": None,
        "fn_index": fn,
        "trigger_id": trigger,
        "session_hash": session,
    }
    try:
        joined = client.post(base + "gradio_api/queue/join", json=body)
        if joined.status_code != 200:
            result["error"] = f"join HTTP {joined.status_code}: {joined.text[:200]}"
            return result
        event_id = joined.json().get("event_id")
        shown_error = not_recorded = False
        outputs: list | None = None  # the event's outputs as the page holds them (diffs applied)
        with client.stream("GET", base + "gradio_api/queue/data", params={"session_hash": session}) as stream:
            if stream.status_code != 200:
                result["error"] = f"data HTTP {stream.status_code}"
                return result
            for line in stream.iter_lines():
                if time.perf_counter() - started > timeout:
                    result["error"] = f"no completion within {timeout:.0f} s"
                    return result
                if not line.startswith("data:"):
                    continue
                message = json.loads(line[5:])
                if message.get("event_id") not in (None, event_id):
                    continue
                kind = message.get("msg")
                raw = line
                if kind == "close_stream":  # the server is done with this session's events
                    return result
                if kind == "process_generating":
                    data = (message.get("output") or {}).get("data") or []
                    # the first step carries whole values, the later ones diffs against them
                    outputs = list(data) if outputs is None else [apply_diff(o, d) for o, d in zip(outputs, data, strict=True)]
                    if result["first_answer_ms"] is None and "turn-a" in raw:  # the answer card is streaming
                        result["first_answer_ms"] = (time.perf_counter() - started) * 1000
                    found = _OUTCOME.search(raw)
                    if found:
                        result["outcome"] = found.group(1)
                    shown_error |= "notice-error" in raw
                    not_recorded |= "本条回答未能记录" in raw
                elif kind == "process_completed":
                    result["latency_ms"] = (time.perf_counter() - started) * 1000
                    if not message.get("success", False):
                        result["error"] = f"event failed: {str(message.get('output'))[:200]}"
                    elif shown_error:
                        result["error"] = "the page showed an error notice"
                    elif result["outcome"] is None:
                        result["error"] = "no answer card was streamed"
                    else:
                        result["ok"] = True
                        result["not_recorded"] = not_recorded
                        shown = outputs[1] if outputs else None
                        result["conversation"] = shown if isinstance(shown, list) else conversation
                    # Read on to the server's close_stream, as the page does: a client that
                    # hangs up first and asks again at once can lose its next event (Gradio
                    # drops the session's queue when it sees the first stream cancelled).
                    if result["error"] is not None:
                        return result
        if result["latency_ms"] is None:
            result["error"] = "the event stream closed before the event completed"
    except Exception as exc:  # any transport failure is an error of this request, not of the run
        result["error"] = f"{type(exc).__name__}: {exc}"[:300]
    return result


def run_chat(base: str, users: int, duration: float, turns: int, timeout: float, gold: list[dict]) -> dict:
    import httpx

    with httpx.Client(timeout=30) as probe:
        fn, trigger = _submit_event(probe, base)
    results: list[dict] = []
    lock = threading.Lock()
    deadline = time.monotonic() + duration
    today = datetime.now(CHINA).date().isoformat()

    def user(number: int) -> None:
        rng = random.Random(number)
        order = list(range(len(gold)))
        rng.shuffle(order)
        position = number * 7  # users start at different questions
        with httpx.Client(timeout=httpx.Timeout(timeout, connect=10)) as client:
            session, asked, conversation = uuid.uuid4().hex[:12], 0, []
            while time.monotonic() < deadline:
                item = gold[order[position % len(order)]]
                position += 1
                if asked == turns:
                    session, asked, conversation = uuid.uuid4().hex[:12], 0, []
                first_turn = asked == 0
                asked += 1
                outcome = _ask_once(
                    client, base, fn, trigger, session, item["question"], item.get("as_of") or today, timeout,
                    conversation,
                )
                conversation = outcome.pop("conversation", None) or conversation
                outcome.update(user=number, gold_id=item.get("id"), first_turn=first_turn, expected=item.get("outcome"))
                with lock:
                    results.append(outcome)

    started = time.perf_counter()
    threads = [threading.Thread(target=user, args=(n,), daemon=True) for n in range(users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=duration + timeout + 30)
    elapsed = time.perf_counter() - started
    stuck = sum(t.is_alive() for t in threads)

    ok = [r for r in results if r["ok"]]
    errors = [r for r in results if not r["ok"]]
    first = [r for r in ok if r["first_turn"] and r["expected"]]
    outcomes: dict[str, int] = {}
    for r in ok:
        outcomes[r["outcome"]] = outcomes.get(r["outcome"], 0) + 1
    return {
        "users": users,
        "duration_s": duration,
        "elapsed_s": round(elapsed, 1),
        "turns_per_session": turns,
        "requests": len(results),
        "ok": len(ok),
        "error_count": len(errors) + stuck,
        "stuck_users": stuck,
        "errors": [{"gold_id": r["gold_id"], "user": r["user"], "error": r["error"]} for r in errors[:20]],
        "throughput_rps": round(len(results) / elapsed, 2) if elapsed else None,
        "latency_ms": _percentiles([r["latency_ms"] for r in ok]),
        "first_answer_ms": _percentiles([r["first_answer_ms"] for r in ok if r["first_answer_ms"] is not None]),
        "outcomes": outcomes,
        "first_turn_outcome_matches_gold": f"{sum(r['outcome'] == r['expected'] for r in first)}/{len(first)}",
        "answers_shown_not_recorded": sum(bool(r.get("not_recorded")) for r in ok),
    }


def _rows(db: Path, table: str) -> int:
    if not db.exists():
        return 0
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        conn.close()


# --- (b) feedback writers -------------------------------------------------------------------------


def _writer(db: str, number: int, writes: int, questions: list[str]) -> dict:
    """One writer process: its own store, ``writes`` answer+feedback pairs."""
    sys.path.insert(0, str(ROOT))
    from datetime import date

    from assistant.store import FeedbackNotSaved, open_store
    from assistant.types import Answer, Citation

    store = open_store(db)
    answers: list[int] = []
    feedback: list[int] = []
    not_saved: list[str] = []
    unexpected: list[str] = []
    times: list[float] = []
    cite = (Citation("measures#第七条", "个人信息出境标准合同办法", "第七条", "10个工作日内"),)
    for i in range(writes):
        question = questions[(number * writes + i) % len(questions)]
        answer = Answer(
            question, date(2025, 6, 1), "answered", f"writer {number} answer {i}", cite, None, {"total": 1.0}
        )
        t = time.perf_counter()
        try:
            answer_id = store.record_answer(answer, "load-test", "load-test")
            answers.append(answer_id)
            kind = ("up", "down", "citation_wrong")[i % 3]
            key = "measures#第七条" if kind == "citation_wrong" else None
            feedback.append(store.add_feedback(answer_id, kind, key, f"w{number}-{i}"))
        except FeedbackNotSaved as exc:
            not_saved.append(str(exc))
        except Exception as exc:  # reported as a failure of the store, not swallowed
            unexpected.append(f"{type(exc).__name__}: {exc}")
        times.append((time.perf_counter() - t) * 1000)
    return {
        "answers": answers,
        "feedback": feedback,
        "not_saved": not_saved,
        "unexpected": unexpected,
        "times": times,
        "problem": store.problem,
    }


def run_writers(db: Path, writers: int, writes: int, gold: list[dict]) -> dict:
    questions = [g["question"] for g in gold]
    started = time.perf_counter()
    context = multiprocessing.get_context("spawn")  # fresh processes: nothing inherited from the chat threads
    with concurrent.futures.ProcessPoolExecutor(max_workers=writers, mp_context=context) as pool:
        futures = [pool.submit(_writer, str(db), n, writes, questions) for n in range(writers)]
        done = [f.result(timeout=600) for f in futures]
    elapsed = time.perf_counter() - started

    saved_answers = [i for d in done for i in d["answers"]]
    saved_feedback = [i for d in done for i in d["feedback"]]
    not_saved = [m for d in done for m in d["not_saved"]]
    unexpected = [m for d in done for m in d["unexpected"]]
    rows_answers, rows_feedback = _rows(db, "answers"), _rows(db, "feedback")
    conn = sqlite3.connect(db)
    try:
        orphans = conn.execute(
            "SELECT count(*) FROM feedback WHERE answer_id NOT IN (SELECT id FROM answers)"
        ).fetchone()[0]
        ids_in_db = {r[0] for r in conn.execute("SELECT id FROM answers")}
    finally:
        conn.close()
    attempted = writers * writes
    # A pair is saved whole, half (answer saved, feedback refused: one message) or not at all (one message).
    accounted = len(saved_answers) + len(not_saved) - (len(saved_answers) - len(saved_feedback))
    reasons: dict[str, int] = {}
    for message in not_saved:
        reasons[message] = reasons.get(message, 0) + 1
    return {
        "writers": writers,
        "writes_each": writes,
        "attempted_pairs": attempted,
        "elapsed_s": round(elapsed, 1),
        "saved_answers": len(saved_answers),
        "saved_feedback": len(saved_feedback),
        "not_saved": len(not_saved),
        "not_saved_reasons": reasons,
        "unexpected_errors": unexpected[:20],
        "rows_answers": rows_answers,
        "rows_feedback": rows_feedback,
        "lost_rows": (len(saved_answers) - rows_answers) + (len(saved_feedback) - rows_feedback),
        "ids_match": ids_in_db == set(saved_answers) and len(set(saved_answers)) == len(saved_answers),
        "orphan_feedback": orphans,
        "unaccounted_writes": attempted - accounted,
        "write_pair_ms": _percentiles([t for d in done for t in d["times"]]),
    }


# --- main ---------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python bench/load.py", description=__doc__.split("\n\n")[0])
    p.add_argument("--users", type=int, default=20, help="concurrent chat users (default 20)")
    p.add_argument("--duration", type=float, default=60.0, help="seconds of chat load (default 60)")
    p.add_argument("--turns-per-session", type=int, default=3, help="questions per conversation (default 3)")
    p.add_argument("--request-timeout", type=float, default=120.0, help="seconds before a request is an error")
    p.add_argument("--writers", type=int, default=20, help="concurrent feedback writer processes (default 20)")
    p.add_argument("--writes", type=int, default=50, help="answer+feedback pairs per writer (default 50)")
    p.add_argument("--max-writes", type=int, default=2000, help="cap on the total pairs written (default 2000)")
    p.add_argument("--skip-chat", action="store_true", help="only run the feedback writers")
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "load_results.json")
    args = p.parse_args(argv)
    if not (1 <= args.users <= 200 and 1 <= args.writers <= 100 and 0 < args.duration <= 1800):
        p.error("keep it bounded: 1..200 users, 1..100 writers, at most 1800 s")
    writes = max(1, min(args.writes, args.max_writes // args.writers))

    gold = _load_gold()
    report: dict = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpu_count": os.cpu_count(),
        "load_average_start": list(os.getloadavg()),
        "gold_questions": len(gold),
    }
    status = 0
    with tempfile.TemporaryDirectory(prefix="assistant-load-") as tmp:
        workdir = Path(tmp)
        if not args.skip_chat:
            app = App(workdir)
            try:
                print(f"starting the app on {app.url} …", file=sys.stderr)
                t = time.perf_counter()
                app.start()
                report["app_startup_s"] = round(time.perf_counter() - t, 1)
                print(
                    f"chat: {args.users} users for {args.duration:.0f} s (started in {report['app_startup_s']} s)",
                    file=sys.stderr,
                )
                chat = run_chat(app.url, args.users, args.duration, args.turns_per_session, args.request_timeout, gold)
                chat["answers_recorded"] = _rows(app.db, "answers")
                chat["recorded_matches"] = chat["answers_recorded"] == chat["ok"] - chat["answers_shown_not_recorded"]
                report["chat"] = chat
                if chat["error_count"] or not chat["recorded_matches"]:
                    status = 1
                    report["app_log_tail"] = app.log_tail()
            except RuntimeError as exc:
                print(f"error: {exc}", file=sys.stderr)
                report["chat"] = {"error": str(exc)}
                status = 2
            finally:
                app.stop()
                report["app_exit_code"] = app.proc.returncode if app.proc else None
        print(f"feedback: {args.writers} writer processes x {writes} pairs", file=sys.stderr)
        fb = run_writers(workdir / "writers.sqlite3", args.writers, writes, gold)
        report["feedback"] = fb
        if fb["lost_rows"] or fb["unaccounted_writes"] or fb["orphan_feedback"] or fb["unexpected_errors"]:
            status = max(status, 1)
        if not fb["ids_match"]:
            status = max(status, 1)
    report["load_average_end"] = list(os.getloadavg())
    report["status"] = status
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    _print_summary(report, args.out)
    return status


def _print_summary(report: dict, out: Path) -> None:
    chat = report.get("chat")
    if chat and "requests" in chat:
        lat, first = chat["latency_ms"], chat["first_answer_ms"]
        print(
            f"chat      {chat['users']} users x {chat['duration_s']:.0f} s: {chat['requests']} requests, "
            f"{chat['ok']} ok, {chat['error_count']} errors, {chat['throughput_rps']} req/s"
        )
        print(f"          latency p50 {lat['p50']} ms, p95 {lat['p95']} ms, max {lat['max']} ms")
        print(f"          first answer piece p50 {first['p50']} ms, p95 {first['p95']} ms")
        print(
            f"          outcomes {chat['outcomes']}; first-turn outcome = gold {chat['first_turn_outcome_matches_gold']}; "
            f"recorded {chat['answers_recorded']} (shown not recorded: {chat['answers_shown_not_recorded']})"
        )
        for e in chat["errors"][:5]:
            print(f"          error: {e}")
    elif chat:
        print(f"chat      not run: {chat.get('error')}")
    fb = report["feedback"]
    print(
        f"feedback  {fb['writers']} writers x {fb['writes_each']} pairs: saved {fb['saved_answers']} answers + "
        f"{fb['saved_feedback']} feedback; not saved (reported) {fb['not_saved']}; rows {fb['rows_answers']} + "
        f"{fb['rows_feedback']}; lost {fb['lost_rows']}; orphans {fb['orphan_feedback']}; "
        f"pair p50 {fb['write_pair_ms']['p50']} ms, p95 {fb['write_pair_ms']['p95']} ms"
    )
    print(f"load average {report['load_average_start']} → {report['load_average_end']} on {report['cpu_count']} CPUs")
    print(f"status {report['status']}; wrote {out}")


if __name__ == "__main__":
    sys.exit(main())

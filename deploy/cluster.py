"""The whole deployment on one machine, on loopback: ``python deploy/cluster.py up|down|status``
(``make cluster``, ``make cluster-stop``).

``up`` starts, in this order, and returns once the balancer answers:

1. a PostgreSQL server with its data under ``var/cluster/pg`` (``deploy/postgres.py``);
2. ``--replicas`` app processes (default 3) on ports 8101, 8102 … , each ``app.py`` with
   ``ASSISTANT_DB`` set to that server and its own ``ASSISTANT_REPLICA`` name;
3. nginx in front of them on 127.0.0.1:8080 (config written to ``var/cluster/nginx``);
4. a watcher that asks each replica's ``/healthz`` every second and takes a replica that
   has not answered three times in a row out of the balancer's rotation (and puts it back
   as soon as it answers again).

The balancer keeps each browser on one replica (a cookie it sets) because the page's
streaming protocol sends a question and then reads its answer in two requests; the
conversation itself travels with each request, so when a replica goes away the next
question is answered by another one. nginx also retries a request on the next replica when
one cannot be reached.

``down`` stops everything ``up`` started (recorded in ``var/cluster/run/*.pid``), and only
that; ``revive`` starts again any replica that has stopped; ``status`` lists what runs.
Folder, ports and counts are options; everything stays on 127.0.0.1.

Not here: TLS, passwords, backups or more than one machine: docs/deployment.md maps these
pieces onto a real deployment.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: ``deploy`` and ``assistant`` from the checkout

from deploy import postgres  # noqa: E402

HOME = ROOT / "var" / "cluster"
BALANCER_PORT = 8080
FIRST_REPLICA_PORT = 8101
PG_PORT = 55432
START_TIMEOUT_S = 240
MISSES = 3  # health checks a replica may miss in a row before it is taken out of rotation


@dataclass(frozen=True)
class Layout:
    """Where the cluster lives and listens; built once from the command line."""

    home: Path = HOME
    replicas: int = 3
    port: int = BALANCER_PORT
    first_replica_port: int = FIRST_REPLICA_PORT
    pg_port: int = PG_PORT

    @property
    def run(self) -> Path:
        return self.home / "run"

    @property
    def nginx(self) -> Path:
        return self.home / "nginx"

    @property
    def replica_ports(self) -> list[int]:
        return [self.first_replica_port + i for i in range(self.replicas)]

    def args(self) -> list[str]:
        return ["--home", str(self.home), "--replicas", str(self.replicas), "--port", str(self.port),
                "--first-replica-port", str(self.first_replica_port), "--pg-port", str(self.pg_port)]


# A replica that fails three requests in 5 s is left alone for 5 s; one that stops answering
# /healthz is taken out by the watcher. (One failure was too few: under load, one cut
# connection moved every browser of that replica elsewhere, where their streams are unknown.)
_UPSTREAM = "    server 127.0.0.1:{port} max_fails=3 fail_timeout=5s{down};\n"
_CONFIG = """# Written by deploy/cluster.py; rewritten by its watcher when a replica comes or goes.
worker_processes 1;
pid {run}/nginx.pid;
error_log {home}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {home}/tmp/body;
    proxy_temp_path {home}/tmp/proxy;
    fastcgi_temp_path {home}/tmp/fastcgi;
    uwsgi_temp_path {home}/tmp/uwsgi;
    scgi_temp_path {home}/tmp/scgi;
    # One browser, one replica: the page sends a question and reads its streamed answer in
    # two requests, and both must reach the process that holds the stream.
    map $cookie_assistant_replica $affinity {{
        ""      $request_id;
        default $cookie_assistant_replica;
    }}
    upstream replicas {{
        hash $affinity consistent;
{servers}        keepalive 64;
        keepalive_timeout 60s;  # shorter than the replicas' own (75 s): nginx closes first
    }}
    server {{
        listen 127.0.0.1:{port};
        # The page sends its whole conversation with each question: room for a long one, and
        # kept in memory (past 16 KB nginx wrote every such body to a file first).
        client_max_body_size 8m;
        client_body_buffer_size 512k;
        location / {{
            proxy_pass http://replicas;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_buffering off;          # answers stream as server-sent events
            proxy_read_timeout 300s;
            proxy_connect_timeout 2s;
            proxy_next_upstream error timeout http_502 http_503;
            add_header Set-Cookie "assistant_replica=$affinity; Path=/; HttpOnly; SameSite=Lax" always;
            # A request whose replica stopped mid-way gets a message, not an empty error page.
            error_page 502 504 = @unavailable;
        }}
        location @unavailable {{
            default_type application/json;
            return 503 '{{"error": "服务暂时不可用：处理此请求的服务副本已停止，请求未完成。请重新发送（反馈带同一 write_id 不会重复保存）。"}}';
        }}
    }}
}}
"""


def _pid_file(layout: Layout, name: str) -> Path:
    return layout.run / f"{name}.pid"


def _alive(pid: int) -> bool:
    """Whether ``pid`` runs. A process that has exited but not been collected (a child of the
    process that called ``up``, when that one lives on, as in the tests) does not run."""
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # collect it if it is our own exited child
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    with contextlib.suppress(OSError):
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[-1][:1] != "Z"
    return True


def _read_pid(layout: Layout, name: str) -> int | None:
    with contextlib.suppress(OSError, ValueError):
        pid = int(_pid_file(layout, name).read_text().strip())
        return pid if _alive(pid) else None
    return None


def _get_json(url: str, timeout: float = 2.0) -> dict | None:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return json.loads(response.read())
    except (OSError, ValueError):
        return None


def write_nginx_config(layout: Layout, down: set[int]) -> Path:
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (layout.nginx / "tmp" / sub).mkdir(parents=True, exist_ok=True)
    ports = layout.replica_ports
    if len(down) == len(ports):
        down = set()  # with none marked up nginx has nothing to try: let it try them all
    servers = "".join(_UPSTREAM.format(port=p, down=" down" if p in down else "") for p in ports)
    path = layout.nginx / "nginx.conf"
    path.write_text(_CONFIG.format(run=layout.run, home=layout.nginx, servers=servers, port=layout.port),
                    encoding="utf-8")
    return path


def _nginx(layout: Layout, *args: str) -> subprocess.CompletedProcess:
    binary = shutil.which("nginx") or "/usr/sbin/nginx"  # Debian's, off PATH for some users
    return subprocess.run([binary, "-p", str(layout.nginx), "-c", str(layout.nginx / "nginx.conf"), *args],
                          capture_output=True, text=True)


def _wait(layout: Layout, what: str, check, timeout: float = START_TIMEOUT_S) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise SystemExit(f"cluster: {what} did not come up within {timeout:.0f} s (logs in {layout.home})")
        time.sleep(0.5)


def _spawn(layout: Layout, name: str, command: list[str], env: dict[str, str]) -> int:
    # What was started is kept beside its pid, so that ``revive`` can start it again alike.
    (layout.run / f"{name}.json").write_text(json.dumps({"command": command, "env": env}), encoding="utf-8")
    # Spawned bare, in a session of its own: it outlives this process (``make cluster``
    # returns), and ``down`` finds it by the pid file, not by a handle kept here.
    log = str(layout.home / f"{name}.log")
    pid = os.posix_spawn(command[0], command, env, setsid=True, file_actions=[
        (os.POSIX_SPAWN_OPEN, 0, "/dev/null", os.O_RDONLY, 0),
        (os.POSIX_SPAWN_OPEN, 1, log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644),
        (os.POSIX_SPAWN_DUP2, 1, 2),
    ])
    _pid_file(layout, name).write_text(str(pid))
    return pid


def _serving(port: int | str) -> bool:
    return (_get_json(f"http://127.0.0.1:{port}/healthz") or {}).get("status") == "ok"


def up(layout: Layout) -> None:
    layout.run.mkdir(parents=True, exist_ok=True)
    if _read_pid(layout, "watcher") or _read_pid(layout, "replica-1"):
        raise SystemExit("cluster: already running (make cluster-stop first)")
    url = postgres.start(layout.home / "pg", layout.pg_port)
    (layout.run / "db_url").write_text(url)
    print(f"cluster: PostgreSQL at {url}", flush=True)
    base_env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    for n, replica_port in enumerate(layout.replica_ports, 1):
        env = {**base_env, "ASSISTANT_DB": url, "ASSISTANT_PORT": str(replica_port), "ASSISTANT_HOST": "127.0.0.1",
               "ASSISTANT_REPLICA": f"replica-{n}", "GRADIO_ANALYTICS_ENABLED": "False"}
        for key in ("ASSISTANT_USER", "ASSISTANT_PASSWORD", "ASSISTANT_USERS", "ASSISTANT_INDEX_DIR",
                    "ASSISTANT_EMBED_CACHE_DIR", "ASSISTANT_LLM_BASE_URL", "ASSISTANT_LLM_MODEL",
                    "ASSISTANT_LLM_API_KEY"):
            if os.environ.get(key):
                env[key] = os.environ[key]
        _spawn(layout, f"replica-{n}", [sys.executable, str(ROOT / "app.py")], env)
    for n, replica_port in enumerate(layout.replica_ports, 1):
        _wait(layout, f"replica-{n}", lambda p=replica_port: _serving(p))
        print(f"cluster: replica-{n} serves on 127.0.0.1:{replica_port}", flush=True)
    write_nginx_config(layout, set())
    started = _nginx(layout)
    if started.returncode != 0:
        raise SystemExit(f"cluster: nginx did not start: {started.stderr.strip()}")
    _spawn(layout, "watcher", [sys.executable, str(Path(__file__).resolve()), "watch", *layout.args()],
           dict(os.environ))
    _wait(layout, "the balancer", lambda: _get_json(f"http://127.0.0.1:{layout.port}/healthz") is not None, 30)
    print(f"cluster: up, the balancer serves http://127.0.0.1:{layout.port}/", flush=True)


def watch(layout: Layout) -> None:
    """Take a replica out of rotation when ``/healthz`` has not answered ``MISSES`` times in a
    row, and back in as soon as it answers. (One miss was too few: a replica busy with answers
    can be a second late, and each change moves browsers off the replica holding their stream.)"""
    down: set[int] = set()
    misses = dict.fromkeys(layout.replica_ports, 0)
    stop = False

    def finish(*_):
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, finish)
    while not stop:
        for p in layout.replica_ports:
            misses[p] = 0 if _get_json(f"http://127.0.0.1:{p}/healthz", timeout=2.0) is not None else misses[p] + 1
        now_down = {p for p, missed in misses.items() if missed >= MISSES}
        if now_down != down:
            down = now_down
            write_nginx_config(layout, down)
            _nginx(layout, "-s", "reload")
            print(f"watcher: out of rotation: {sorted(down) or 'none'}", flush=True)
        time.sleep(1.0)


def revive(layout: Layout) -> None:
    """Start again, as they were started, the replicas that are no longer running."""
    for spec in sorted(layout.run.glob("replica-*.json")):
        name = spec.stem
        if _read_pid(layout, name) is None:
            started = json.loads(spec.read_text(encoding="utf-8"))
            _spawn(layout, name, started["command"], started["env"])
            port = started["env"]["ASSISTANT_PORT"]
            _wait(layout, name, lambda p=port: _serving(p))
            print(f"cluster: {name} serves again on 127.0.0.1:{port}", flush=True)


def down(layout: Layout) -> None:
    stopped = []
    for name in ["watcher", *sorted(p.stem for p in layout.run.glob("replica-*.pid"))]:
        pid = _read_pid(layout, name)
        if pid:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGTERM)
            deadline = time.monotonic() + 15
            while _alive(pid) and time.monotonic() < deadline:
                time.sleep(0.2)
            if _alive(pid):
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(pid, signal.SIGKILL)
            stopped.append(name)
        _pid_file(layout, name).unlink(missing_ok=True)
    if _read_pid(layout, "nginx"):
        _nginx(layout, "-s", "quit")
        _wait(layout, "nginx to stop", lambda: _read_pid(layout, "nginx") is None, 15)
        stopped.append("nginx")
    if (layout.home / "pg" / "data" / "postmaster.pid").exists():
        postgres.stop(layout.home / "pg")
        stopped.append("postgresql")
    print(f"cluster: stopped {', '.join(stopped) or 'nothing (it was not running)'}", flush=True)


def status(layout: Layout) -> int:
    pids = {p.stem: _read_pid(layout, p.stem) for p in sorted(layout.run.glob("*.pid"))}
    for name, pid in pids.items():
        print(f"{name}: {'running, pid ' + str(pid) if pid else 'not running'}")
    return 0 if pids and all(pids.values()) else 1


def layout_from(argv: list[str] | None = None) -> tuple[str, Layout]:
    parser = argparse.ArgumentParser(prog="deploy/cluster.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["up", "down", "status", "watch", "revive"])
    parser.add_argument("--home", type=Path, default=HOME, help="where its data, logs and pids live")
    parser.add_argument("--replicas", type=int, default=int(os.environ.get("REPLICAS", "3")))
    parser.add_argument("--port", type=int, default=BALANCER_PORT, help="the balancer's port")
    parser.add_argument("--first-replica-port", type=int, default=FIRST_REPLICA_PORT)
    parser.add_argument("--pg-port", type=int, default=PG_PORT)
    args = parser.parse_args(argv)
    if not 1 <= args.replicas <= 16:
        parser.error("--replicas must be between 1 and 16")
    return args.command, Layout(args.home.resolve(), args.replicas, args.port, args.first_replica_port, args.pg_port)


def main(argv: list[str] | None = None) -> int:
    command, layout = layout_from(argv)
    if command == "up":
        try:
            up(layout)
        except BaseException:
            down(layout)  # nothing half-started is left behind
            raise
        return 0
    if command == "status":
        return status(layout)
    {"watch": watch, "down": down, "revive": revive}[command](layout)
    return 0


if __name__ == "__main__":
    sys.exit(main())

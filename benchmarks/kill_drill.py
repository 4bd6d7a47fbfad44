"""The kill -9 drill (issue 18): complaints from many clients while the web workers, the
gunicorn master, the `wennuan worker` and the database are killed; then every acknowledged
complaint must be stored once, and every citizen must get exactly one acceptance SMS.

    .venv/bin/python benchmarks/kill_drill.py --database postgres   # throwaway cluster, 8 workers
    .venv/bin/python benchmarks/kill_drill.py --database sqlite --workers 4

What happens: `wennuan serve` (gunicorn, ``--workers``) and `wennuan worker` on a scratch
database with the demo register; a local fake SMS gateway (``fake_sms_gateway.py``) counts
the messages the worker sends. ``--clients`` threads send ``--complaints`` complaints to
``POST /api/v1/workorders``, each with its own Idempotency-Key; a client retries the same
complaint with the same key after a connection error or a 5xx (a 4xx is final). During the
load, as the acknowledged complaints pass 15 / 35 / 55 / 75 % of the total:

1. kill -9 one gunicorn worker (the master starts another);
2. kill -9 the gunicorn master, then its orphaned workers' port is waited out by a new
   `wennuan serve` (it waits up to 65 s, as after a crash in production);
3. kill -9 `wennuan worker` (mid-delivery) and start it again;
4. PostgreSQL only: ``pg_ctl stop -m immediate`` and start again (SQLite has no server).

Reports requests, retried failures (expected during the kills), errors (final non-2xx),
acknowledged, lost (acknowledged but not stored under the number given), doubled (a key with
two orders or two numbers), SMS expected (one acceptance per stored order) vs sent, duplicate
and missing SMS, and how the outbox settled interrupted attempts (reconciled: the gateway had
the client message id, nothing re-sent; re-sent). Exits 1 unless errors, lost, doubled, missing
and duplicate SMS are 0 (duplicates are allowed with ``--no-query``: a gateway that cannot be
asked gets at-least-once). Bounded by ``--seconds`` of sending plus ``--drain-seconds`` for the
outbox (an interrupted send waits out the outbox's 5-minute lease).
"""

from __future__ import annotations

import argparse
import collections
import http.client
import os
import queue
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fake_sms_gateway import FakeGateway  # noqa: E402
from load_drill import complaint  # noqa: E402
from workorders_common import REPO, fresh_database, git_commit, machine  # noqa: E402

VENV_BIN = REPO / ".venv" / "bin"
BENCHMARKS = Path(__file__).resolve().parent


# -- PostgreSQL that can be stopped hard and started again


class Postgres:
    def __init__(self, port: int):
        bins = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
        if not bins:
            sys.exit("PostgreSQL is not installed (apt-get install postgresql)")
        self.bin = bins[-1]
        self.port = port
        self.folder = Path(tempfile.mkdtemp(prefix="wennuan-kill-drill-pg."))
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres")
        self.data = self.folder / "data"
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E",
                  "UTF8", "--locale=C.UTF-8")  # fmt: skip
        self.start()
        self._run("createdb", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "wennuan")
        self.url = f"postgres://postgres@127.0.0.1:{port}/wennuan"

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.bin / program), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True)

    def start(self) -> None:
        # fsync off: the drill kills processes, not the machine (the OS keeps written pages).
        # synchronous_commit stays on: an acknowledged commit is in the WAL before the answer.
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "log"), "-w", "-o",
                  f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
                  "-c fsync=off -c max_connections=100", "start")  # fmt: skip

    def stop_immediately(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "stop")

    def remove(self) -> None:
        try:
            self.stop_immediately()
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.folder, ignore_errors=True)


# -- processes


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def wait_for_http(port: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/api/v1/openapi.json")
            if connection.getresponse().status == 200:
                return True
        except OSError:
            pass
        time.sleep(0.2)
    return False


class Drill:
    def __init__(self, args, env: dict):
        self.args = args
        self.env = env
        self.server: subprocess.Popen | None = None
        self.worker: subprocess.Popen | None = None
        self.orphans: list[int] = []
        self.worker_lock = threading.Lock()
        self.log: list[str] = []
        self.started = time.monotonic()
        self.logs = Path(tempfile.mkdtemp(prefix="wennuan-kill-drill-logs."))

    def note(self, text: str) -> None:
        line = f"t={time.monotonic() - self.started:6.1f} s  {text}"
        self.log.append(line)
        print(line, flush=True)

    def start_server(self) -> None:
        # --timeout 60: long enough for 8 workers to boot on a loaded machine, short enough that
        # a killed master's orphans notice and leave within the 65 s `serve` waits for the port.
        self.server = subprocess.Popen(
            [str(VENV_BIN / "wennuan"), "serve", "--port", str(self.args.port), "--workers",
             str(self.args.workers), "--timeout", "60", "--graceful-timeout", "5"],
            env=self.env, cwd=REPO, stdout=(self.logs / "serve.log").open("a"),
            stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip

    def start_worker(self) -> None:
        self.worker = subprocess.Popen(
            [str(VENV_BIN / "wennuan"), "worker", "--interval", "1"],
            env=self.env, cwd=REPO, stdout=(self.logs / "worker.log").open("a"),
            stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip

    def kill_web_worker(self) -> None:
        workers = children(self.server.pid)
        if workers:
            os.kill(workers[0], signal.SIGKILL)
        self.note(f"kill -9 gunicorn worker {workers[:1]} (of {len(workers)})")

    def kill_master_and_restart(self) -> None:
        self.orphans = children(self.server.pid)
        os.kill(self.server.pid, signal.SIGKILL)
        self.server.wait()
        self.note(f"kill -9 gunicorn master {self.server.pid} ({len(self.orphans)} orphans left)")
        self.start_server()
        up = wait_for_http(self.args.port, 120)
        self.note(f"`wennuan serve` restarted, answering: {up}")

    def kill_worker_and_restart(self) -> None:
        with self.worker_lock:  # the supervisor waits: this exit is ours
            killed = self.worker
            os.kill(killed.pid, signal.SIGKILL)
            killed.wait()
            self.note(f"kill -9 `wennuan worker` {killed.pid}")
            self.start_worker()

    def supervise(self, stop: threading.Event) -> None:
        """Restart `wennuan worker` if it exits by itself, as systemd's Restart=always does;
        noted in the timeline (it should not happen: the worker survives a database restart)."""
        while not stop.wait(1):
            with self.worker_lock:
                if self.worker is None or self.worker.poll() is None:
                    continue
                self.note(f"`wennuan worker` exited by itself (code {self.worker.returncode}), "
                          "restarted as systemd would")  # fmt: skip
                self.start_worker()

    def stop(self) -> None:
        for process in (self.server, self.worker):
            if process is not None and process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(20)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
        for orphan in self.orphans:  # ours: started by the killed master
            try:
                os.kill(orphan, signal.SIGKILL)
            except ProcessLookupError:
                pass


def send_with_retries(port, token, names, complaints, clients, seconds, on_progress):
    """Each complaint until it is acknowledged (200/201) or refused (4xx), or time runs out."""
    tasks: queue.Queue = queue.Queue()
    for index in range(complaints):
        tasks.put(index)
    lock = threading.Lock()
    numbers: dict[int, set[str]] = {}
    final: dict[int, int] = {}
    counts = collections.Counter()
    deadline = time.monotonic() + seconds

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while time.monotonic() < deadline:
            try:
                index = tasks.get_nowait()
            except queue.Empty:
                return
            headers = {"Authorization": f"Token {token}", "Content-Type": "application/json",
                       "Idempotency-Key": f"kill-drill-{index}"}  # fmt: skip
            while time.monotonic() < deadline:
                try:
                    connection.request(
                        "POST", "/api/v1/workorders", complaint(index, names), headers
                    )
                    response = connection.getresponse()
                    payload = response.read()
                    status = response.status
                except (OSError, http.client.HTTPException):
                    status = 0
                    connection.close()
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                with lock:
                    counts["requests"] += 1
                    counts[f"status {status}"] += 1
                if status in (200, 201):
                    import json

                    with lock:
                        numbers.setdefault(index, set()).add(json.loads(payload)["number"])
                        final[index] = status
                        acknowledged = len(final)
                    on_progress(acknowledged)
                    break
                if 400 <= status < 500 and status not in (408, 429):
                    with lock:
                        final[index] = status
                    break
                with lock:
                    counts["retried"] += 1
                time.sleep(0.5)  # the same key again, after a moment

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return numbers, final, counts, time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="postgres")
    parser.add_argument("--complaints", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--workers", type=int, default=None, help="default 8 (PG), 4 (SQLite)")
    parser.add_argument("--seconds", type=float, default=900, help="bound on the sending")
    parser.add_argument(
        "--drain-seconds", type=float, default=420, help="bound on the outbox (its lease is 5 min)"
    )
    parser.add_argument("--gateway-delay", type=float, default=0.05, help="seconds per SMS")
    parser.add_argument(
        "--no-query",
        action="store_true",
        help="the fake gateway cannot be asked for a client message id (at least once)",
    )
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    parser.add_argument("--pg-port", type=int, default=0)
    args = parser.parse_args()
    args.workers = args.workers or (8 if args.database == "postgres" else 4)
    args.port = args.port or free_port()
    postgres = None
    drill = None
    gateway = FakeGateway(delay_s=args.gateway_delay, askable=not args.no_query)
    gateway.start()
    try:
        if args.database == "postgres":
            postgres = Postgres(args.pg_port or free_port())
            database_url = postgres.url
        else:
            database_url = f"sqlite:///{tempfile.mkdtemp(prefix='wennuan-kill-drill.')}/db.sqlite3"
        os.environ["SECRET_KEY"] = secrets.token_urlsafe(50)  # never a weak inherited one
        fresh_database(database_url)
        from django.db import connections

        from wennuan.api.models import ApiClient
        from wennuan.lib.models import DeliveryAttempt, OutboxMessage
        from wennuan.registry.models import Community
        from wennuan.workorders.models import IdempotencyKey, WorkOrder

        client_row, token = ApiClient.issue("kill-drill-12345")
        names = list(Community.objects.values_list("name", flat=True))
        connections.close_all()
        env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "0",
               "SECRET_KEY": os.environ["SECRET_KEY"], "STATIC_MANIFEST": "0",
               "ALLOWED_HOSTS": "127.0.0.1", "WENNUAN_NOTIFY_QUIET_HOURS": "",
               "WENNUAN_CITIZEN_NOTICES": "1",
               "WENNUAN_SMS_BACKEND": "fake_sms_gateway.FakeGatewaySmsBackend",
               "WENNUAN_FAKE_SMS_URL": gateway.url,
               "PYTHONPATH": os.pathsep.join([str(BENCHMARKS), os.environ.get("PYTHONPATH", "")]),
               }  # fmt: skip
        drill = Drill(args, env)
        drill.start_server()
        drill.start_worker()
        if not wait_for_http(args.port, 600):  # a busy machine boots 8 workers slowly
            sys.exit("the server did not start")
        drill.note(f"serving on {args.port} with {args.workers} workers; load starts")
        stop_supervising = threading.Event()
        supervisor = threading.Thread(target=drill.supervise, args=(stop_supervising,))
        supervisor.start()
        kills = [
            (0.15, drill.kill_web_worker),
            (0.35, drill.kill_master_and_restart),
            (0.55, drill.kill_worker_and_restart),
        ]
        if postgres is not None:

            def database_crash():
                postgres.stop_immediately()
                drill.note("PostgreSQL stopped (-m immediate)")
                time.sleep(2)
                postgres.start()
                drill.note("PostgreSQL started again")

            kills.append((0.75, database_crash))
        pending = list(kills)
        kill_lock = threading.Lock()

        def on_progress(acknowledged: int) -> None:
            with kill_lock:
                if pending and acknowledged >= pending[0][0] * args.complaints:
                    _share, action = pending.pop(0)
                    threading.Thread(target=action).start()

        numbers, final, counts, wall = send_with_retries(
            args.port, token, names, args.complaints, args.clients, args.seconds, on_progress
        )
        drill.note(f"load done in {wall:.0f} s; kills left undone: {len(pending)}")
        # The outbox drains (the worker runs every second).
        connections.close_all()
        drain_deadline = time.monotonic() + args.drain_seconds
        while time.monotonic() < drain_deadline:
            try:
                waiting = OutboxMessage.objects.filter(
                    channel="sms", status=OutboxMessage.Status.PENDING
                ).count()
            except Exception:  # noqa: BLE001 - the database may still be starting
                connections.close_all()
                waiting = -1
            if waiting == 0:
                break
            time.sleep(1)
        drill.note(f"outbox: {waiting} SMS still pending")
        stop_supervising.set()
        supervisor.join()
        stored = dict(WorkOrder.objects.filter(api_client=client_row).values_list("number", "pk"))
        keys = IdempotencyKey.objects.filter(client=client_row).count()
        acknowledged = {n for found in numbers.values() for n in found}
        lost = len(acknowledged - set(stored))
        doubled = sum(1 for found in numbers.values() if len(found) > 1) + max(
            0, len(stored) - keys
        )
        errors = sum(1 for status in final.values() if status not in (200, 201))
        unanswered = args.complaints - len(final)
        with gateway.lock:
            received = list(gateway.messages)
        per_order = collections.Counter()
        for _phone, text in received:
            for number in _numbers_in(text, stored):
                per_order[number] += 1
        sms_duplicates = sum(count - 1 for count in per_order.values() if count > 1)
        sms_missing = sum(1 for number in stored if per_order[number] == 0)
        print(f"# {machine()}, commit {git_commit()}")
        print("| database | workers / clients | complaints | requests | retried | errors | "
              "unanswered | acknowledged | lost | doubled | orders stored | SMS expected | "
              "SMS sent | duplicate SMS | missing SMS |")  # fmt: skip
        print(
            f"| {args.database} | {args.workers} / {args.clients} | {args.complaints} | "
            f"{counts['requests']} | {counts['retried']} | {errors} | {unanswered} | "
            f"{len(acknowledged)} | {lost} | {doubled} | {len(stored)} | {len(stored)} | "
            f"{len(received)} | {sms_duplicates} | {sms_missing} |"
        )
        print("statuses:", {k: v for k, v in sorted(counts.items()) if k.startswith("status")})
        interrupted = DeliveryAttempt.objects.filter(message__channel="sms").exclude(note="")
        reconciled = interrupted.filter(note__startswith="reconciled").count()
        with gateway.lock:
            questions = dict(gateway.questions)
        print(
            f"interrupted sends: {interrupted.count()}, reconciled without sending: "
            f"{reconciled}, sent (again): {interrupted.count() - reconciled}; "
            f"gateway asked: {questions or 'never'}"
        )
        print("timeline:")
        for line in drill.log:
            print("  ", line)
        print(f"logs: {drill.logs}")
        ok = errors == lost == doubled == sms_missing == unanswered == 0
        ok = ok and (args.no_query or sms_duplicates == 0)
        sys.exit(0 if ok else 1)
    finally:
        if drill is not None:
            drill.stop()
        gateway.stop()
        if postgres is not None:
            postgres.remove()


def _numbers_in(text: str, stored: dict) -> list[str]:
    import re

    return [number for number in re.findall(r"[A-Z]{2}\d{8,}", text) if number in stored]


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


if __name__ == "__main__":
    main()

"""Load and idempotency drill (issue 18): many complaints from many clients on ≥ 4 gunicorn
workers, a share of them sent twice at the same moment with the same Idempotency-Key (a
client's retry racing its first attempt), then the database is checked.

    .venv/bin/python benchmarks/load_drill.py --database sqlite
    .venv/bin/python benchmarks/load_drill.py --database postgres   # throwaway cluster

Reports requests, statuses, errors (anything but 201/200), lost (acknowledged but not
stored, or stored under another number), doubled (one key → two orders, or two answers with
different numbers for one key), wall time and throughput. Exits 1 unless errors, lost and
doubled are all 0. Bounded: stops sending after ``--seconds``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import queue
import random
import secrets
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from workorders_common import REPO, fresh_database, git_commit, machine, percentile  # noqa: E402

VENV_BIN = REPO / ".venv" / "bin"


def complaint(index: int, names: list[str]) -> bytes:
    rng = random.Random(index)
    community = rng.choice(names)
    return json.dumps(
        {
            "text": f"{community}{rng.randrange(1, 20)}号楼{rng.randrange(1, 4)}单元"
            f"{rng.randrange(1, 19)}0{rng.randrange(1, 3)}暖气不热，室温{rng.randrange(12, 18)}度",
            "phone": f"139{rng.randrange(10**8):08d}",
            "channel": "12345",
        },
        ensure_ascii=False,
    ).encode()


def send_all(port, token, names, complaints, duplicate_share, clients, seconds):
    tasks: queue.Queue = queue.Queue()
    rng = random.Random(7)
    for index in range(complaints):
        tasks.put(index)
        if rng.random() < duplicate_share:
            tasks.put(index)  # the same key again, taken by another client at once
    lock = threading.Lock()
    answers: dict[int, list[tuple[int, str | None]]] = {}
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while time.perf_counter() < deadline:
            try:
                index = tasks.get_nowait()
            except queue.Empty:
                break
            headers = {
                "Authorization": f"Token {token}",
                "Content-Type": "application/json",
                "Idempotency-Key": f"drill-{index}",
            }
            started = time.perf_counter()
            number = None
            try:
                connection.request("POST", "/api/v1/workorders", complaint(index, names), headers)
                response = connection.getresponse()
                payload = response.read()
                status = response.status
                if status in (200, 201):
                    number = json.loads(payload)["number"]
            except (OSError, http.client.HTTPException, ValueError):
                status = 0
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            with lock:
                latencies.append((time.perf_counter() - started) * 1000)
                answers.setdefault(index, []).append((status, number))

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers, latencies, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--complaints", type=int, default=2000)
    parser.add_argument("--duplicate-share", type=float, default=0.25)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=600)
    parser.add_argument("--port", type=int, default=8761)
    args = parser.parse_args()
    stop_postgres = None
    if args.database == "postgres":
        from workorders_intake import start_postgres

        database_url, stop_postgres = start_postgres(54351)
    else:
        database_url = "sqlite:////tmp/wennuan-bench-drill.sqlite3"
    server = None
    try:
        fresh_database(database_url)
        from wennuan.api.models import ApiClient
        from wennuan.registry.models import Community
        from wennuan.workorders.models import IdempotencyKey, WorkOrder

        client_row, token = ApiClient.issue("drill-12345")
        names = list(Community.objects.values_list("name", flat=True))
        env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "0",
               "SECRET_KEY": secrets.token_urlsafe(50), "STATIC_MANIFEST": "0",
               "ALLOWED_HOSTS": "127.0.0.1"}  # fmt: skip
        server = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "wennuan.config.wsgi:application", "-w",
             str(args.workers), "-b", f"127.0.0.1:{args.port}", "--timeout", "120",
             "--log-level", "warning"],
            env=env, cwd=REPO,
        )  # fmt: skip
        for _ in range(150):
            try:
                connection = http.client.HTTPConnection("127.0.0.1", args.port, timeout=2)
                connection.request("GET", "/api/v1/openapi.json")
                connection.getresponse().read()
                break
            except OSError:
                time.sleep(0.2)
        answers, latencies, wall = send_all(
            args.port, token, names, args.complaints, args.duplicate_share, args.clients,
            args.seconds,
        )  # fmt: skip
        statuses: dict[int, int] = {}
        for replies in answers.values():
            for status, _number in replies:
                statuses[status] = statuses.get(status, 0) + 1
        errors = sum(count for status, count in statuses.items() if status not in (200, 201))
        stored = dict(WorkOrder.objects.filter(api_client=client_row).values_list("number", "pk"))
        keys = IdempotencyKey.objects.filter(client=client_row).count()
        acknowledged = {n for replies in answers.values() for s, n in replies if n}
        lost = len(acknowledged - set(stored))
        # One key, one order: two answers with different numbers, or more orders than keys.
        doubled = sum(
            1 for replies in answers.values() if len({n for _s, n in replies if n}) > 1
        ) + max(0, len(stored) - keys)
        requests = sum(statuses.values())
        print(f"# {machine()}, commit {git_commit()}")
        print("| database | workers / clients | complaints (sent twice) | requests | req/s | "
              "p50 ms | p99 ms | statuses | errors | lost | doubled | orders stored |")  # fmt: skip
        print(
            f"| {args.database} | {args.workers} / {args.clients} | {len(answers)} "
            f"({requests - len(answers)}) | {requests} | {requests / wall:.1f} | "
            f"{percentile(latencies, 0.5):.0f} | {percentile(latencies, 0.99):.0f} | "
            f"{dict(sorted(statuses.items()))} | {errors} | {lost} | {doubled} | {len(stored)} |"
        )
        if len(answers) < args.complaints:
            print(f"stopped after {args.seconds:.0f} s: {len(answers)} of {args.complaints} sent")
        sys.exit(0 if errors == lost == doubled == 0 else 1)
    finally:
        if server is not None:
            server.terminate()
            server.wait(20)
        if stop_postgres is not None:
            stop_postgres()


if __name__ == "__main__":
    main()

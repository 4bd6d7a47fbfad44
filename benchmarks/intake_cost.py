"""Benchmark: what one API intake costs next to the work it must do (issue 18).

Side by side in one run, on one database, CPU time of this process (time.process_time:
Python, Django and, on SQLite, the database engine; PostgreSQL's server CPU is not in it):

1. raw INSERT: one committed single-row INSERT of an order row through the database cursor;
2. ORM insert: ``WorkOrder.objects.create`` of the same row (autocommit);
3. an ORM SELECT of one row by a unique column, and an API request refused for want of a token
   (the floor every request pays: test client, middleware, URL, view, JSON answer);
4. full intake: ``POST /api/v1/workorders`` through Django's test client (middleware, token,
   Idempotency-Key, JSON, the complaint reader, order number, routing with deadlines, events,
   the JSON answer), the register (520 communities) loaded and the reader's index warm;
5. the public form: ``POST /complaint/`` (the form's checks and limits, the same intake, the
   confirmation page rendered).

Interleaved (each round runs 20 calls of every step in turn); on PostgreSQL the backend's
CPU (/proc/<pid>/stat, 10 ms ticks, so per batch of 20) is added to the app's.

    .venv/bin/python benchmarks/intake_cost.py --database sqlite  [--rounds 300]
    .venv/bin/python benchmarks/intake_cost.py --database postgres  # throwaway cluster

Prints one Markdown table row per step and the ratios; the query count per intake too.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import secrets
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from workorders_common import fresh_database, git_commit, machine  # noqa: E402

BATCH = 20  # calls per step between two readings of the database server's CPU clock


def server_cpu_seconds(pid: int | None) -> float:
    """CPU seconds (user + system) of the PostgreSQL backend serving this connection."""
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(steps: dict, rounds: int, backend_pid: int | None) -> dict:
    """Interleaved: each round runs BATCH calls of every step in turn, so the shared machine's
    load falls on all steps alike. Per step: median and p90 of this process's CPU ms per call,
    and the server's CPU ms per call (median over rounds of batch CPU / BATCH)."""
    for run in steps.values():
        for index in range(10):
            run(-index - 1 - 1000 * list(steps.values()).index(run))
    samples = {name: [] for name in steps}
    server = {name: [] for name in steps}
    call = 0
    for _round in range(rounds):
        for name, run in steps.items():
            server_before = server_cpu_seconds(backend_pid)
            for _index in range(BATCH):
                started = time.process_time()
                run(call)
                samples[name].append((time.process_time() - started) * 1000)
                call += 1
            server[name].append((server_cpu_seconds(backend_pid) - server_before) * 1000 / BATCH)
    result = {}
    for name in steps:
        values = sorted(samples[name])
        result[name] = (
            statistics.median(values),
            values[int(0.9 * (len(values) - 1))],
            statistics.median(server[name]) if backend_pid else 0.0,
            statistics.mean(server[name]) if backend_pid else 0.0,
        )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--rounds", type=int, default=15, help="rounds of 20 calls per step")
    args = parser.parse_args()
    stop = None
    if args.database == "postgres":
        from workorders_intake import start_postgres

        database_url, stop = start_postgres(54341)
    else:
        database_url = "sqlite:////tmp/wennuan-bench-intake-cost.sqlite3"
    try:
        run(args, database_url)
    finally:
        if stop:
            stop()


def run(args, database_url: str) -> None:
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["STATIC_MANIFEST"] = "0"  # pages render without collectstatic
    logging.disable(logging.WARNING)  # the refused requests' "Unauthorized" lines
    fresh_database(database_url)
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from wennuan.api.models import ApiClient
    from wennuan.registry.models import Community
    from wennuan.workorders.models import WorkOrder

    names = list(Community.objects.order_by("name").values_list("name", flat=True))
    rng = random.Random(1)
    table = connection.ops.quote_name(WorkOrder._meta.db_table)
    columns = ("number", "channel", "external_id", "caller_name", "phone", "building", "unit",
               "room", "text", "category", "state", "created_at", "updated_at", "pressed",
               "supervised", "extension_requested", "extension_approved", "overdue",
               "is_published", "reply", "publish_text")  # fmt: skip
    present = {field.column for field in WorkOrder._meta.concrete_fields}
    columns = tuple(c for c in columns if c in present)
    placeholders = ", ".join(["%s"] * len(columns))
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})"

    def row_values(prefix: str, index: int) -> list:
        now = timezone.now()
        values = {
            "number": f"{prefix}{index + 20:011d}",
            "channel": "12345",
            "phone": f"139{rng.randrange(10**8):08d}",
            "text": "暖气不热，室温16度",
            "category": "not_warm",
            "state": "received",
            "created_at": now,
            "updated_at": now,
        }
        return [values.get(c, False if c in ("pressed", "supervised", "extension_requested",
                "extension_approved", "overdue", "is_published") else "") for c in columns]  # fmt: skip

    def raw_insert(index: int) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, row_values("RW", index))
        # autocommit: the statement is committed on its own

    def orm_insert(index: int) -> None:
        now = timezone.now()
        WorkOrder.objects.create(
            number=f"OR{index + 20:011d}",
            channel="12345",
            phone=f"139{rng.randrange(10**8):08d}",
            text="暖气不热，室温16度",
            category="not_warm",
            state="received",
            created_at=now,
            updated_at=now,
        )

    def orm_select(index: int) -> None:
        # What one more statement costs through the ORM: a row by its unique column.
        WorkOrder.objects.filter(number=f"OR{index % 200 + 20:011d}").first()

    _client, token = ApiClient.issue("bench-cost")
    client = Client()
    headers = {"HTTP_AUTHORIZATION": f"Token {token}"}

    def body(index: int) -> str:
        community = rng.choice(names)
        return json.dumps(
            {
                "text": f"{community}{rng.randrange(1, 20)}号楼{rng.randrange(1, 4)}单元"
                f"{rng.randrange(1, 19)}0{rng.randrange(1, 3)}暖气不热，室温{rng.randrange(12, 18)}度",
                "phone": f"139{rng.randrange(10**8):08d}",
                "channel": "12345",
            },
            ensure_ascii=False,
        )

    def intake(index: int) -> None:
        response = client.post(
            "/api/v1/workorders",
            data=body(index),
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=f"cost-{index}",
            **headers,
        )
        assert response.status_code == 201, response.content

    def refused(index: int) -> None:
        # The floor of any API request here: client, middleware, URL, view, a JSON answer;
        # refused for want of a token before any database work.
        response = client.post("/api/v1/workorders", data="{}", content_type="application/json")
        assert response.status_code == 401, response.content

    form_client = Client()

    def form_intake(index: int) -> None:
        community = rng.choice(names)
        response = form_client.post(
            "/complaint/",
            {
                "text": f"暖气不热，室温{rng.randrange(12, 18)}度",
                "phone": f"138{rng.randrange(10**8):08d}",
                "community": community,
                "building": str(rng.randrange(1, 20)),
                "unit": str(rng.randrange(1, 4)),
                "room": f"{rng.randrange(1, 19)}0{rng.randrange(1, 3)}",
            },
            # A different address each time: the form's limit per address is 10 an hour.
            REMOTE_ADDR=f"10.{index // 65536 % 256}.{index // 256 % 256}.{index % 256}",
        )
        assert response.status_code == 200, response.content[:500]

    backend_pid = None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend_pid = cursor.fetchone()[0]
    steps = {
        "raw INSERT (cursor, committed)": raw_insert,
        "ORM insert (WorkOrder.objects.create)": orm_insert,
        "ORM SELECT of one row by a unique column": orm_select,
        "API request refused without a token (the request's floor)": refused,
        "full intake (POST /api/v1/workorders)": intake,
        "public form (POST /complaint/, page rendered)": form_intake,
    }
    load_before = os.getloadavg()[0]
    results = measure(steps, args.rounds, backend_pid)
    load_after = os.getloadavg()[0]
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        intake(10**6)
    raw = results["raw INSERT (cursor, committed)"]
    orm = results["ORM insert (WorkOrder.objects.create)"]
    print(
        f"# {machine()}, commit {git_commit()}, {args.database}, {args.rounds} rounds × {BATCH} "
        f"calls per step, interleaved; load average {load_before:.1f} → {load_after:.1f}"
    )
    print(
        "| database | step | app CPU ms median | app CPU ms p90 | server CPU ms per call "
        "(median / mean of rounds) | app median + server mean ms | × raw INSERT | × ORM insert |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for step, (median, p90, server_median, server_mean) in results.items():
        # The server's clock ticks every 10 ms, i.e. 0.5 ms per call of a batch of 20: a
        # median of such readings is often 0 for a single INSERT; the mean is not biased.
        total = median + server_mean
        server_text = f"{server_median:.2f} / {server_mean:.2f}" if backend_pid else "(in app)"
        print(
            f"| {args.database} | {step} | {median:.2f} | {p90:.2f} | {server_text} | "
            f"{total:.2f} | {total / (raw[0] + raw[3]):.1f} | {total / (orm[0] + orm[3]):.1f} |"
        )
    with CaptureQueriesContext(connection) as form_queries:
        form_intake(10**6)
    print(f"queries per intake: API {len(queries)}, public form {len(form_queries)}")


if __name__ == "__main__":
    main()

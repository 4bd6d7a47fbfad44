"""Benchmark: what one API intake costs next to the work it must do (issue 18).

Side by side in one run, on one database, CPU time of this process (time.process_time:
Python, Django and, on SQLite, the database engine; PostgreSQL's server CPU is not in it):

1. raw INSERT: one committed single-row INSERT of an order row through the database cursor;
2. ORM insert: ``WorkOrder.objects.create`` of the same row (autocommit);
3. full intake: ``POST /api/v1/workorders`` through Django's test client (middleware, token,
   Idempotency-Key, JSON, the complaint reader, order number, routing with deadlines, events,
   the JSON answer), the register (520 communities) loaded and the reader's index warm.

    .venv/bin/python benchmarks/intake_cost.py --database sqlite  [--rounds 300]
    .venv/bin/python benchmarks/intake_cost.py --database postgres  # throwaway cluster

Prints one Markdown table row per step and the ratios; the query count per intake too.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from workorders_common import fresh_database, git_commit, machine  # noqa: E402


def cpu_ms(run, rounds: int) -> tuple[float, float]:
    """Median and p90 of CPU milliseconds per call, after 10 warm-up calls."""
    for index in range(10):
        run(-index - 1)
    samples = []
    for index in range(rounds):
        started = time.process_time()
        run(index)
        samples.append((time.process_time() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(0.9 * (len(samples) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--rounds", type=int, default=300)
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
    import os

    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", "bench-" + "k" * 40)
    os.environ["ALLOWED_HOSTS"] = "testserver"
    fresh_database(database_url)
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from wennuan.registry.models import Community
    from wennuan.workorders.models import ApiClient, WorkOrder

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

    results = {
        "raw INSERT (cursor, committed)": cpu_ms(raw_insert, args.rounds),
        "ORM insert (WorkOrder.objects.create)": cpu_ms(orm_insert, args.rounds),
        "full intake (POST /api/v1/workorders)": cpu_ms(intake, args.rounds),
    }
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        intake(10**6)
    raw = results["raw INSERT (cursor, committed)"][0]
    orm = results["ORM insert (WorkOrder.objects.create)"][0]
    print(f"# {machine()}, commit {git_commit()}, {args.database}, {args.rounds} rounds")
    print("| database | step | CPU ms median | CPU ms p90 | × raw INSERT | × ORM insert |")
    print("|---|---|---|---|---|---|")
    for step, (median, p90) in results.items():
        print(f"| {args.database} | {step} | {median:.2f} | {p90:.2f} | {median / raw:.1f} | "
              f"{median / orm:.1f} |")  # fmt: skip
    print(f"queries per intake: {len(queries)}")


if __name__ == "__main__":
    main()

"""Benchmark: the dispatcher queue and the supervisor's order list with many orders.

    .venv/bin/python benchmarks/workorders_pages.py [--orders 200000] [--database-url URL]

Builds a scratch database (default SQLite in /tmp) with the demo register and ``--orders``
synthetic orders (15 % open), then requests each page in-process with Django's test client
and reports server time (p50/p95 over ``--repeat`` requests after warm-up) and the number of
SQL queries per request. Target (issue 3): p95 < 150 ms.
"""

from __future__ import annotations

import argparse
import statistics
import time
from functools import partial

from workorders_common import fresh_database, git_commit, insert_orders, machine, percentile

PAGES = [
    ("dispatcher queue (yongheng)", "yongheng-dispatcher", "/console/orders/"),
    ("dispatcher queue, page 20", "yongheng-dispatcher", "/console/orders/?page=20"),
    ("technician's orders", "yongheng-technician", "/console/orders/"),
    ("supervisor: open orders", "supervisor", "/console/orders/"),
    ("supervisor: all orders", "supervisor", "/console/orders/?all=1"),
    ("supervisor: all, page 1000", "supervisor", "/console/orders/?all=1&page=1000"),
    ("supervisor: overdue", "supervisor", "/console/orders/?overdue=1"),
    (
        "supervisor: company + category",
        "supervisor",
        "/console/orders/?company=minsheng&category=not_warm&all=1",
    ),
    ("supervisor: closed, page 300", "supervisor", "/console/orders/?state=closed&page=300"),
]


def count_query(log, execute, *args):
    log.append(1)
    return execute(*args)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--orders", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--database-url", default="sqlite:////tmp/wennuan-bench-pages.sqlite3")
    parser.add_argument("--reuse", action="store_true", help="keep the database of a last run")
    args = parser.parse_args()

    if args.reuse:
        from workorders_common import setup_django

        setup_django(args.database_url)
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
    else:
        fresh_database(args.database_url)
        seconds = insert_orders(args.orders, open_share=0.15)
        print(f"inserted {args.orders} orders in {seconds:.1f} s")
    from django.db import connection as db

    with db.cursor() as cursor:  # fresh statistics, as PostgreSQL's autovacuum keeps them
        cursor.execute("ANALYZE")

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    users = get_user_model().objects
    client = Client(HTTP_HOST="127.0.0.1")
    print(f"# {machine()}, commit {git_commit()}, {connection.vendor}, {args.orders} orders")
    print("| page | rows shown | queries | p50 ms | p95 ms |")
    print("|---|---|---|---|---|")
    for label, username, url in PAGES:
        client.force_login(users.get(username=username))
        for _ in range(3):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
        captured = []
        with connection.execute_wrapper(partial(count_query, captured)):
            response = client.get(url)
        rows = response.content.decode().count('class="order-row')
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        print(
            f"| {label} | {rows} | {len(captured)} | {statistics.median(times):.1f} | "
            f"{percentile(times, 0.95):.1f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()

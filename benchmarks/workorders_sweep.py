"""Benchmark: the worker's sweep (auto-press at 80 %, overdue at breach) over many open orders.

    .venv/bin/python benchmarks/workorders_sweep.py [--open-orders 100000] [--database-url URL]

Scratch database with the demo register and ``--open-orders`` synthetic open orders whose
deadlines lie around now (so thousands are due for a press or an overdue mark). Reports the
time of the selection queries alone, of one sweep (one batch of presses and one of overdue
marks, as `wennuan worker` runs it each period), and of sweeping until nothing is left.
"""

from __future__ import annotations

import argparse
import time

from workorders_common import fresh_database, git_commit, insert_orders, machine


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--open-orders", type=int, default=100_000)
    parser.add_argument("--database-url", default="sqlite:////tmp/wennuan-bench-sweep.sqlite3")
    parser.add_argument("--drain-limit-s", type=float, default=60)
    parser.add_argument("--reuse", action="store_true", help="keep the database of a last run")
    args = parser.parse_args()

    if args.reuse:
        from workorders_common import setup_django

        setup_django(args.database_url)
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
    else:
        fresh_database(args.database_url)
        seconds = insert_orders(args.open_orders, open_share=1.0, seed=3)
        print(f"inserted {args.open_orders} open orders in {seconds:.1f} s")

    from django.db import connection
    from django.utils import timezone

    from wennuan.workorders.actions import sweep
    from wennuan.workorders.models import WorkOrder

    now = timezone.now()
    due_press = WorkOrder.objects.filter(press_at__lte=now, due_at__gt=now)
    due_breach = WorkOrder.objects.filter(due_at__lte=now, breached_at__isnull=True)
    print(f"# {machine()}, commit {git_commit()}, {connection.vendor}")
    print(f"to press: {due_press.count()}, to mark overdue: {due_breach.count()}")
    started = time.perf_counter()
    list(due_press.order_by("press_at").values_list("pk")[:500])
    list(due_breach.order_by("due_at").values_list("pk")[:500])
    print(f"selection queries (2 × first 500): {(time.perf_counter() - started) * 1000:.1f} ms")

    started = time.perf_counter()
    pressed, breached = sweep(now)
    one = time.perf_counter() - started
    print(
        f"one sweep: {pressed} pressed + {breached} overdue in {one:.2f} s "
        f"({(pressed + breached) / one:.0f} orders/s)"
    )
    total_pressed, total_breached = pressed, breached
    started = time.perf_counter()
    rounds = 1
    while (pressed or breached) and time.perf_counter() - started < args.drain_limit_s:
        pressed, breached = sweep(now)
        total_pressed += pressed
        total_breached += breached
        rounds += 1
    drained = time.perf_counter() - started + one
    print(
        f"until done: {rounds} sweeps, {total_pressed} pressed + {total_breached} overdue "
        f"in {drained:.1f} s"
    )
    left = due_press.count() + due_breach.count()
    print(f"still due after the time limit: {left}")
    if left == 0:
        started = time.perf_counter()
        sweep(now)
        print(f"idle sweep (nothing due): {(time.perf_counter() - started) * 1000:.1f} ms")


if __name__ == "__main__":
    main()

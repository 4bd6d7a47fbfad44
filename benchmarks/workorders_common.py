"""Shared setup for the work-order benchmarks: a scratch database with the demo register and
many synthetic orders.

The rows are synthetic (one insert per order, no event history): list pages and the worker
read only the order table and its indexes, so their cost depends on how many rows there are
and how they are spread over companies, states and deadlines, which this mimics: most orders
finished, the open ones with deadlines around "now", some past due.
"""

from __future__ import annotations

import os
import platform
import random
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wennuan.config.settings")
    sys.path.insert(0, str(REPO / "src"))
    import django

    django.setup()


def fresh_database(database_url: str) -> None:
    """Empty scratch database with the schema and the demo register (no demo history)."""
    if database_url.startswith("sqlite:///"):
        path = Path(database_url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    setup_django(database_url)
    from django.core.management import call_command

    from wennuan.demo.city import build_city, default_register_csv
    from wennuan.demo.loader import load_demo_city

    if not database_url.startswith("sqlite"):
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    load_demo_city(build_city(default_register_csv(), seed=2026))


def insert_orders(count: int, *, open_share: float, seed: int = 1) -> float:
    """Insert ``count`` synthetic orders; returns seconds taken."""
    from django.db import transaction
    from django.utils import timezone

    from wennuan.registry.models import Community
    from wennuan.staff.choices import Role
    from wennuan.staff.models import StaffProfile
    from wennuan.workorders.choices import Category, Channel, State

    try:
        from wennuan.demo.history import _insert_instances
    except ImportError:  # a checkout before session 7 (benchmarks/arch_side_by_side.py --old)
        from wennuan.workorders.history import _insert_instances
    from wennuan.workorders.models import WorkOrder

    started = time.perf_counter()
    rng = random.Random(seed)
    now = timezone.now()
    communities = list(Community.objects.values_list("pk", "company_id"))
    technicians: dict[int, list[int]] = {}
    for user_id, company_id in StaffProfile.objects.filter(role=Role.TECHNICIAN).values_list(
        "user_id", "company_id"
    ):
        technicians.setdefault(company_id, []).append(user_id)
    open_states = [State.DISPATCHED, State.ACCEPTED, State.IN_PROGRESS, State.REOPENED]
    done_states = [State.CLOSED] * 6 + [State.CALLBACK_DONE, State.RESOLVED, State.MERGED]
    categories = [Category.NOT_WARM] * 5 + list(Category)
    base = WorkOrder.objects.count()
    batch: list[WorkOrder] = []
    with transaction.atomic():
        for index in range(count):
            community_id, company_id = rng.choice(communities)
            is_open = rng.random() < open_share
            created = now - timedelta(
                hours=rng.uniform(0.1, 72) if is_open else rng.uniform(0, 24 * 120)
            )
            state = rng.choice(open_states if is_open else done_states)
            due = created + timedelta(hours=rng.choice((0.5, 1, 2, 24, 72))) if is_open else None
            order = WorkOrder(
                number=f"BM{base + index:011d}",
                channel=Channel.HOTLINE_12345,
                phone="138" + f"{rng.randrange(10**8):08d}",
                community_id=community_id,
                company_id=company_id,
                building=str(rng.randrange(1, 20)),
                unit=str(rng.randrange(1, 4)),
                room=str(rng.randrange(101, 1802)),
                text="暖气不热",
                category=rng.choice(categories),
                state=state,
                assignee_id=rng.choice(technicians[company_id])
                if state in (State.IN_PROGRESS,) and technicians.get(company_id)
                else None,
                created_at=created,
                updated_at=created,
                clock_started_at=created if is_open else None,
                due_at=due,
                press_at=created + (due - created) * 0.8 if due else None,
                sign_deadline=due,
                resolve_deadline=created + timedelta(hours=72) if is_open else None,
                pressed=rng.random() < 0.1,
                is_published=not is_open,
            )
            batch.append(order)
            if len(batch) == 20000:
                _insert_instances(WorkOrder, batch)
                batch = []
        _insert_instances(WorkOrder, batch)
    return time.perf_counter() - started


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        model = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
        cpu = model
    except (OSError, StopIteration):
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return f"{cpu}, {os.cpu_count()} cores (shared; load {load:.1f}), Python {platform.python_version()}"


def git_commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True
        ).stdout.strip()
    except OSError:
        return "?"

"""Periodic tasks run by `wennuan worker` besides the deadline sweep (daily plans, weekly
reports, outreach reminders).

An app declares its tasks in a module ``<app>/periodic.py`` with a list ``TASKS`` of
:class:`PeriodicTask`. On each pass the worker asks every task for the period that is due now
(``due(now)`` returns a key such as ``"2026-11-27"``, or ``None`` when nothing is due) and runs
it at most once per period across all workers: the claim is a row of :class:`PeriodicRun`
with a unique (task, period), held for a lease (``PeriodicTask.lease_s``). A worker killed
mid-task (kill -9, OOM, power) leaves an unfinished claim whose lease runs out; the next pass of
any worker takes it over, so the weekly report of that week is still made.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from .discovery import app_modules
from .models import PeriodicRun, WorkerHeartbeat

logger = logging.getLogger(__name__)


# Longer than any task takes (the weekly report's PDFs take well under a minute), short
# enough that a crashed task is redone within the quarter hour.
DEFAULT_LEASE_S = 600
# A task that has killed its worker this many times is left for a human (outcome says so).
MAX_ATTEMPTS = 3


@dataclass(frozen=True)
class PeriodicTask:
    name: str
    due: Callable[[datetime], str | None]
    run: Callable[[datetime], str]
    lease_s: int = DEFAULT_LEASE_S


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def record_worker_pass(now: datetime | None = None) -> None:
    """Note that this worker process finished a pass (read by /healthz and `wennuan check`)."""
    WorkerHeartbeat.objects.update_or_create(
        name=worker_name()[:120], defaults={"last_pass_at": now or timezone.now()}
    )


def last_worker_pass() -> datetime | None:
    latest = WorkerHeartbeat.objects.order_by("-last_pass_at").first()
    return latest.last_pass_at if latest else None


def registered_tasks() -> list[PeriodicTask]:
    return [task for module in app_modules("periodic") for task in module.TASKS]


def claim(
    task_name: str, period: str, now: datetime, lease_s: int = DEFAULT_LEASE_S
) -> PeriodicRun | None:
    """The run row if this caller won the claim for (task, period), else None.

    A new period is claimed by inserting its row; an unfinished claim whose lease has run out
    (its worker died) is taken over by one conditional UPDATE, which only one worker can win.
    """
    holder = f"{worker_name()}:{secrets.token_hex(4)}"[:120]
    lease_until = now + timedelta(seconds=lease_s)
    try:
        with transaction.atomic():
            return PeriodicRun.objects.create(
                task=task_name,
                period=period,
                started_at=now,
                lease_until=lease_until,
                holder=holder,
            )
    except IntegrityError:
        pass
    # Claims written before leases existed have none: they count as expired one lease after
    # they started.
    expired = Q(lease_until__lt=now) | Q(
        lease_until__isnull=True, started_at__lt=now - timedelta(seconds=lease_s)
    )
    taken = (
        PeriodicRun.objects.filter(expired, task=task_name, period=period, finished_at__isnull=True)
        .filter(attempts__lt=MAX_ATTEMPTS)
        .update(started_at=now, lease_until=lease_until, holder=holder, attempts=F("attempts") + 1)
    )
    if not taken:
        return None
    run = PeriodicRun.objects.get(task=task_name, period=period)
    logger.warning(
        "periodic task %s %s: taking over an unfinished claim (attempt %d)",
        task_name,
        period,
        run.attempts,
    )
    return run


def finish(run: PeriodicRun, outcome: str) -> bool:
    """Record the outcome if this caller still holds the claim (a worker that outlived its
    lease must not overwrite its successor's outcome); True when recorded."""
    return bool(
        PeriodicRun.objects.filter(pk=run.pk, holder=run.holder).update(
            finished_at=timezone.now(), outcome=outcome
        )
    )


def run_due_tasks(
    now: datetime | None = None, tasks: list[PeriodicTask] | None = None
) -> list[str]:
    """Run every task due at ``now`` that no worker has run for its period; returns
    ``"task period: outcome"`` lines. A failing task is logged and recorded, and does not stop
    the others (it is not retried in the same period: a human looks at the outcome)."""
    now = now or timezone.now()
    done = []
    for task in registered_tasks() if tasks is None else tasks:
        period = task.due(now)
        if period is None:
            continue
        run = claim(task.name, period, now, task.lease_s)
        if run is None:
            continue
        try:
            outcome = task.run(now)
        except Exception as error:  # noqa: BLE001 - one broken task must not stop the worker
            logger.exception("periodic task %s %s failed", task.name, period)
            outcome = f"failed: {error!r}"
        if not finish(run, outcome):
            logger.warning(
                "periodic task %s %s: lease lost, outcome not recorded", task.name, period
            )
            continue
        done.append(f"{task.name} {period}: {outcome}")
    return done

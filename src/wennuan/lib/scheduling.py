"""Periodic tasks run by `wennuan worker` besides the deadline sweep (daily plans, weekly
reports, outreach reminders).

An app declares its tasks in a module ``<app>/periodic.py`` with a list ``TASKS`` of
:class:`PeriodicTask`. On each pass the worker asks every task for the period that is due now
(``due(now)`` returns a key such as ``"2026-11-27"``, or ``None`` when nothing is due) and runs
it at most once per period across all workers: the claim is a row of :class:`PeriodicRun`
with a unique (task, period).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from .discovery import app_modules
from .models import PeriodicRun

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicTask:
    name: str
    due: Callable[[datetime], str | None]
    run: Callable[[datetime], str]


def registered_tasks() -> list[PeriodicTask]:
    return [task for module in app_modules("periodic") for task in module.TASKS]


def claim(task_name: str, period: str, now: datetime) -> PeriodicRun | None:
    """The run row if this caller won the claim for (task, period), else None."""
    try:
        with transaction.atomic():
            return PeriodicRun.objects.create(task=task_name, period=period, started_at=now)
    except IntegrityError:
        return None


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
        run = claim(task.name, period, now)
        if run is None:
            continue
        try:
            outcome = task.run(now)
        except Exception as error:  # noqa: BLE001 - one broken task must not stop the worker
            logger.exception("periodic task %s %s failed", task.name, period)
            outcome = f"failed: {error!r}"
        run.finished_at = timezone.now()
        run.outcome = outcome
        run.save(update_fields=["finished_at", "outcome"])
        done.append(f"{task.name} {period}: {outcome}")
    return done

"""Health of a running installation, for /healthz (monitoring) and `wennuan check`.

Each check returns a :class:`Check` with a status:

- ``ok``;
- ``degraded``: the site serves but something a person should look at is late (the daily plan
  is older than ``PLAN_STALE_AFTER_H`` hours in the heating season);
- ``down``: the installation does not do its job (database unreachable, migrations not applied,
  no worker pass for ``WORKER_STALE_AFTER_S`` seconds — deadlines are then neither pressed nor
  marked overdue).

Details are ages and counts only: /healthz is public and must reveal nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from wennuan.lib.scheduling import last_worker_pass
from wennuan.planning.models import Plan
from wennuan.registry.models import HeatingSeason

OK, DEGRADED, DOWN = "ok", "degraded", "down"
_RANK = {OK: 0, DEGRADED: 1, DOWN: 2}


@dataclass(frozen=True)
class Check:
    status: str
    detail: dict

    def as_json(self) -> dict:
        return {"status": self.status, **self.detail}


def check_database() -> Check:
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # noqa: BLE001 - any failure to reach it is "down"
        # The class name only: messages can carry host names and user names.
        return Check(DOWN, {"error": type(error).__name__})
    return Check(OK, {})


def check_migrations() -> Check:
    try:
        connection = connections[DEFAULT_DB_ALIAS]
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as error:  # noqa: BLE001
        return Check(DOWN, {"error": type(error).__name__})
    if pending:
        return Check(DOWN, {"pending": len(pending)})
    return Check(OK, {"pending": 0})


def _age_s(moment: datetime | None, now: datetime) -> float | None:
    return None if moment is None else round((now - moment).total_seconds(), 1)


def check_worker(now: datetime) -> Check:
    threshold = settings.WORKER_STALE_AFTER_S
    try:
        age = _age_s(last_worker_pass(), now)
    except Exception as error:  # noqa: BLE001
        return Check(DOWN, {"error": type(error).__name__})
    status = OK if age is not None and age <= threshold else DOWN
    return Check(status, {"last_pass_age_s": age, "threshold_s": threshold})


def check_plan(now: datetime) -> Check:
    """The newest daily plan; only in the heating season (no plans are made outside it)."""

    threshold_h = settings.PLAN_STALE_AFTER_H
    try:
        today = timezone.localdate(now)
        in_season = HeatingSeason.objects.filter(
            start_date__lte=today, end_date__gte=today
        ).exists()
        latest = Plan.objects.order_by("-computed_at").values_list("computed_at", flat=True)
        age = _age_s(latest.first(), now)
    except Exception as error:  # noqa: BLE001
        return Check(DOWN, {"error": type(error).__name__})
    age_h = None if age is None else round(age / 3600, 2)
    detail = {"last_plan_age_h": age_h, "threshold_h": threshold_h, "in_season": in_season}
    if in_season and (age_h is None or age_h > threshold_h):
        return Check(DEGRADED, detail)
    return Check(OK, detail)


def run_checks(now: datetime | None = None) -> tuple[str, dict[str, Check]]:
    """The overall status (the worst check) and each check by name."""
    now = now or timezone.now()
    checks = {"database": check_database()}
    if checks["database"].status == DOWN:
        return DOWN, checks
    checks["migrations"] = check_migrations()
    if checks["migrations"].status == DOWN:
        # The worker and plan tables may not exist yet.
        return DOWN, checks
    checks["worker"] = check_worker(now)
    checks["plan"] = check_plan(now)
    overall = max((check.status for check in checks.values()), key=_RANK.__getitem__)
    return overall, checks

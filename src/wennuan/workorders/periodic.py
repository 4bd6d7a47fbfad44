"""Worker task: forget the runtime rows of the intake once they can no longer matter.

- ``IdempotencyKey``: a client retries a push within minutes or hours; after the retention
  a key is only a row per complaint for ever (the IETF Idempotency-Key draft lets servers
  expire keys). A retry after that creates a new order, as it would with any expired key.
- ``ComplaintSubmission``: the public form's limit per address counts the last hour.
- ``LookupFailure``: the look-up limits count the last day.

The retention is ``WENNUAN_RUNTIME_RETENTION_DAYS`` (default 30): far beyond every window
that reads these rows, short enough that they do not grow with every season. Rows go in
batches, so a purge never holds a long lock against the intake.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from wennuan.lib.scheduling import PeriodicTask

from .models import ComplaintSubmission, IdempotencyKey, LookupFailure

DEFAULT_RETENTION_DAYS = 30
BATCH = 5000


def retention_days() -> int:
    return int(getattr(settings, "WENNUAN_RUNTIME_RETENTION_DAYS", DEFAULT_RETENTION_DAYS))


def _delete_in_batches(queryset) -> int:
    deleted = 0
    while True:
        batch = list(queryset.values_list("pk", flat=True)[:BATCH])
        if not batch:
            return deleted
        deleted += queryset.model.objects.filter(pk__in=batch).delete()[0]


def purge_due(now: datetime) -> str:
    return timezone.localdate(now).isoformat()


def purge_runtime_rows(now: datetime) -> str:
    days = retention_days()
    cutoff = now - timedelta(days=days)
    keys = _delete_in_batches(IdempotencyKey.objects.filter(created_at__lt=cutoff))
    submissions = _delete_in_batches(ComplaintSubmission.objects.filter(at__lt=cutoff))
    failures = _delete_in_batches(LookupFailure.objects.filter(at__lt=cutoff))
    return (
        f"已清理 {days} 天前的运行记录：幂等键 {keys} 条，网上提交记录 {submissions} 条，"
        f"查询失败记录 {failures} 条"
    )


TASKS = [PeriodicTask("workorders.purge_runtime_rows", purge_due, purge_runtime_rows)]

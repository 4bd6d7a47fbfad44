"""Worker task: forget the claims of periodic runs older than ``RETENTION_DAYS``.

The dashboard check alone claims a row every 5 minutes (≈ 290 a day); kept forever they
would grow the table by ~100,000 rows a season for nothing. A claim only matters while its
period can still be due — a day or a week, at most about two weeks for a weekly report made
late — so 90 days keep every claim that can matter and a season's last quarter of outcomes
for whoever looks into a failed run. Heartbeats of worker processes that stopped passing a week
ago (restarts give new process ids) go too.
"""

from datetime import datetime, timedelta

from django.utils import timezone

from .models import PeriodicRun, WorkerHeartbeat
from .scheduling import PeriodicTask

RETENTION_DAYS = 90


def prune_due(now: datetime) -> str:
    return timezone.localdate(now).isoformat()


def prune_old_runs(now: datetime) -> str:
    deleted, _ = PeriodicRun.objects.filter(
        started_at__lt=now - timedelta(days=RETENTION_DAYS)
    ).delete()
    WorkerHeartbeat.objects.filter(last_pass_at__lt=now - timedelta(days=7)).delete()
    return f"已清理 {deleted} 条 {RETENTION_DAYS} 天前的定时任务记录"


TASKS = [PeriodicTask("lib.prune_periodic_runs", prune_due, prune_old_runs)]

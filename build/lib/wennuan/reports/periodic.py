"""Worker task: every Monday, the weekly report (周报) of the week before, stored for download."""

from datetime import datetime, timedelta

from django.utils import timezone

from wennuan.lib.scheduling import PeriodicTask

from . import snapshot
from .rates import week_start
from .weekly import generate_weekly_report

# Leave the night's late callbacks and the deadline sweep a little time before the report.
REPORT_HOUR = 6


def last_week(now: datetime):
    return week_start(timezone.localdate(now)) - timedelta(days=7)


def weekly_report_due(now: datetime) -> str | None:
    """Last week's key from Monday 06:00 on; a worker that was down on Monday still makes the
    report later in the week (the period key is the week, so it runs once)."""
    local = timezone.localtime(now)
    if local.weekday() == 0 and local.hour < REPORT_HOUR:
        return None
    return last_week(now).isoformat()


def run_weekly_report(now: datetime) -> str:
    report = generate_weekly_report(last_week(now), now=now)
    return f"周报 {report.week_start:%Y-%m-%d} 已生成"


def snapshot_due(now: datetime) -> str | None:
    """One run per ``REFRESH_MINUTES`` slot of the day."""
    local = timezone.localtime(now)
    slot = (local.hour * 60 + local.minute) // snapshot.REFRESH_MINUTES
    return f"{local:%Y-%m-%d}-{slot:03d}"


def run_snapshot(now: datetime) -> str:
    figures = snapshot.refresh(now)
    if figures.refresh_kind == snapshot.RefreshKind.UNCHANGED:
        return "看板统计无变化，已核对"
    kind = snapshot.RefreshKind(figures.refresh_kind).label
    return f"看板统计已更新（{kind}，{figures.compute_ms:.0f} ms）"


TASKS = [
    PeriodicTask("reports.weekly_report", weekly_report_due, run_weekly_report),
    PeriodicTask("reports.dashboard_snapshot", snapshot_due, run_snapshot),
]

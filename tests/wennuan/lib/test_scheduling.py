from datetime import UTC, datetime

import pytest

from wennuan.lib.models import PeriodicRun
from wennuan.lib.scheduling import PeriodicTask, run_due_tasks

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 27, 6, 0, tzinfo=UTC)


def test_a_task_runs_once_per_period_however_many_passes():
    calls = []
    task = PeriodicTask(
        "demo-daily", lambda now: now.date().isoformat(), lambda now: calls.append(now) or "ok"
    )
    assert run_due_tasks(NOW, [task]) == ["demo-daily 2026-11-27: ok"]
    assert run_due_tasks(NOW, [task]) == []  # a second worker (or pass) finds it claimed
    assert len(calls) == 1
    run = PeriodicRun.objects.get()
    assert (run.task, run.period, run.outcome) == ("demo-daily", "2026-11-27", "ok")
    assert run.finished_at is not None


def test_nothing_due_means_nothing_claimed():
    task = PeriodicTask("never", lambda now: None, lambda now: "ran")
    assert run_due_tasks(NOW, [task]) == []
    assert not PeriodicRun.objects.exists()


def test_a_failing_task_is_recorded_and_the_next_still_runs():
    def broken(now):
        raise ValueError("no forecast")

    tasks = [
        PeriodicTask("broken", lambda now: "p1", broken),
        PeriodicTask("fine", lambda now: "p1", lambda now: "done"),
    ]
    lines = run_due_tasks(NOW, tasks)
    assert lines == ["broken p1: failed: ValueError('no forecast')", "fine p1: done"]
    assert PeriodicRun.objects.get(task="broken").outcome.startswith("failed")


def test_claims_older_than_the_retention_are_pruned_once_a_day():
    from datetime import timedelta

    from wennuan.lib import periodic

    old = NOW - timedelta(days=periodic.RETENTION_DAYS, hours=1)
    recent = NOW - timedelta(days=periodic.RETENTION_DAYS - 1)
    PeriodicRun.objects.create(task="reports.dashboard_snapshot", period="old", started_at=old)
    PeriodicRun.objects.create(task="plan", period="recent", started_at=recent)
    lines = run_due_tasks(NOW, periodic.TASKS)
    assert lines == [
        f"lib.prune_periodic_runs 2026-11-27: 已清理 1 条 {periodic.RETENTION_DAYS} 天前的定时任务记录"
    ]
    # The recent claim stays (its period could still be due) and so does today's own claim.
    assert set(PeriodicRun.objects.values_list("period", flat=True)) == {"recent", "2026-11-27"}
    assert run_due_tasks(NOW + timedelta(hours=3), periodic.TASKS) == []  # once a day
    # The worker finds the task like every app's.
    from wennuan.lib.scheduling import registered_tasks

    assert "lib.prune_periodic_runs" in {task.name for task in registered_tasks()}

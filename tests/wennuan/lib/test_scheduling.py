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

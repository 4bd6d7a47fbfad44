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


def weekly(calls):
    return PeriodicTask(
        "reports.weekly_report", lambda now: "2026-W48", lambda now: calls.append(now) or "made"
    )


def test_a_task_whose_worker_died_is_taken_over_after_its_lease():
    """Issue 18 item 8: a worker killed mid-task left a claim without finished_at and the
    weekly report of that week was never made."""
    from datetime import timedelta

    from wennuan.lib.scheduling import DEFAULT_LEASE_S, claim

    # The killed worker: its claim, never finished.
    assert claim("reports.weekly_report", "2026-W48", NOW) is not None
    calls = []
    # While the lease runs, the others leave it alone (it may still be working).
    inside = NOW + timedelta(seconds=DEFAULT_LEASE_S - 1)
    assert run_due_tasks(inside, [weekly(calls)]) == []
    after = NOW + timedelta(seconds=DEFAULT_LEASE_S + 1)
    assert run_due_tasks(after, [weekly(calls)]) == ["reports.weekly_report 2026-W48: made"]
    assert run_due_tasks(after, [weekly(calls)]) == []
    assert len(calls) == 1
    run = PeriodicRun.objects.get()
    assert (run.outcome, run.attempts) == ("made", 2)


def test_a_claim_from_before_leases_is_taken_over_too():
    from datetime import timedelta

    PeriodicRun.objects.create(
        task="reports.weekly_report", period="2026-W48", started_at=NOW - timedelta(hours=1)
    )
    calls = []
    assert run_due_tasks(NOW, [weekly(calls)]) == ["reports.weekly_report 2026-W48: made"]


def test_a_task_that_kills_its_worker_every_time_is_given_up():
    from datetime import timedelta

    from wennuan.lib.scheduling import DEFAULT_LEASE_S, MAX_ATTEMPTS, claim

    moment = NOW
    for _ in range(MAX_ATTEMPTS):
        assert claim("reports.weekly_report", "2026-W48", moment) is not None
        moment += timedelta(seconds=DEFAULT_LEASE_S + 1)
    assert claim("reports.weekly_report", "2026-W48", moment) is None
    assert PeriodicRun.objects.get().attempts == MAX_ATTEMPTS


def test_a_worker_that_lost_its_lease_does_not_overwrite_the_outcome():
    from datetime import timedelta

    from wennuan.lib.scheduling import DEFAULT_LEASE_S, claim, finish

    slow = claim("reports.weekly_report", "2026-W48", NOW)
    later = NOW + timedelta(seconds=DEFAULT_LEASE_S + 1)
    successor = claim("reports.weekly_report", "2026-W48", later)
    assert finish(successor, "made by the successor")
    assert not finish(slow, "made by the slow one")
    assert PeriodicRun.objects.get().outcome == "made by the successor"


def test_a_worker_pass_is_recorded_for_health_checks():
    from wennuan.lib.scheduling import last_worker_pass, record_worker_pass

    assert last_worker_pass() is None
    record_worker_pass(NOW)
    assert last_worker_pass() == NOW

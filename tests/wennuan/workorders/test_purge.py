"""The worker's daily purge forgets the intake's runtime rows after the retention (frozen
time), keeps the recent ones, and an Idempotency-Key still answers within the retention."""

from datetime import timedelta

import time_machine
from django.utils import timezone

from wennuan.api.models import ApiClient
from wennuan.lib.scheduling import registered_tasks, run_due_tasks
from wennuan.workorders import periodic
from wennuan.workorders.models import (
    ComplaintSubmission,
    IdempotencyKey,
    LookupFailure,
    WorkOrder,
)


def _rows_at(moment, order, client, tag):
    IdempotencyKey.objects.create(client=client, key=f"k-{tag}", order=order, created_at=moment)
    ComplaintSubmission.objects.create(ip="203.0.113.9", at=moment)
    LookupFailure.objects.create(ip="203.0.113.9", number=order.number, at=moment)


def test_purge_forgets_runtime_rows_after_the_retention(make_order, settings):
    settings.WENNUAN_RUNTIME_RETENTION_DAYS = 30
    assert "workorders.purge_runtime_rows" in [task.name for task in registered_tasks()]
    order = make_order()
    client, _token = ApiClient.issue("purge-test")
    start = timezone.now()
    _rows_at(start - timedelta(days=45), order, client, "old")
    _rows_at(start - timedelta(days=29), order, client, "recent")
    with time_machine.travel(start, tick=False):
        lines = run_due_tasks(tasks=periodic.TASKS)
        assert run_due_tasks(tasks=periodic.TASKS) == []  # once a day, across workers
    assert len(lines) == 1 and "幂等键 1 条" in lines[0]
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["k-recent"]
    assert ComplaintSubmission.objects.count() == 1 and LookupFailure.objects.count() == 1
    assert WorkOrder.objects.filter(pk=order.pk).exists()  # the orders themselves stay
    # Two days later the "recent" rows are past 30 days too.
    with time_machine.travel(start + timedelta(days=2), tick=False):
        run_due_tasks(tasks=periodic.TASKS)
    assert not IdempotencyKey.objects.exists() and not ComplaintSubmission.objects.exists()
    assert not LookupFailure.objects.exists()


def test_retention_is_a_setting(make_order, settings):
    settings.WENNUAN_RUNTIME_RETENTION_DAYS = 60
    order = make_order()
    client, _token = ApiClient.issue("purge-test")
    start = timezone.now()
    _rows_at(start - timedelta(days=45), order, client, "kept")
    with time_machine.travel(start, tick=False):
        run_due_tasks(tasks=periodic.TASKS)
    assert IdempotencyKey.objects.count() == 1

"""The rates module: definitions of docs/reports.md, driven through the real actions."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from wennuan.reports.rates import company_totals, week_start, weekly_rates
from wennuan.workorders import actions
from wennuan.workorders.choices import Category, Satisfaction
from wennuan.workorders.models import WorkOrder


@pytest.fixture
def monday():
    """Last week's Monday at 09:00 local (inside the test season)."""
    today = timezone.localdate()
    day = week_start(today) - timedelta(days=7)
    return timezone.make_aware(datetime.combine(day, datetime.min.time())) + timedelta(hours=9)


@pytest.fixture
def leak(make_order):
    """A leak order (sign 30 min, resolve 24 h, no temperature test needed) at a given time."""

    def make(at, **extra):
        return make_order(category=Category.LEAK, text="楼道漏水", now=at, **extra)

    return make


def sign(order, personas, at):
    return actions.do_accept(order, personas["dispatcher"], now=at)


def resolve(order, personas, at):
    order.refresh_from_db()
    return actions.do_reply(order, personas["dispatcher"], "已修复", now=at)


def only_row(rows):
    assert len(rows) == 1, rows
    return rows[0]


def test_response_and_resolution_count_only_due_orders(leak, personas, monday):
    on_time = leak(monday)
    sign(on_time, personas, monday + timedelta(minutes=10))
    resolve(on_time, personas, monday + timedelta(hours=3))
    late = leak(monday + timedelta(hours=1))
    sign(late, personas, monday + timedelta(hours=2))  # 30-minute limit missed
    # Not yet due when looked at: neither signed nor past its sign deadline.
    leak(monday + timedelta(hours=5))

    row = only_row(weekly_rates(now=monday + timedelta(hours=5, minutes=10)))
    assert row.orders == 3
    assert (row.signed_in_time, row.sign_due) == (1, 2)
    assert row.response_rate == 0.5
    # Only the resolved order is due for resolution; the late one still has time.
    assert (row.resolved_in_time, row.resolve_due) == (1, 1)

    # Two days later the unresolved orders are past their 24 h deadline.
    row = only_row(weekly_rates(now=monday + timedelta(days=2)))
    assert (row.signed_in_time, row.sign_due) == (1, 3)
    assert (row.resolved_in_time, row.resolve_due) == (1, 3)
    assert row.resolution_rate == pytest.approx(1 / 3)


def test_order_spanning_weeks_counts_in_the_week_it_was_received(leak, personas, monday):
    sunday_night = monday + timedelta(days=6, hours=14)  # Sunday 23:00
    order = leak(sunday_night)
    sign(order, personas, sunday_night + timedelta(minutes=20))
    resolve(order, personas, sunday_night + timedelta(hours=10))  # Monday of the next week
    row = only_row(weekly_rates(now=sunday_night + timedelta(days=3)))
    assert row.week == monday.date()
    assert (row.resolved_in_time, row.resolve_due) == (1, 1)
    # Asking for the next week only finds nothing.
    assert weekly_rates(start=monday.date() + timedelta(days=7)) == []


def test_merged_duplicates_are_counted_once(leak, personas, monday):
    master = leak(monday)
    for minutes in (5, 10):
        duplicate = leak(monday + timedelta(minutes=minutes))
        actions.do_merge(duplicate, personas["supervisor"], master, "同一漏点", now=monday)
    rejected = leak(monday + timedelta(minutes=20))
    actions.do_reject(rejected, personas["supervisor"], "非供热问题", now=monday)
    row = only_row(weekly_rates(now=monday + timedelta(days=2)))
    assert row.orders == 1
    assert row.sign_due == 1


def test_reopened_order_is_judged_on_its_latest_cycle_and_latest_callback(leak, personas, monday):
    order = leak(monday)
    sign(order, personas, monday + timedelta(minutes=5))
    resolve(order, personas, monday + timedelta(hours=1))
    order.refresh_from_db()
    actions.do_callback(
        order,
        personas["supervisor"],
        Satisfaction.UNSATISFIED,
        "还漏",
        now=monday + timedelta(hours=2),
    )
    order.refresh_from_db()
    # The new cycle: signed late (the reopened clock started at the callback).
    sign(order, personas, monday + timedelta(hours=4))
    row = only_row(weekly_rates(now=monday + timedelta(hours=4, minutes=1)))
    assert row.orders == 1
    assert (row.signed_in_time, row.sign_due) == (0, 1)
    # The only callback so far is unsatisfied.
    assert (row.satisfied, row.callbacks) == (0, 1)

    resolve(order, personas, monday + timedelta(hours=5))
    order.refresh_from_db()
    actions.do_callback(
        order,
        personas["supervisor"],
        Satisfaction.BASICALLY_SATISFIED,
        now=monday + timedelta(hours=6),
    )
    row = only_row(weekly_rates(now=monday + timedelta(hours=7)))
    assert (row.satisfied, row.callbacks) == (1, 1)
    assert row.satisfaction_rate == 1.0
    assert (row.resolved_in_time, row.resolve_due) == (1, 1)


def test_an_approved_extension_moves_the_deadline_that_counts(leak, personas, monday):
    extended, refused = leak(monday), leak(monday + timedelta(minutes=1))
    for order in (extended, refused):
        sign(order, personas, monday + timedelta(minutes=10))
        order.refresh_from_db()
        actions.do_request_extension(
            order,
            personas["dispatcher"],
            monday + timedelta(days=4),
            "需更换管道",
            now=monday + timedelta(hours=1),
        )
        order.refresh_from_db()
        actions.do_decide_extension(
            order, personas["supervisor"], order is extended, now=monday + timedelta(hours=2)
        )
        resolve(order, personas, monday + timedelta(days=3))  # after the original 24 h
    row = only_row(weekly_rates(now=monday + timedelta(days=5)))
    assert (row.resolved_in_time, row.resolve_due) == (1, 2)


def test_median_times_are_computed_per_company_and_week(leak, personas, monday):
    for offset, sign_minutes in enumerate((10, 20, 60)):
        order = leak(monday + timedelta(minutes=offset))
        sign(order, personas, monday + timedelta(minutes=offset + sign_minutes))
    row = only_row(weekly_rates(now=monday + timedelta(days=1)))
    assert row.median_minutes["sign"] == pytest.approx(20)
    assert row.median_minutes["resolve"] is None

    order = leak(monday + timedelta(minutes=30))
    sign(order, personas, monday + timedelta(minutes=30 + 40))
    row = only_row(weekly_rates(now=monday + timedelta(days=1)))
    assert row.median_minutes["sign"] == pytest.approx(30)  # (20 + 40) / 2


def test_companies_are_separate_and_a_slice_sees_only_its_own(leak, personas, monday, small_city):
    leak(monday)
    leak(monday, community=small_city.communities["金鼎小区"])
    leak(monday + timedelta(minutes=1), community=small_city.communities["金鼎小区"])
    rows = weekly_rates(now=monday + timedelta(days=1))
    by_company = {row.company_id: row.orders for row in rows}
    assert by_company == {small_city.north.pk: 1, small_city.south.pk: 2}
    south_only = weekly_rates(
        WorkOrder.objects.filter(company=small_city.south), now=monday + timedelta(days=1)
    )
    assert [row.company_id for row in south_only] == [small_city.south.pk]
    totals = company_totals(rows)
    assert totals[small_city.south.pk].orders == 2


def test_medians_of_unchanged_weeks_are_reused(leak, personas, monday, monkeypatch):
    from wennuan.reports import rates as rates_module

    old = leak(monday)
    sign(old, personas, monday + timedelta(minutes=10))
    recent_monday = monday + timedelta(days=7)
    recent = leak(recent_monday)
    now = recent_monday + timedelta(hours=1)
    first = weekly_rates(now=now)
    assert [r.median_minutes["sign"] for r in first] == [pytest.approx(10), None]

    calls = []
    real = rates_module.median_minutes

    def counting(orders, weeks):
        calls.append(sorted({o.created_at.date() for o in orders}))
        return real(orders, weeks)

    monkeypatch.setattr(rates_module, "median_minutes", counting)
    again = weekly_rates(now=now, previous=first)
    assert calls == []
    assert [r.median_minutes for r in again] == [r.median_minutes for r in first]

    sign(recent, personas, recent_monday + timedelta(minutes=20))
    changed = weekly_rates(now=now, previous=again)
    # Only the recent week was recomputed (one query for the three steps, over its orders).
    assert len(calls) == 1
    assert all(days == [recent.created_at.date()] for days in calls)
    assert [r.median_minutes["sign"] for r in changed] == [pytest.approx(10), pytest.approx(20)]

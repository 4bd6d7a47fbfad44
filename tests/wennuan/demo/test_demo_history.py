"""The demo's season history: a state the actions could have produced, and what it shows.

1. Both runners apply the same ``changes`` (every rule is tested where it lives); this checks
   the bulk runner's batching: the rows it writes for a few scripts are the rows the live
   actions and the worker write (numbers, moments, merges, visits, readings, notices).
2. The demo history itself (on the real register): counts per state, the four cases of the
   newspaper report, and consistency (state = last event, overdue flags = deadlines, ...).
"""

import random
from collections import Counter
from datetime import datetime, timedelta

import pytest
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from wennuan.demo import demo_data
from wennuan.demo.city import build_city
from wennuan.demo.history import ActionRunner, BulkRunner, Cast, OrderScript, run_history
from wennuan.demo.loader import load_demo_city
from wennuan.staff.choices import Role
from wennuan.staff.models import StaffProfile
from wennuan.workorders.access import CITIZEN
from wennuan.workorders.choices import (
    OPEN_STATES,
    Category,
    Channel,
    Satisfaction,
    State,
    Verdict,
)
from wennuan.workorders.models import Callback, Event, InboxMessage, Reading, Visit, WorkOrder


class Rollback(Exception):
    pass


def snapshot() -> dict:
    """Every row the history wrote, per table, with orders named by number instead of ids (an
    inbox message by whom and what: the live one is stamped with the wall clock)."""
    number = dict(WorkOrder.objects.values_list("pk", "number"))
    visit = {
        pk: (number[o], at) for pk, o, at in Visit.objects.values_list("pk", "order", "visited_at")
    }

    def table(model, exclude=(), **references):
        names = [f.attname for f in model._meta.concrete_fields if f.attname not in exclude]
        rows = []
        for values in model.objects.values_list(*names):
            row = dict(zip(names, values, strict=True))
            row.pop("id")
            rows.append({**row, **{n: ref.get(row[n]) for n, ref in references.items()}})
        return sorted(rows, key=repr)

    return {
        "orders": table(WorkOrder, master_id=number),
        "events": table(Event, order_id=number),
        "visits": table(Visit, order_id=number),
        "readings": table(Reading, visit_id=visit),
        "callbacks": table(Callback, order_id=number),
        "inbox": table(InboxMessage, ("created_at", "read_at"), order_id=number),
    }


def scripts(small_city, cast, now) -> list[OrderScript]:
    """Every side path once, at times that leave some orders unfinished (pressed, overdue)."""
    rng = random.Random(5)
    communities = small_city.communities
    plans = []

    def plan(minutes_ago, category=Category.NOT_WARM, community="剑桥学府", **extra):
        values = dict(
            created_at=now - timedelta(minutes=minutes_ago),
            category=category,
            community=communities[community],
            channel=Channel.HOTLINE_12345,
            creator=cast.bureau_operator,
            text=f"{community}3号楼2单元501暖气不热",
            phone=f"1385301{len(plans):04d}",
            caller_name="王小明",
            building="3",
            unit="2",
            room=f"{len(plans) + 100}",
            stated_temp_c=16.0,
            seed=rng.randrange(2**31),
        )
        values.update(extra)
        plans.append(OrderScript(**values))
        return plans[-1]

    for index, category in enumerate((Category.NOT_WARM, Category.LEAK, Category.SERVICE)):
        plan(60 * 24 * 9 - index * 60 * 20, category, "金鼎小区", problem=index != 1)
    plan(60 * 24 * 8, Category.BILLING, immediate=True, channel=Channel.HOTLINE_12319)
    plan(60 * 24 * 7, rejected=True)
    plan(60 * 24 * 7, unrouted=True)
    plan(60 * 24 * 6, wrong_community=communities["金鼎小区"])
    plan(60 * 24 * 6, "violation", "金鼎小区", refused_return=True)
    master = plan(60 * 24 * 5, problem=True)
    plan(60 * 24 * 5 - 90, duplicate_of=master, phone=master.phone, room=master.room)
    plan(60 * 24 * 5, creator=CITIZEN, channel=Channel.WEB)
    for minutes_ago in (30, 900, 2000):  # still open at `now`
        plan(minutes_ago, Category.NO_HEAT if minutes_ago < 300 else Category.NOT_WARM)
    return plans


@pytest.fixture
def cast(small_city, personas, django_user_model):
    user = django_user_model.objects.create_user(username="south_technician", password="x")
    StaffProfile.objects.create(
        user=user, role=Role.TECHNICIAN, company=small_city.south, display_name="south_technician"
    )
    return Cast.from_database()


def test_bulk_history_equals_what_the_actions_write(cast, small_city, season):
    now = timezone.now().replace(microsecond=0)
    try:
        with transaction.atomic():
            run_history(scripts(small_city, cast, now), ActionRunner(), cast, now)
            by_actions = snapshot()
            raise Rollback
    except Rollback:
        pass
    assert not WorkOrder.objects.exists()
    counts = run_history(scripts(small_city, cast, now), BulkRunner(), cast, now)
    by_bulk = snapshot()
    assert counts["orders"] == len(by_actions["orders"]) > 10
    for table, rows in by_actions.items():
        assert by_bulk[table] == rows, table
    # The scripts reach every state and side path.
    states = {row["state"] for row in by_bulk["orders"]}
    assert {State.CLOSED, State.MERGED, State.REJECTED, State.RESOLVED} <= states
    assert states & {State.DISPATCHED, State.ACCEPTED, State.IN_PROGRESS}
    assert {row["action"] for row in by_bulk["events"]} >= {
        "create", "dispatch", "accept", "assign", "record_visit", "reply", "publish_reply",
        "callback", "close", "return", "reroute", "refuse_return", "merge", "reject",
        "resolve_immediately", "press", "overdue",
    }  # fmt: skip


# ---------------------------------------------------------------------------------------------
# The demo history on the real register

# A fixed moment ten days into the 2026 season, so the report's 17 November is in the past.
DEMO_NOW = datetime(2026, 11, 25, 20, 0)


@pytest.fixture
def demo_history(db, demo_register_csv):
    load_demo_city(build_city(demo_register_csv, seed=2026))
    now = timezone.make_aware(DEMO_NOW)
    summary = demo_data.load(None, now=now)
    return now, summary


@pytest.mark.slow
def test_demo_history(demo_history):
    now, summary = demo_history
    orders = WorkOrder.objects.all()
    total = orders.count()
    assert 1500 <= total <= 4000
    assert summary.startswith(f"工单历史：{total} 张工单")

    # Every state, with plausible shares.
    states = Counter(orders.values_list("state", flat=True))
    for state in (
        State.DISPATCHED,
        State.ACCEPTED,
        State.IN_PROGRESS,
        State.RESOLVED,
        State.CALLBACK_DONE,
        State.CLOSED,
        State.MERGED,
        State.REJECTED,
    ):
        assert states[state] > 0, state
    assert states[State.CLOSED] > total * 0.3
    assert sum(states[s] for s in OPEN_STATES) > 50
    assert orders.filter(overdue=True).count() > 20
    assert orders.filter(pressed=True).count() > 20
    assert orders.filter(supervised=True).exists()
    assert orders.filter(extension_approved=True).exists()
    assert Event.objects.filter(action="reroute").exists()
    assert Event.objects.filter(action="refuse_return").exists()
    assert Event.objects.filter(action="callback", to_state=State.REOPENED).exists()
    assert Visit.objects.filter(verdict=Verdict.NOT_HOME).exists()
    assert Visit.objects.filter(verdict=Verdict.NON_COMPLIANT).count() > 50
    assert Callback.objects.filter(satisfaction=Satisfaction.UNSATISFIED).exists()
    assert orders.filter(state=State.MERGED, master__isnull=False).count() > 20
    # A published reply answers what was asked: a leak's reply is about the leak, even
    # though its visit measured the room as well.
    leak_replies = set(
        orders.filter(category=Category.LEAK, is_published=True).values_list("reply", flat=True)
    )
    assert leak_replies and not any("18°C" in reply for reply in leak_replies)

    # Concentrated on a handful of problem communities.
    per_community = list(
        orders.values("community")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("n", flat=True)
    )
    assert sum(per_community[:6]) > total * 0.15
    assert per_community[0] > 10 * (total / len(per_community))

    # Consistency: state = last event, overdue = a passed deadline, visits and callbacks.
    last_events = {}
    for order_id, to_state, at in Event.objects.order_by("order_id", "at", "id").values_list(
        "order_id", "to_state", "at"
    ):
        last_events[order_id] = (to_state, at)
    for order in orders.only(
        "id", "state", "overdue", "breached_at", "due_at", "press_at", "created_at", "updated_at"
    ):
        state, at = last_events[order.pk]
        assert order.state == state, order.pk
        assert order.created_at <= at <= now
        if order.overdue:
            assert Event.objects.filter(order_id=order.pk, action="overdue").exists()
        if order.state in OPEN_STATES and order.due_at is not None and order.due_at < now:
            assert order.breached_at is not None, order.pk  # the worker marked it
        if order.press_at is not None:
            assert order.press_at > now or order.due_at <= order.press_at
    assert not Event.objects.filter(at__gt=now).exists()
    assert Event.objects.aggregate(Max("at"))["at__max"] < now
    for overdue in Event.objects.filter(action="overdue").select_related("order")[:200]:
        assert overdue.at.isoformat() == overdue.data["due_at"]
    # A reopened or callback-done order has a callback; replies are published by a reviewer
    # (an event each), a few still wait for review.
    assert not orders.filter(state=State.CALLBACK_DONE, callbacks__isnull=True).exists()
    replied = orders.filter(state__in=[State.RESOLVED, State.CALLBACK_DONE, State.CLOSED])
    waiting = replied.filter(is_published=False).count()
    assert 0 < waiting < 0.2 * replied.count()
    published = orders.filter(is_published=True)
    assert published.count() == published.filter(events__action="publish_reply").distinct().count()
    not_warm_resolved = orders.filter(
        category=Category.NOT_WARM, state__in=[State.RESOLVED, State.CALLBACK_DONE, State.CLOSED]
    )
    assert not not_warm_resolved.filter(visits__isnull=True).exists()
    for visit in Visit.objects.exclude(verdict=Verdict.NOT_HOME).prefetch_related("readings")[:300]:
        counted = [r.temp_c for r in visit.readings.all() if r.kind in ("living", "bedroom")]
        assert visit.lowest_reading_c == min(counted)
        if visit.verdict == Verdict.COMPLIANT:
            assert min(counted) >= 18
        if visit.verdict == Verdict.NON_COMPLIANT:
            assert min(counted) < 18
    assert Reading.objects.count() > 2 * Visit.objects.filter(not_home=False).count()

    # The four cases of the newspaper report of 17 November, replied and published.
    day = datetime(2026, 11, 17).date()
    cases = {}
    for case in demo_data.NEWSPAPER_CASES:
        order = orders.get(text=case["text"])
        assert timezone.localtime(order.created_at).date() == day
        assert order.community.name == case["community"]
        assert order.is_published and order.reply == case["reply"]
        assert order.state in (State.RESOLVED, State.CALLBACK_DONE, State.CLOSED)
        visit = order.visits.get()
        assert timezone.localtime(visit.visited_at).date() == day
        cases[case["community"]] = visit
    assert cases["剑桥学府"].verdict == Verdict.COMPLIANT
    assert cases["剑桥学府"].causes == ["radiator_air_lock"]
    assert cases["亨通园"].verdict == Verdict.INVALID
    assert cases["亨通园"].causes == ["window_open"]
    assert cases["亨通园"].lowest_reading_c == 18.7
    assert cases["将军苑三期"].verdict == Verdict.COMPLIANT
    assert cases["将军苑三期"].lowest_reading_c == 21.0
    assert cases["金盾小区"].verdict == Verdict.COMPLIANT
    assert cases["金盾小区"].lowest_reading_c == 22.0
    assert cases["将军苑三期"].order.company.short_name == "民生热力"
    assert cases["亨通园"].order.company.short_name == "永恒热力"


def test_same_seed_same_history_summary(small_city, personas, season, cast):
    """A fixed moment and seed give the same plans (the demo is reproducible)."""
    now = timezone.now().replace(microsecond=0)
    first = demo_data.build_plans(random.Random(3), cast, season, now)
    second = demo_data.build_plans(random.Random(3), cast, season, now)
    assert [(p.created_at, p.text, p.phone) for p in first] == [
        (p.created_at, p.text, p.phone) for p in second
    ]
    assert len(first) >= demo_data.MIN_ORDERS

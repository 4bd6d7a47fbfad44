"""Two dispatch engineers on the same plan version at the same moment: adjusting (re-running)
or approving it. The day's versions are locked while a new version or an approval is written,
so exactly one wins and the other gets the stale-form message, never a second version from the
same base, a second approval or a 500.

The threaded tests run on SQLite (the default) and on PostgreSQL (CI); the HTTP tests put the
other engineer's commit between the page's own check and the locked write."""

import threading
import time

import pytest
from django.db import OperationalError, connections
from django.urls import reverse

from wennuan.planning import console_views, engine
from wennuan.planning.actions import adjust_and_rerun, approve_plan
from wennuan.planning.choices import AdjustmentKind, PlanStatus
from wennuan.planning.engine import StalePlanError, compute_company_plan, rerun_plan
from wennuan.planning.models import Plan, PlanAdjustment, PlanImmutableError
from wennuan.registry.models import HeatSource

from .conftest import NOW, PLAN_DAY, weather_for


def _limit(value_kw: float) -> dict:
    return {
        "kind": AdjustmentKind.SOURCE_LIMIT,
        "source_id": HeatSource.objects.get(code="plant").id,
        "value": value_kw,
    }


def _race(work, n=2):
    """Run ``work(i)`` in ``n`` threads; returns their outcomes (a string each)."""
    outcomes = []

    def run(i):
        try:
            # In-memory shared-cache SQLite (the test database) has no busy timeout: a locked
            # table is retried here as a file database's timeout would. PostgreSQL blocks.
            for _attempt in range(300):
                try:
                    outcomes.append(work(i))
                    break
                except OperationalError:
                    time.sleep(0.01)
            else:
                outcomes.append("locked")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return sorted(outcomes)


@pytest.mark.django_db(transaction=True)
def test_two_engineers_adjusting_the_same_version_at_once_one_new_version(
    plan_city, personas, monkeypatch
):
    base = compute_company_plan(plan_city.north, PLAN_DAY, weather_for(PLAN_DAY, -4.0), now=NOW)
    engineer = personas["dispatch_engineer"]
    # Both computations finish before either stores: the race is on the write.
    barrier = threading.Barrier(2, timeout=30)
    arrived = threading.local()
    store = engine._store

    def store_after_both_computed(**kwargs):
        if not getattr(arrived, "done", False):
            arrived.done = True
            barrier.wait()
        return store(**kwargs)

    monkeypatch.setattr(engine, "_store", store_after_both_computed)

    def adjust(i):
        mine = Plan.objects.get(pk=base.pk)  # each engineer's own page
        try:
            new = adjust_and_rerun(mine, engineer, _limit(1000.0 + i), now=NOW)
        except StalePlanError as error:
            return f"stale v{error.latest.version}"
        return f"v{new.version}"

    assert _race(adjust) == ["stale v2", "v2"]
    assert sorted(Plan.objects.values_list("version", flat=True)) == [1, 2]
    v2 = Plan.objects.get(version=2)
    assert v2.based_on_id == base.pk and v2.adjustments.count() == 1
    assert PlanAdjustment.objects.count() == 1  # the loser stored nothing


@pytest.mark.django_db(transaction=True)
def test_two_engineers_approving_at_once_exactly_one_approval(plan_city, personas):
    base = compute_company_plan(plan_city.north, PLAN_DAY, weather_for(PLAN_DAY, -4.0), now=NOW)
    approve_plan(base, personas["dispatch_engineer"], now=NOW)
    draft = rerun_plan(base, adjustment=_limit(5000.0), now=NOW)
    barrier = threading.Barrier(2, timeout=30)
    arrived = threading.local()

    def approve(i):
        mine = Plan.objects.get(pk=draft.pk)
        if not getattr(arrived, "done", False):  # not again when retrying a locked table
            arrived.done = True
            barrier.wait()
        try:
            approve_plan(mine, personas["dispatch_engineer"], now=NOW)
        except PlanImmutableError as error:
            return "refused: " + error.messages[0]
        return "approved"

    assert _race(approve) == ["approved", "refused: 只能批准草稿版本（该版本已批准或已被取代）"]
    statuses = dict(Plan.objects.values_list("version", "status"))
    assert statuses == {1: PlanStatus.SUPERSEDED, 2: PlanStatus.APPROVED}


def test_adjusting_while_another_engineer_stores_a_newer_version_gets_a_message(
    plan_city, personas, client, monkeypatch
):
    """The page's own check passes (v1 is the newest when the request starts); another
    engineer's re-run commits while this one computes: the locked write refuses it."""
    v1 = compute_company_plan(plan_city.north, PLAN_DAY, weather_for(PLAN_DAY, -4.0), now=NOW)
    store = engine._store
    state = {"other": None}

    def other_engineer_first(**kwargs):
        if state["other"] is None:
            state["other"] = store(**{**kwargs, "adjustments": []})
        return store(**kwargs)

    monkeypatch.setattr(engine, "_store", other_engineer_first)
    client.force_login(personas["dispatch_engineer"])
    body = {"kind": "source_limit", "source": HeatSource.objects.get(code="plant").pk}
    body |= {"first_hour": 0, "last_hour": 23, "value": 2000}
    response = client.post(reverse("planning:adjust", args=[v1.pk]), body)
    other = state["other"]
    assert other.version == 2
    assert response.status_code == 302 and response.url == reverse("planning:plan", args=[other.pk])
    page = client.get(response.url).content.decode()
    assert "该计划已有更新的版本 v2（您看到的是 v1），请在最新版本上调整。" in page
    assert Plan.objects.count() == 2 and PlanAdjustment.objects.count() == 0


def test_approving_a_version_made_stale_meanwhile_gets_a_message(
    plan_city, personas, client, monkeypatch
):
    v1 = compute_company_plan(plan_city.north, PLAN_DAY, weather_for(PLAN_DAY, -4.0), now=NOW)
    v2 = rerun_plan(v1, adjustment=_limit(3000.0), now=NOW)
    # The page's check ran before v2 was committed: it still saw v1 as the newest.
    monkeypatch.setattr(console_views, "_latest_version", lambda plan: plan)
    client.force_login(personas["dispatch_engineer"])
    response = client.post(
        reverse("planning:approve", args=[v1.pk]), {"confirm": "yes"}, follow=True
    )
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("planning:plan", args=[v2.pk])
    assert "该计划已有更新的版本 v2，请核对最新版本后再批准。" in response.content.decode()
    assert set(Plan.objects.values_list("status", flat=True)) == {PlanStatus.DRAFT}
    with pytest.raises(StalePlanError):
        approve_plan(v1, personas["dispatch_engineer"], now=NOW)

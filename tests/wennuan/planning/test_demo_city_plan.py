"""The whole demo city (3 companies, ≥ 500 communities, ≥ 120 substations): the quality bar of
issue 7 on a realistic network. Slow (loads the demo city)."""

from datetime import datetime

import numpy as np
import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from wennuan.planning.choices import AdjustmentKind, PlanTrigger, WeatherKind, WeatherProvider
from wennuan.planning.engine import compute_plans, rerun_plan
from wennuan.planning.models import Plan, PlanSubstation
from wennuan.planning.proactive import open_proactive_orders
from wennuan.planning.weather import LOCAL_TZ, load_series, local_day_start, store_series
from wennuan.registry.models import City, Community, Substation
from wennuan.workorders.choices import Channel
from wennuan.workorders.models import WorkOrder

pytestmark = pytest.mark.slow


@pytest.fixture
def demo_city(db, demo_register_csv):
    """The demo city on a fixed day (2026-12-02): its load history and hence the demand models
    depend on the day, and the checks below are about one that is short of heat once the
    largest source is cut."""
    with time_machine.travel(datetime(2026, 12, 2, 12, 0, tzinfo=LOCAL_TZ), tick=True):
        call_command("load_demo", register_csv=str(demo_register_csv))
        yield


def uniform_weather(day, temp_c):
    start = local_day_start(day) - timezone.timedelta(hours=72)
    stamps = [start + timezone.timedelta(hours=h) for h in range(96)]
    series = store_series(
        City.objects.get(),
        WeatherKind.FORECAST,
        WeatherProvider.CSV,
        timezone.now(),
        stamps,
        [temp_c] * 96,
    )
    return load_series(series, day, timezone.now())


def test_demo_city_plans(demo_city):
    day = timezone.localdate()
    assert Community.objects.count() >= 500 and Substation.objects.count() >= 120
    demo_plans = Plan.objects.filter(date=day, trigger=PlanTrigger.DEMO)
    assert demo_plans.count() == 3
    rows = PlanSubstation.objects.filter(plan__in=demo_plans).select_related("substation")
    on_network = [r for r in rows if r.substation.junction_id]
    assert len(on_network) == Substation.objects.exclude(junction=None).count() >= 120
    # The check runs the sources as scheduled: each its own supply zone first, one plant
    # holding the pressure, the others moving exactly their zones' water. The demo network
    # is built in zones, so no zone draws over the thin pipes between zones: every margin
    # holds. (Plain merit order kept boiler houses cold: about 30 shortfalls per company
    # and a 157-bar lift.)
    assert all(r.min_dp_margin_bar is not None and r.min_dp_margin_bar >= 0 for r in on_network)
    assert all(p.inputs["lift_bar"] < 16 for p in demo_plans)

    mild = {p.company_id: p for p in compute_plans(day, weather=uniform_weather(day, 4.0))}
    cold = {p.company_id: p for p in compute_plans(day, weather=uniform_weather(day, -7.0))}
    for company_id, plan in cold.items():
        before = {r.substation_id: r for r in mild[company_id].substation_results.all()}
        for row in plan.substation_results.all():
            other = before[row.substation_id]
            assert np.all(np.array(row.heat_kw) > np.array(other.heat_kw))
            assert np.all(np.array(row.supply_temp_c) > np.array(other.supply_temp_c))
        assert plan.total_heat_kwh > mild[company_id].total_heat_kwh

    # Cut the company's largest source: the coldest communities end up equally cold.
    plan = min(cold.values(), key=lambda p: p.company.code)
    biggest = max(plan.source_results.all(), key=lambda r: max(r.capacity_kw))
    cut = rerun_plan(
        plan,
        adjustment={
            "kind": AdjustmentKind.SOURCE_LIMIT,
            "source_id": biggest.source_id,
            "value": 0.0,
        },
    )
    lows = np.array([r.min_indoor_c for r in cut.community_results.all()])
    # Max-min: everyone the sources can reach sits at one common level; only communities
    # behind a substation at its own limit (1.2 × design load) are colder.
    level = np.median(lows)
    assert np.mean(np.abs(lows - level) < 0.05) > 0.9
    assert lows.max() < level + 0.05
    assert cut.at_risk_count == lows.size > 100
    # Each at-risk community is linked to an open order: a new proactive one, or the open
    # complaint it already has (merged, not duplicated).
    open_proactive_orders(cut)
    rows = list(cut.community_results.select_related("proactive_order"))
    assert all(r.proactive_order is not None for r in rows)
    assert all(r.proactive_order.community_id == r.community_id for r in rows)
    proactive = WorkOrder.objects.filter(channel=Channel.PROACTIVE, company=plan.company)
    assert 0 < proactive.count() <= len(rows)
    assert proactive.values("community").distinct().count() == proactive.count()


def test_demo_morning_shows_a_few_communities_at_risk_and_pipes_below_design(db, demo_register_csv):
    """The demo as a dispatch engineer sees it at 06:00 on a cold-snap morning (the climate
    generator of the demo has one on 2026-12-05): yesterday's approved plan and today's draft;
    a few far-end communities at risk with proactive orders; pipes mostly below design flow."""
    from datetime import datetime

    import time_machine

    from wennuan.planning.choices import PlanStatus
    from wennuan.planning.models import CommunityModelParameters, PlanCommunity, PlanPipe
    from wennuan.planning.weather import LOCAL_TZ

    with time_machine.travel(datetime(2026, 12, 6, 6, 0, tzinfo=LOCAL_TZ), tick=True):
        call_command("load_demo", register_csv=str(demo_register_csv))
    plans = list(Plan.objects.filter(trigger=PlanTrigger.DEMO))
    by_day = {}
    for plan in plans:
        by_day.setdefault(plan.date, []).append(plan)
    assert sorted((day.isoformat(), len(p)) for day, p in by_day.items()) == [
        ("2026-12-05", 3),
        ("2026-12-06", 3),
    ]
    assert {p.status for p in by_day[min(by_day)]} == {PlanStatus.APPROVED}
    assert {p.status for p in by_day[max(by_day)]} == {PlanStatus.DRAFT}

    def mean_outdoor_c(day):
        return np.mean(by_day[day][0].inputs["outdoor_temp_c"])

    coldest = min(by_day, key=mean_outdoor_c)
    assert mean_outdoor_c(coldest) < -4.9  # below the design temperature
    # Below the design temperature the flows exceed the design flows: the circulation pump's
    # lift is raised for the day, the plan says so, and every substation still gets its flow
    # (CI once met such a day with the design lift: three substations short by up to 1.3 bar).
    raised = [p for p in by_day[coldest] if any("提高到" in w for w in p.warnings)]
    assert raised and all(p.inputs["lift_bar"] < 16 for p in raised)
    margins = PlanSubstation.objects.filter(
        plan__in=by_day[coldest], substation__junction__isnull=False
    ).values_list("min_dp_margin_bar", flat=True)
    assert all(m is not None and m >= 0 for m in margins)
    at_risk = PlanCommunity.objects.filter(plan__in=by_day[coldest], at_risk=True)
    communities = Community.objects.count()
    assert 1 <= at_risk.count() <= 0.1 * communities  # a few, not everyone
    # Why: far-end estates measured colder than the model predicts, or (below the design
    # temperature) a substation at its limit that cannot pass all the heat its estates need.
    offsets = dict(CommunityModelParameters.objects.values_list("community_id", "indoor_offset_c"))
    short = {
        (row.plan_id, row.substation_id)
        for row in PlanSubstation.objects.filter(plan__in=by_day[coldest])
        if sum(row.heat_kw) < 0.999 * sum(row.demand_kw)
    }
    far_end = [row for row in at_risk if offsets.get(row.community_id, 0.0) <= -0.5]
    assert far_end
    for row in at_risk:
        assert row in far_end or (row.plan_id, row.community.substation_id) in short
    today_at_risk = PlanCommunity.objects.filter(plan__in=by_day[max(by_day)], at_risk=True)
    assert today_at_risk.exists()
    assert not today_at_risk.filter(proactive_order=None).exists()

    for plan in plans:
        ratios = np.array(
            [
                r
                for r in PlanPipe.objects.filter(plan=plan).values_list("max_load_ratio", flat=True)
                if r is not None
            ]
        )
        assert ratios.size > 50
        assert np.median(ratios) < 1.0, plan
        # On a day colder than the design day a zone's boiler house reaches its capacity and
        # the rest of its zone's heat comes from the other plants over the pipes between
        # zones, which then run above design. That costs pressure: where the design lift
        # does not cover it the day's lift is raised (a warning) and every substation keeps
        # its margin, or what is still short is named. A pipe above design flow alone is no
        # warning (the design lift may cover it: Minsheng on 2026-12-05).
        lift_raised = any("扬程" in w for w in plan.warnings)
        assert lift_raised == (plan.inputs["lift_bar"] > plan.inputs["design_lift_bar"])
        if plan.flow_shortfall_count:
            assert any("得不到所需流量" in w for w in plan.warnings)

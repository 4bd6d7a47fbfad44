"""The whole demo city (3 companies, ≥ 500 communities, ≥ 120 substations): the quality bar of
issue 7 on a realistic network. Slow (loads the demo city)."""

import numpy as np
import pytest
from django.core.management import call_command
from django.utils import timezone

from wennuan.planning.choices import AdjustmentKind, PlanTrigger, WeatherKind, WeatherProvider
from wennuan.planning.engine import compute_plans, rerun_plan
from wennuan.planning.models import Plan, PlanSubstation
from wennuan.planning.weather import load_series, local_day_start, store_series
from wennuan.registry.models import City, Community, Substation
from wennuan.workorders.choices import Channel
from wennuan.workorders.models import WorkOrder

pytestmark = pytest.mark.slow


@pytest.fixture
def demo_city(db, shared_data):
    call_command("load_demo", register_csv=str(shared_data / "heze-demo" / "communities.csv"))


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
    assert all(r.min_dp_margin_bar is not None and r.min_dp_margin_bar >= 0 for r in on_network)

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
    rows = list(cut.community_results.select_related("proactive_order"))
    assert all(r.proactive_order is not None for r in rows)
    assert all(r.proactive_order.community_id == r.community_id for r in rows)
    proactive = WorkOrder.objects.filter(channel=Channel.PROACTIVE, company=plan.company)
    assert 0 < proactive.count() <= len(rows)
    assert proactive.values("community").distinct().count() == proactive.count()

"""The plan computation: physics consistency, allocation under a cut, hydraulics, versions."""

import numpy as np
import pytest

from wennuan.planning.choices import AdjustmentKind, PlanStatus
from wennuan.planning.engine import PlanError, compute_company_plan, rerun_plan
from wennuan.planning.models import Plan, PlanCommunity, PlanSubstation
from wennuan.planning.proactive import open_proactive_orders
from wennuan.registry.models import HeatSource

from .conftest import NOW, PLAN_DAY, weather_for


def test_plan_for_a_company_has_24_hours_of_everything(plan_city):
    plan = compute_company_plan(plan_city.north, PLAN_DAY, weather_for(PLAN_DAY, 0.0), now=NOW)
    assert plan.version == 1 and plan.status == PlanStatus.DRAFT
    station = PlanSubstation.objects.get(plan=plan)
    for column in ("heat_kw", "supply_temp_c", "return_temp_c", "dp_margin_bar", "demand_kw"):
        assert len(getattr(station, column)) == 24
    # Design method: 2 communities × 50 000 m² × 45 W/m² × (19 − 0)/22.9 K
    assert station.demand_kw[12] == pytest.approx(2 * 2250 * 19 / 22.9, rel=0.02)
    assert station.heat_kw == station.demand_kw  # capacity suffices
    assert all(s > r for s, r in zip(station.supply_temp_c, station.return_temp_c, strict=True))
    assert station.min_dp_margin_bar > 0 and not station.flow_shortfall
    assert 0 < station.delay_h < 2
    assert plan.at_risk_count == 0
    assert all(
        abs(t - 19.0) < 0.05
        for c in PlanCommunity.objects.filter(plan=plan)
        for t in c.predicted_indoor_c
    )


def test_colder_forecast_gives_more_heat_and_higher_setpoints_everywhere(plan_city):
    mild = compute_company_plan(plan_city.north, PLAN_DAY, weather_for(PLAN_DAY, 3.0), now=NOW)
    cold = compute_company_plan(plan_city.north, PLAN_DAY, weather_for(PLAN_DAY, -6.0), now=NOW)
    assert cold.version == mild.version + 1
    a = PlanSubstation.objects.get(plan=mild)
    b = PlanSubstation.objects.get(plan=cold)
    assert all(y > x for x, y in zip(a.heat_kw, b.heat_kw, strict=True))
    assert all(y > x for x, y in zip(a.supply_temp_c, b.supply_temp_c, strict=True))
    assert all(y > x for x, y in zip(a.return_temp_c, b.return_temp_c, strict=True))
    ca = {c.community_id: c for c in mild.community_results.all()}
    for row in cold.community_results.all():
        assert all(y > x for x, y in zip(ca[row.community_id].heat_kw, row.heat_kw, strict=True))
    src_a, src_b = mild.source_results.get(), cold.source_results.get()
    assert all(y > x for x, y in zip(src_a.heat_kw, src_b.heat_kw, strict=True))


def test_capacity_cut_gives_equal_lowest_indoor_temperatures_and_a_risk_list(plan_city):
    # The north company's share of the plant is 100 MW; cut it to 40 % of its demand.
    north = plan_city.north
    plant = HeatSource.objects.get(code="plant")
    full = compute_company_plan(north, PLAN_DAY, weather_for(PLAN_DAY, -4.0), now=NOW)
    demand_kw = max(PlanSubstation.objects.get(plan=full).demand_kw)
    cut = rerun_plan(
        full,
        adjustment={
            "kind": AdjustmentKind.SOURCE_LIMIT,
            "source_id": plant.id,
            "value": 0.4 * demand_kw,
            "reason": "机组检修",
        },
        now=NOW,
    )
    assert cut.based_on == full and cut.adjustments.count() == 1
    rows = list(cut.community_results.all())
    lows = [r.min_indoor_c for r in rows]
    assert max(lows) - min(lows) < 0.05  # max-min: the coldest are equally cold
    assert min(lows) < 17.0
    assert cut.at_risk_count == len(rows) == 2
    # The engine opens no orders (issue 14): the caller does, for the at-risk communities.
    assert all(r.proactive_order is None for r in rows)
    assert len(open_proactive_orders(cut, now=NOW)) == 2
    assert all(r.proactive_order is not None for r in cut.community_results.all())
    heat = np.array(PlanSubstation.objects.get(plan=cut).heat_kw)
    assert heat.max() <= 0.4 * demand_kw * 0.97 + 1  # deliverable after network loss


def test_supply_setpoint_override_is_applied_and_limits_heat(plan_city):
    north = plan_city.north
    station = north.substations.get()
    base = compute_company_plan(north, PLAN_DAY, weather_for(PLAN_DAY, -2.0), now=NOW)
    lowered = rerun_plan(
        base,
        adjustment={
            "kind": AdjustmentKind.SUPPLY_TEMP,
            "substation_id": station.id,
            "first_hour": 6,
            "last_hour": 9,
            "value": 45.0,
        },
        now=NOW,
    )
    row = PlanSubstation.objects.get(plan=lowered)
    before = PlanSubstation.objects.get(plan=base)
    assert row.supply_temp_c[6:10] == [45.0] * 4
    assert all(row.heat_kw[h] < before.heat_kw[h] for h in range(6, 10))
    assert row.heat_kw[12] == before.heat_kw[12]


def test_low_pump_lift_names_the_substation_that_cannot_get_its_flow(plan_city, settings):
    settings.WENNUAN_PLAN_LIFT_BAR = 0.55
    plan = compute_company_plan(plan_city.north, PLAN_DAY, weather_for(PLAN_DAY, -4.9), now=NOW)
    row = PlanSubstation.objects.get(plan=plan)
    assert row.flow_shortfall and row.min_dp_margin_bar < 0
    assert plan.flow_shortfall_count == 1


def test_company_without_network_gets_a_plan_with_a_warning(plan_city):
    plan = compute_company_plan(plan_city.south, PLAN_DAY, weather_for(PLAN_DAY, 0.0), now=NOW)
    assert any("一次网" in w for w in plan.warnings)
    row = PlanSubstation.objects.get(plan=plan)
    assert row.dp_margin_bar == [None] * 24 and not row.flow_shortfall
    assert Plan.objects.filter(company=plan_city.south).count() == 1


def test_flow_shortfall_is_named_in_the_warnings(plan_city, settings):
    settings.WENNUAN_PLAN_LIFT_BAR = 0.55
    plan = compute_company_plan(plan_city.north, PLAN_DAY, weather_for(PLAN_DAY, -4.9), now=NOW)
    assert any("北一站" in w and "流量" in w for w in plan.warnings)


@pytest.mark.parametrize(
    ("adjustment", "message"),
    [
        ({"kind": AdjustmentKind.SUPPLY_TEMP, "value": 200.0}, "20–150"),
        (
            {"kind": AdjustmentKind.SUPPLY_TEMP, "value": 60.0, "first_hour": 9, "last_hour": 3},
            "时段",
        ),
        ({"kind": AdjustmentKind.SOURCE_LIMIT, "value": -1.0}, "非负"),
    ],
)
def test_bad_adjustments_are_refused_and_store_nothing(plan_city, adjustment, message):
    north = plan_city.north
    base = compute_company_plan(north, PLAN_DAY, weather_for(PLAN_DAY, -1.0), now=NOW)
    target = (
        {"substation_id": north.substations.get().id}
        if adjustment["kind"] == AdjustmentKind.SUPPLY_TEMP
        else {"source_id": HeatSource.objects.get(code="plant").id}
    )
    with pytest.raises(PlanError, match=message):
        rerun_plan(base, adjustment={**adjustment, **target}, now=NOW)
    assert Plan.objects.count() == 1


def test_adjustment_for_another_company_is_refused(plan_city):
    base = compute_company_plan(plan_city.north, PLAN_DAY, weather_for(PLAN_DAY, -1.0), now=NOW)
    south_station = plan_city.south.substations.get()
    with pytest.raises(PlanError, match="不属于"):
        rerun_plan(
            base,
            adjustment={
                "kind": AdjustmentKind.SUPPLY_TEMP,
                "substation_id": south_station.id,
                "value": 60.0,
            },
            now=NOW,
        )

"""A raised supply set-point delivers more heat (the curve inverted at the override), warms the
substation's communities and makes the source produce it; never beyond the sources' capacity
or the substation's overload limit, never at the other substations' expense; a lowered
set-point still limits. Expected numbers are computed here independently, from
heatphys.curves.setpoints solved with a root finder."""

import re

import numpy as np
import pytest
from django.urls import reverse
from scipy.optimize import brentq

from heatphys.curves import HeatingCurve, setpoints
from wennuan.planning.choices import AdjustmentKind
from wennuan.planning.engine import compute_company_plan, rerun_plan
from wennuan.planning.models import CommunityModelParameters, Plan, PlanSubstation
from wennuan.registry.choices import Terminal
from wennuan.registry.models import City, Community, HeatSource, Substation

from .conftest import NOW, PLAN_DAY, weather_for

LOSS = 0.03  # the default network loss: sources produce heat / (1 − loss)
COLD_OFFSET_C = -1.8  # the "cold" estate: predicted 19 − 1.8 = 17.2 °C, at risk


def _expected_heat_kw(supply_c: float, design_kw: float) -> float:
    """Heat a 75/50 radiator substation gives at ``supply_c``: the relative load Q̄ at which
    the heating curve asks for that supply temperature, times the design load."""
    curve = HeatingCurve(
        design_supply_c=75.0,
        design_return_c=50.0,
        exponent_b=0.3,
        outdoor_design_c=City.objects.get().design_outdoor_temp_c,
    )
    span_k = curve.indoor_design_c - curve.outdoor_design_c

    def supply_minus_target(q):
        return float(setpoints(curve.indoor_design_c - q * span_k, curve)["supply_temp_c"]) - (
            supply_c
        )

    return brentq(supply_minus_target, 0.05, 2.0, xtol=1e-12) * design_kw


@pytest.fixture
def cold_estate(plan_city):
    community = plan_city.communities["剑桥学府"]
    CommunityModelParameters.objects.create(community=community, indoor_offset_c=COLD_OFFSET_C)
    return community


def _raise(plan, station, value, first=0, last=23):
    return rerun_plan(
        plan,
        adjustment={
            "kind": AdjustmentKind.SUPPLY_TEMP,
            "substation_id": station.id,
            "first_hour": first,
            "last_hour": last,
            "value": value,
            "reason": "提高供水温度",
        },
        now=NOW,
    )


def test_raised_setpoint_delivers_the_curves_heat_warms_the_estates_and_the_source(
    plan_city, cold_estate
):
    north = plan_city.north
    station = north.substations.get()
    base = compute_company_plan(north, PLAN_DAY, weather_for(PLAN_DAY, -2.0), now=NOW)
    before = PlanSubstation.objects.get(plan=base)
    cold_before = base.community_results.get(community=cold_estate)
    assert cold_before.min_indoor_c == pytest.approx(17.2, abs=0.02) and cold_before.at_risk
    assert max(before.supply_temp_c) < 67.0  # the curve's set-point at −2 °C is ~66.7 °C

    raised = _raise(base, station, 72.0)
    after = PlanSubstation.objects.get(plan=raised)
    expected_kw = _expected_heat_kw(72.0, station.design_load_kw)  # ≈ 4 680 kW
    assert after.supply_temp_c == [72.0] * 24
    assert after.demand_kw == before.demand_kw
    for hour in range(24):
        assert after.heat_kw[hour] == pytest.approx(expected_kw, abs=0.2)
        assert after.heat_kw[hour] > before.heat_kw[hour] + 400
    # The communities share it in proportion to their demand (equal estates: half each) and
    # their indoor temperature rises by the linear model: T = t_out + offset + (19 − t_out) q/d.
    for row in raised.community_results.select_related("community"):
        offset = COLD_OFFSET_C if row.community_id == cold_estate.id else 0.0
        for hour in (0, 6, 12, 23):
            ratio = after.heat_kw[hour] / after.demand_kw[hour]
            assert row.heat_kw[hour] == pytest.approx(after.heat_kw[hour] / 2, abs=0.2)
            assert row.predicted_indoor_c[hour] == pytest.approx(
                -2.0 + offset + 21.0 * ratio, abs=0.02
            )
    cold_after = raised.community_results.get(community=cold_estate)
    assert cold_after.min_indoor_c > 19.5 and not cold_after.at_risk
    assert raised.at_risk_count == 0 and base.at_risk_count == 1
    # The source produces the extra heat (grossed up for network losses).
    source = raised.source_results.get()
    for hour in (6, 12):
        assert source.heat_kw[hour] == pytest.approx(expected_kw / (1 - LOSS), abs=1.0)
    assert source.total_heat_kwh > base.source_results.get().total_heat_kwh + 24 * 400
    assert raised.total_heat_kwh > base.total_heat_kwh
    # The hydraulic check sees the larger heat: more primary flow to the substation.
    assert all(y > x for x, y in zip(before.mass_flow_kg_s, after.mass_flow_kg_s, strict=True))
    assert not raised.warnings


def test_raise_for_some_hours_only_moves_those_hours_and_the_building_warms_slowly(
    plan_city, cold_estate
):
    north = plan_city.north
    station = north.substations.get()
    base = compute_company_plan(north, PLAN_DAY, weather_for(PLAN_DAY, -2.0), now=NOW)
    before = PlanSubstation.objects.get(plan=base)
    raised = _raise(base, station, 72.0, first=6, last=9)
    after = PlanSubstation.objects.get(plan=raised)
    expected_kw = _expected_heat_kw(72.0, station.design_load_kw)
    assert after.heat_kw[6:10] == pytest.approx([expected_kw] * 4, abs=0.2)
    assert after.heat_kw[:6] == before.heat_kw[:6] and after.heat_kw[10:] == before.heat_kw[10:]
    cold_before = base.community_results.get(community=cold_estate).predicted_indoor_c
    cold_after = raised.community_results.get(community=cold_estate).predicted_indoor_c
    # The building's time constant (40 h) spreads four warmer hours over the day.
    assert cold_after[:7] == cold_before[:7]
    assert cold_before[10] < cold_after[10] < cold_before[10] + 1.0
    assert all(y >= x for x, y in zip(cold_before, cold_after, strict=True))


@pytest.fixture
def second_station(plan_city):
    """A second north substation (not on the network model) with one estate."""
    north = plan_city.north
    station = Substation.objects.create(
        code="N-S002",
        name="北二站",
        company=north,
        source=HeatSource.objects.get(code="plant"),
        latitude=35.21,
        longitude=115.41,
        design_load_kw=3000,
        terminal=Terminal.RADIATOR,
    )
    Community.objects.create(
        name="牡丹苑",
        company=north,
        substation=station,
        manager=plan_city.communities["剑桥学府"].manager,
        aliases=[],
        district="牡丹区",
        address="人民路2号",
        heated_area_m2=40000,
        households=400,
        buildings=5,
        terminal=Terminal.RADIATOR,
        design_heat_index_w_m2=45,
    )
    return station


def test_raise_beyond_source_capacity_gets_only_what_is_left_with_a_warning(
    plan_city, cold_estate, second_station
):
    north = plan_city.north
    station = Substation.objects.get(code="N-S001")
    plant = HeatSource.objects.get(code="plant")
    base = compute_company_plan(north, PLAN_DAY, weather_for(PLAN_DAY, -2.0), now=NOW)
    base_heat = {
        r.substation.code: np.array(r.heat_kw) for r in base.substation_results.select_related()
    }
    total_kw = base_heat["N-S001"] + base_heat["N-S002"]
    # The plant may produce 200 kW more (after losses) than the plan uses in its peak hour.
    limit_kw = (total_kw.max() + 200.0) / (1 - LOSS)
    limited = rerun_plan(
        base,
        adjustment={
            "kind": AdjustmentKind.SOURCE_LIMIT,
            "source_id": plant.id,
            "value": limit_kw,
            "reason": "机组检修",
        },
        now=NOW,
    )
    assert PlanSubstation.objects.get(plan=limited, substation=station).heat_kw == list(
        base_heat["N-S001"]
    )
    raised = _raise(limited, station, 80.0)  # the curve asks for ~5 540 kW: far beyond
    rows = {r.substation.code: r for r in raised.substation_results.select_related()}
    spare_kw = limit_kw * (1 - LOSS) - total_kw
    assert rows["N-S001"].heat_kw == pytest.approx(list(base_heat["N-S001"] + spare_kw), abs=0.2)
    assert rows["N-S002"].heat_kw == list(base_heat["N-S002"])  # not robbed
    total_after = np.array(rows["N-S001"].heat_kw) + np.array(rows["N-S002"].heat_kw)
    assert (total_after <= limit_kw * (1 - LOSS) + 0.2).all()
    assert rows["N-S001"].supply_temp_c == [80.0] * 24
    (warning,) = [w for w in raised.warnings if "北一站" in w]
    assert "热源剩余能力不足" in warning and "全天" in warning
    assert "其他换热站的分配不减少" in warning


def test_raise_beyond_the_substations_overload_limit_is_capped_with_a_warning(plan_city):
    north = plan_city.north
    station = north.substations.get()
    base = compute_company_plan(north, PLAN_DAY, weather_for(PLAN_DAY, -4.0), now=NOW)
    raised = _raise(base, station, 95.0, first=8, last=11)  # the curve: 1.44 × design
    row = PlanSubstation.objects.get(plan=raised)
    assert row.heat_kw[8:12] == [1.2 * station.design_load_kw] * 4
    (warning,) = [w for w in raised.warnings if "倍设计负荷" in w]
    assert "北一站" in warning and "1.2 倍" in warning and "8–11 时" in warning
    # 1.2 × design heat needs more primary flow than the small test network's design lift
    # gives at the far end: the hydraulic check sees the larger heat and raises the lift for
    # the day, saying so (before the day's lift, it named the substation short).
    assert any("提高到" in w and "测试热电厂" in w for w in map(str, raised.warnings)), (
        raised.warnings
    )
    assert raised.inputs["lift_bar"] > base.inputs["lift_bar"]
    assert row.min_dp_margin_bar >= 0


def test_lowered_setpoint_still_limits_to_the_curves_heat(plan_city):
    north = plan_city.north
    station = north.substations.get()
    base = compute_company_plan(north, PLAN_DAY, weather_for(PLAN_DAY, -2.0), now=NOW)
    lowered = _raise(base, station, 60.0, first=6, last=9)
    row = PlanSubstation.objects.get(plan=lowered)
    before = PlanSubstation.objects.get(plan=base)
    expected_kw = _expected_heat_kw(60.0, station.design_load_kw)  # ≈ 3 440 kW
    assert row.heat_kw[6:10] == pytest.approx([expected_kw] * 4, abs=0.2)
    assert row.heat_kw[12] == before.heat_kw[12]
    # four hours' cut: the buildings' inertia keeps the rooms (as the plan predicts and
    # stores them) above 18 °C, so no shortfall is claimed (it named rooms "below 18 °C" from
    # the steady state, which the plan itself contradicted)
    lows = [c.min_indoor_c for c in lowered.community_results.all()]
    assert min(lows) >= 18.0 and lowered.warnings == []
    # all day: the rooms do fall below 18 °C, and the warning names them with the stored lows
    day_long = _raise(lowered, station, 60.0, first=0, last=23)
    (warning,) = map(str, day_long.warnings)
    low = day_long.community_results.get(community__name="剑桥学府").min_indoor_c
    assert "换热站送不出所需热量" in warning and f"剑桥学府（{low:.1f} °C）" in warning


def test_engineer_raises_a_setpoint_in_the_console_and_sees_the_estates_warmer(
    plan_city, cold_estate, client, personas
):
    north = plan_city.north
    station = north.substations.get()
    plan = compute_company_plan(north, PLAN_DAY, weather_for(PLAN_DAY, -2.0), now=NOW)
    client.force_login(personas["dispatch_engineer"])
    page = client.get(reverse("planning:plan", args=[plan.pk])).content.decode()
    assert "剑桥学府" in page and "17.2" in page  # in the at-risk list
    response = client.post(
        reverse("planning:adjust", args=[plan.pk]),
        {
            "kind": "supply_temp",
            "substation": station.pk,
            "first_hour": 0,
            "last_hour": 23,
            "value": 72,
            "reason": "剑桥学府室温偏低",
        },
        follow=True,
    )
    assert response.status_code == 200
    new = Plan.objects.get(company=north, date=PLAN_DAY, version=2)
    page = response.content.decode()
    assert "已按调整重新计算，生成草稿 v2" in page
    expected_kw = _expected_heat_kw(72.0, station.design_load_kw)
    demand_kw = PlanSubstation.objects.get(plan=new).demand_kw[0]
    cold_c = -2.0 + COLD_OFFSET_C + 21.0 * expected_kw / demand_kw  # ≈ 20.0 °C
    section = re.search(r'<section class="card" id="setpoint-effect">(.*?)</section>', page, re.S)
    assert section, "the console shows the adjusted substation's estates"
    rows = re.findall(r'<tr class="effect-row"[^>]*>(.*?)</tr>', section.group(1), re.S)
    cold_row = next(r for r in rows if "剑桥学府" in r)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", cold_row, re.S)
    assert cells[0] == "剑桥学府" and cells[1] == "北一站"
    assert cells[2] == "17.2" and cells[3] == f"{cold_c:.1f}"
    assert float(cells[3]) > 19.5
    assert "低温风险小区（0）</h2>" in page


def test_a_setpoint_below_the_curve_is_no_raise_when_capacity_is_short(plan_city):
    """Sources short: the substation gets less than its demand. An override whose heat lies
    between that allocation and the demand is a lower set-point, not a raise: the allocation
    stays and no "sources short for the raise" warning appears."""
    north = plan_city.north
    station = north.substations.get()
    plant = HeatSource.objects.get(code="plant")
    base = compute_company_plan(north, PLAN_DAY, weather_for(PLAN_DAY, -2.0), now=NOW)
    demand_kw = np.array(PlanSubstation.objects.get(plan=base).heat_kw)
    peak = int(demand_kw.argmax())
    limited = rerun_plan(
        base,
        adjustment={
            "kind": AdjustmentKind.SOURCE_LIMIT,
            "source_id": plant.id,
            "value": 0.85 * demand_kw.max() / (1 - LOSS),
            "reason": "机组检修",
        },
        now=NOW,
    )
    allocated_kw = np.array(PlanSubstation.objects.get(plan=limited).heat_kw)
    assert allocated_kw[peak] < demand_kw[peak] - 100
    curve = HeatingCurve(
        design_supply_c=75.0,
        design_return_c=50.0,
        exponent_b=0.3,
        outdoor_design_c=City.objects.get().design_outdoor_temp_c,
    )
    between = 0.5 * (allocated_kw[peak] + demand_kw[peak]) / station.design_load_kw
    supply_c = float(
        setpoints(
            curve.indoor_design_c - between * (curve.indoor_design_c - curve.outdoor_design_c),
            curve,
        )["supply_temp_c"]
    )
    overridden = _raise(limited, station, round(supply_c, 1), first=peak, last=peak)
    row = PlanSubstation.objects.get(plan=overridden)
    assert row.heat_kw[peak] == pytest.approx(allocated_kw[peak], abs=0.5)
    assert not [w for w in overridden.warnings if "剩余能力不足" in w]

"""The hydraulic check runs the sources as the schedule runs them: the merit-order first
running source holds the pressure, the others move the flow of their scheduled heat (0 = off)."""

import numpy as np
import pandas as pd
import pytest

from heatphys.network import Network, SolverOptions, prepare
from wennuan.planning import hydraulics
from wennuan.planning.choices import AdjustmentKind
from wennuan.planning.engine import compute_company_plan, rerun_plan
from wennuan.planning.models import PlanSource, PlanSubstation
from wennuan.registry.models import (
    HeatSource,
    NetworkJunction,
    NetworkPipe,
    SourceConnection,
)

from .conftest import NOW, PLAN_DAY, weather_for


@pytest.fixture
def two_sources(plan_city):
    """plan_city + a boiler house for the north company at J3, 300 m beyond the substation
    (N-S001 at J2 is 1 000 m from the CHP plant at J0)."""
    north = plan_city.north
    boiler = HeatSource.objects.create(
        code="north-boiler",
        name="北城锅炉房",
        kind="boiler",
        capacity_mw=20,
        latitude=35.21,
        longitude=115.41,
    )
    boiler.companies.set([north])
    j2 = NetworkJunction.objects.get(company=north, code="J2")
    j3 = NetworkJunction.objects.create(company=north, code="J3", latitude=35.21, longitude=115.41)
    NetworkPipe.objects.create(
        company=north,
        code="P3",
        from_junction=j3,
        to_junction=j2,
        length_m=300,
        inner_diameter_m=0.15,
        design_mass_flow_kg_s=20,
    )
    SourceConnection.objects.create(source=boiler, junction=j3)
    return plan_city


@pytest.fixture
def checks(monkeypatch):
    """Every (network, inputs, result) of CompanyNetwork.check during the test."""
    seen = []
    original = hydraulics.CompanyNetwork.check

    def spy(self, *args, **kwargs):
        result = original(self, *args, **kwargs)
        seen.append((self, args, kwargs, result))
        return result

    monkeypatch.setattr(hydraulics.CompanyNetwork, "check", spy)
    return seen


def _source_rows(plan):
    return {r.source.code: r for r in PlanSource.objects.filter(plan=plan).select_related("source")}


def test_an_idle_source_moves_no_water_and_the_balance_plant_carries_the_rest(two_sources, checks):
    plan = compute_company_plan(two_sources.north, PLAN_DAY, weather_for(PLAN_DAY, -2.0), now=NOW)
    sources = _source_rows(plan)
    assert sources["north-boiler"].total_heat_kwh == 0  # the CHP plant carries the day
    assert sources["plant"].total_heat_kwh > 0
    network, _args, _kwargs, hydro = checks[-1]
    assert [s.code for s in network.sources] == ["plant", "north-boiler"]  # merit order
    plant, boiler = 0, 1
    assert hydro.balance_source == plant
    assert np.all(hydro.source_mass_flow_kg_s[:, boiler] == 0.0)
    # mass balance: the plant moves what the substation takes
    station_flow = np.nansum(hydro.mass_flow_kg_s, axis=1)
    np.testing.assert_allclose(hydro.source_mass_flow_kg_s[:, plant], station_flow, rtol=1e-6)
    row = PlanSubstation.objects.get(plan=plan)
    np.testing.assert_allclose(row.dp_margin_bar, np.round(hydro.dp_margin_bar[:, 0], 3))


def test_a_partly_cut_plant_leaves_the_boiler_its_scheduled_flow(two_sources, checks):
    full = compute_company_plan(two_sources.north, PLAN_DAY, weather_for(PLAN_DAY, -2.0), now=NOW)
    plant_source = HeatSource.objects.get(code="plant")
    cut = rerun_plan(
        full,
        adjustment={
            "kind": AdjustmentKind.SOURCE_LIMIT,
            "source_id": plant_source.id,
            "value": 1500.0,
            "reason": "机组检修",
        },
        now=NOW,
    )
    sources = _source_rows(cut)
    assert sources["north-boiler"].total_heat_kwh > 0
    network, args, kwargs, hydro = checks[-1]
    _sub_heat, primary_dt, _source_supply, source_heat = args
    loss = kwargs["heat_loss_fraction"]
    assert hydro.balance_source == 0  # the plant still runs: it holds the pressure
    # The substation is in the plant's zone: the boiler's heat is beyond its own (empty) zone
    # and moves at the network's mean primary ΔT (here the one substation's).
    expected = source_heat[:, 1] * (1 - loss) * 1000.0 / (4185.0 * primary_dt[:, 0])
    np.testing.assert_allclose(hydro.source_mass_flow_kg_s[:, 1], expected, rtol=1e-9)
    assert expected.min() > 0
    # ... and the plant takes the rest of the substation's flow
    station_flow = np.nansum(hydro.mass_flow_kg_s, axis=1)
    np.testing.assert_allclose(
        hydro.source_mass_flow_kg_s[:, 0] + hydro.source_mass_flow_kg_s[:, 1],
        station_flow,
        rtol=1e-6,
    )
    assert np.all(hydro.source_mass_flow_kg_s[:, 0] > 0)


def test_when_the_first_source_is_off_all_day_the_next_running_one_holds_the_pressure(
    two_sources, checks
):
    full = compute_company_plan(two_sources.north, PLAN_DAY, weather_for(PLAN_DAY, -2.0), now=NOW)
    plant_source = HeatSource.objects.get(code="plant")
    cut = rerun_plan(
        full,
        adjustment={"kind": AdjustmentKind.SOURCE_LIMIT, "source_id": plant_source.id, "value": 0},
        now=NOW,
    )
    assert _source_rows(cut)["plant"].total_heat_kwh == 0
    _network, _args, _kwargs, hydro = checks[-1]
    assert hydro.balance_source == 1
    assert np.all(hydro.source_mass_flow_kg_s[:, 0] == 0.0)
    np.testing.assert_allclose(
        hydro.source_mass_flow_kg_s[:, 1], np.nansum(hydro.mass_flow_kg_s, axis=1), rtol=1e-6
    )
    assert np.isfinite(hydro.dp_margin_bar[:, 0]).all()
    assert cut.inputs["lift_bar"] == hydro.lift_bar > 0


def test_margins_are_lower_than_with_every_source_holding_the_same_lift(
    two_sources, checks, settings
):
    """The old arrangement (every connection pressure-controlled at one lift) let the idle
    boiler house 300 m away push water to the substation; run as planned, the substation is
    fed from the CHP plant 1 000 m away and keeps less differential pressure."""
    settings.WENNUAN_PLAN_LIFT_BAR = 2.0  # the same lift in both arrangements
    compute_company_plan(two_sources.north, PLAN_DAY, weather_for(PLAN_DAY, -4.0), now=NOW)
    network, args, _kwargs, hydro = checks[-1]
    sub_heat, primary_dt, source_supply, _source_heat = args
    circ = network.tables["circ_pumps"].assign(
        flow_pressure_bar=hydraulics.FLOW_PRESSURE_BAR, lift_bar=2.0
    )
    old = prepare(
        Network(
            junctions=network.tables["junctions"],
            pipes=network.tables["pipes"],
            consumers=network.tables["consumers"],
            circ_pumps=circ,
        ),
        SolverOptions(check_feasibility=False),
    )
    old_margin = np.empty(24)
    old_boiler_flow = np.empty(24)
    for h in range(24):
        result = old.solve_loads(
            heat_w=np.maximum(sub_heat[h, :1], 1.0) * 1000.0,
            delta_t_k=primary_dt[h, :1],
            flow_temp_c=source_supply[h, network.source_columns],
        )
        assert result.converged
        old_margin[h] = result.consumers["dp_bar"].iloc[0] - network.min_dp_bar
        old_boiler_flow[h] = pd.Series(result.circ_pumps["mdot_kg_s"]).iloc[1]
    assert np.all(old_boiler_flow > 0.5)  # the "idle" boiler fed the substation
    assert np.all(hydro.source_mass_flow_kg_s[:, 1] == 0.0)
    assert np.all(hydro.dp_margin_bar[:, 0] < old_margin - 0.01)


def test_an_arrangement_the_network_cannot_carry_is_said_in_chinese(two_sources):
    """The only main from the running plant is far too thin for the design load: the lift
    the design solve asks for is no pump's, and the plan says so and flags the substation."""
    NetworkPipe.objects.filter(code="P1").update(inner_diameter_m=0.05)
    plan = compute_company_plan(two_sources.north, PLAN_DAY, weather_for(PLAN_DAY, -2.0), now=NOW)
    assert plan.inputs["lift_bar"] > hydraulics.MAX_LIFT_BAR
    assert any("测试热电厂 定压" in w and "扬程" in w for w in plan.warnings), plan.warnings
    # lift sized for the design load: the day (part load) still gets its flow
    row = PlanSubstation.objects.get(plan=plan)
    assert row.min_dp_margin_bar > 0


def test_a_day_colder_than_the_design_day_raises_the_lift_instead_of_leaving_stations_short(
    plan_city, checks
):
    """Below the design temperature the substations need more than their design flows, and the
    lift sized for the design load leaves the far one short: the day's plan raises the
    (speed-controlled) circulation pump's lift as far as the worst hour needs and says so."""
    NetworkPipe.objects.filter(company=plan_city.north).update(inner_diameter_m=0.12)
    cold = compute_company_plan(plan_city.north, PLAN_DAY, weather_for(PLAN_DAY, -16.0), now=NOW)
    network, *_ = checks[-1]
    design_lift_bar = network.lift_bar  # the usual arrangement's, sized at the design load
    assert cold.inputs["lift_bar"] > design_lift_bar
    assert cold.inputs["lift_bar"] <= hydraulics.MAX_LIFT_BAR
    row = PlanSubstation.objects.get(plan=cold)
    assert not row.flow_shortfall and row.min_dp_margin_bar >= 0
    assert any(
        f"{design_lift_bar:.1f} bar 提高到 {cold.inputs['lift_bar']:.1f} bar" in w
        for w in cold.warnings
    ), cold.warnings


def test_a_lift_fixed_by_the_operator_is_not_raised(plan_city, settings):
    settings.WENNUAN_PLAN_LIFT_BAR = 0.5
    NetworkPipe.objects.filter(company=plan_city.north).update(inner_diameter_m=0.12)
    cold = compute_company_plan(plan_city.north, PLAN_DAY, weather_for(PLAN_DAY, -16.0), now=NOW)
    assert cold.inputs["lift_bar"] == 0.5
    row = PlanSubstation.objects.get(plan=cold)
    assert row.flow_shortfall and row.min_dp_margin_bar < 0
    assert not any("提高到" in w for w in cold.warnings)


def test_beyond_16_bar_the_lift_stops_there_and_what_is_still_short_is_named(plan_city):
    """An outsider found a cliff: needing 16.1 bar, the plan fell back to the design lift and
    named 33 substations short, though 16 bar left none short."""
    NetworkPipe.objects.filter(company=plan_city.north).update(inner_diameter_m=0.1)
    cold = compute_company_plan(plan_city.north, PLAN_DAY, weather_for(PLAN_DAY, -16.0), now=NOW)
    assert cold.inputs["lift_bar"] == hydraulics.MAX_LIFT_BAR
    row = PlanSubstation.objects.get(plan=cold)
    assert row.flow_shortfall and row.min_dp_margin_bar < 0  # computed at 16 bar
    assert any("超过上限：按 16.0 bar 校核" in w for w in cold.warnings), cold.warnings
    assert any("北一站" in w for w in cold.warnings)


def test_a_fixed_lift_above_16_bar_is_not_called_a_network_that_cannot_carry(plan_city, settings):
    settings.WENNUAN_PLAN_LIFT_BAR = 20.0
    plan = compute_company_plan(plan_city.north, PLAN_DAY, weather_for(PLAN_DAY, 5.0), now=NOW)
    assert plan.inputs["lift_bar"] == 20.0
    assert not any("输送不了" in w for w in plan.warnings), plan.warnings

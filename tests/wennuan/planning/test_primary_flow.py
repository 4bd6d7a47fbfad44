"""Primary flows of the substations follow their heat exchangers: the design flow on the design
day, less at part load (a mild day must not show every pipe at 100 % of its design flow)."""

import numpy as np
import pytest

from heatphys.curves import (
    FLOOR,
    RADIATOR,
    HeatingCurve,
    exchanger_primary_delta_t_k,
    setpoints,
)
from wennuan.planning.engine import compute_company_plan
from wennuan.planning.models import PlanPipe, PlanSubstation

from .conftest import NOW, PLAN_DAY, weather_for

PRIMARY = HeatingCurve(design_supply_c=110, design_return_c=70, exponent_b=0.3, min_supply_c=70)


def _relative_flow(outdoor_c, secondary=RADIATOR, primary=PRIMARY):
    outdoor = np.atleast_1d(np.asarray(outdoor_c, float))
    load = (18.0 - outdoor) / (18.0 + 4.9)
    second = setpoints(outdoor, secondary)
    delta = exchanger_primary_delta_t_k(
        load,
        setpoints(outdoor, primary)["supply_temp_c"],
        second["supply_temp_c"],
        second["return_temp_c"],
        design_primary_supply_c=primary.design_supply_c,
        design_primary_return_c=primary.design_return_c,
        design_secondary_supply_c=secondary.design_supply_c,
        design_secondary_return_c=secondary.design_return_c,
    )
    design_delta = primary.design_supply_c - primary.design_return_c
    return load * design_delta / delta


@pytest.mark.parametrize("secondary", [RADIATOR, FLOOR])
def test_design_flow_on_the_design_day_less_when_milder_more_when_colder(secondary):
    assert _relative_flow(-4.9, secondary)[0] == pytest.approx(1.0, abs=1e-6)
    flows = _relative_flow([-10.0, -4.9, 0.0, 6.0, 10.0], secondary)
    assert flows[0] > 1.0
    assert np.all(np.diff(flows) < 0)  # milder → less primary flow
    assert 0.6 < flows[3] < 0.95  # a mild 6 °C day: clearly below the design flow


def test_an_exchanger_that_cannot_transfer_the_heat_gets_the_minimum_difference():
    # Primary supply barely above the secondary supply at twice the design load.
    delta = exchanger_primary_delta_t_k(
        2.0,
        76.0,
        75.0,
        50.0,
        design_primary_supply_c=110.0,
        design_primary_return_c=70.0,
        design_secondary_supply_c=75.0,
        design_secondary_return_c=50.0,
    )
    assert delta == pytest.approx(5.0)


def test_mild_day_plan_runs_the_pipes_below_their_design_flow(plan_city):
    plan = compute_company_plan(plan_city.north, PLAN_DAY, weather_for(PLAN_DAY, 6.0), now=NOW)
    ratios = list(PlanPipe.objects.filter(plan=plan).values_list("max_load_ratio", flat=True))
    assert len(ratios) == 2 and all(0.3 < r < 0.95 for r in ratios)
    cold = compute_company_plan(plan_city.north, PLAN_DAY, weather_for(PLAN_DAY, -4.9), now=NOW)
    station = PlanSubstation.objects.get(plan=plan)
    on_cold = PlanSubstation.objects.get(plan=cold)
    assert max(station.mass_flow_kg_s) < 0.95 * max(on_cold.mass_flow_kg_s)
    # Less flow through the same pipes: more differential pressure left at the substation.
    assert station.min_dp_margin_bar > on_cold.min_dp_margin_bar


def test_source_supply_never_above_its_maximum(plan_city):
    from wennuan.planning.models import PlanSource
    from wennuan.registry.models import HeatSource

    HeatSource.objects.filter(code="plant").update(max_supply_temp_c=112.0)
    plan = compute_company_plan(plan_city.north, PLAN_DAY, weather_for(PLAN_DAY, -12.0), now=NOW)
    supply = PlanSource.objects.get(plan=plan).supply_temp_c
    assert max(supply) == pytest.approx(112.0)
    # The substation then needs more flow for its heat: more than its design flow.
    station = PlanSubstation.objects.get(plan=plan)
    design_kg_s = 5000 / (4.186 * 60)  # 5 MW at the plant's 120/60 °C
    assert max(station.mass_flow_kg_s) > design_kg_s

"""The balance plant's lift is raised only on days that truly exceed the design case, and its
warnings say when and where (issue 16, the dispatch engineer: warnings rare and true)."""

import numpy as np
import pytest

from wennuan.planning.engine import compute_company_plan
from wennuan.planning.models import PlanPipe, PlanSubstation
from wennuan.registry.models import (
    HeatSource,
    NetworkJunction,
    NetworkPipe,
    Substation,
)

from ..conftest import make_community
from .conftest import NOW, PLAN_DAY, weather_for
from .test_source_arrangement import two_sources  # noqa: F401 (fixture)


@pytest.fixture
def two_zones(two_sources):  # noqa: F811
    """two_sources + a second north substation in the boiler house's own zone, 4 km down a
    wide main from the boiler (J3 → J4: hours of transport delay); the CHP plant's zone
    (N-S001 at J2) and the boiler's are joined only by the thin tie P3 (J3–J2)."""
    north = two_sources.north
    boiler = HeatSource.objects.get(code="north-boiler")
    NetworkPipe.objects.filter(code="P3").update(inner_diameter_m=0.06)
    j3 = NetworkJunction.objects.get(company=north, code="J3")
    j4 = NetworkJunction.objects.create(company=north, code="J4", latitude=35.22, longitude=115.42)
    NetworkPipe.objects.create(
        company=north,
        code="P4",
        from_junction=j3,
        to_junction=j4,
        length_m=4000,
        inner_diameter_m=0.4,
        design_mass_flow_kg_s=20,
    )
    station = Substation.objects.create(
        code="N-S002",
        name="北二站",
        company=north,
        source=boiler,
        junction=j4,
        latitude=35.22,
        longitude=115.42,
        design_load_kw=5000,
        terminal="radiator",
    )
    make_community("北二小区", north, station, None)
    return two_sources


def _warming_day():
    """−6 °C at night rising to +6 °C by the evening: the load falls all day."""
    return np.concatenate([np.full(72, -6.0), np.linspace(-6.0, 6.0, 24)])


def test_a_mild_day_in_zones_moves_no_water_between_zones_and_keeps_the_design_lift(two_zones):
    """Each zone's source carries its zone (capacity enough): in every hour the boiler house
    moves the water its zone draws in that hour, nothing crosses the tie, and the design lift
    suffices. Before, the check fed the pumps the production schedule, shifted by the 4 km
    main's transport delay: in hours of falling load the boiler moved less water than its
    zone drew, the CHP plant pushed the rest through the thin tie, and the lift was raised
    on a day warmer than the design day (Yongheng's, on most demo days)."""
    plan = compute_company_plan(
        two_zones.north, PLAN_DAY, weather_for(PLAN_DAY, _warming_day()), now=NOW
    )
    assert not any("扬程" in w for w in plan.warnings), plan.warnings
    tie = PlanPipe.objects.get(plan=plan, pipe__code="P3")
    main = PlanPipe.objects.get(plan=plan, pipe__code="P4")
    assert np.max(np.abs(tie.mass_flow_kg_s)) < 0.01 * np.max(np.abs(main.mass_flow_kg_s))
    rows = PlanSubstation.objects.filter(plan=plan)
    assert all(r.min_dp_margin_bar >= 0 and not r.flow_shortfall for r in rows)

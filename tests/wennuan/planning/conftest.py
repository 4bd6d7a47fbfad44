"""Planning fixtures: the small city with a heating season and a primary network for the north
company, and weather helpers (no network access: the climate generator or given values)."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import numpy as np
import pytest

from wennuan.planning.choices import WeatherKind, WeatherProvider
from wennuan.planning.weather import HISTORY_HOURS, LOCAL_TZ, load_series, store_series
from wennuan.registry.models import (
    City,
    HeatingSeason,
    HeatSource,
    NetworkJunction,
    NetworkPipe,
    SourceConnection,
    Substation,
)

PLAN_DAY = date(2026, 12, 15)
NOW = datetime(2026, 12, 15, 5, 30, tzinfo=LOCAL_TZ)


@pytest.fixture
def plan_city(small_city):
    """small_city + season + a three-junction network for the north company's station."""
    HeatingSeason.objects.create(
        name="2026—2027 供热季",
        start_date=date(2026, 11, 15),
        end_date=date(2027, 3, 15),
        residential_tariff_yuan_m2=Decimal("21.00"),
        non_residential_tariff_yuan_m2=Decimal("31.00"),
        base_fee_share=Decimal("0.30"),
    )
    north = small_city.north
    plant = HeatSource.objects.get(code="plant")
    j0, j1, j2 = (
        NetworkJunction.objects.create(company=north, code=f"J{i}", latitude=35.2, longitude=115.4)
        for i in range(3)
    )
    NetworkPipe.objects.create(
        company=north,
        code="P1",
        from_junction=j0,
        to_junction=j1,
        length_m=600,
        inner_diameter_m=0.2,
        design_mass_flow_kg_s=20,
    )
    NetworkPipe.objects.create(
        company=north,
        code="P2",
        from_junction=j1,
        to_junction=j2,
        length_m=400,
        inner_diameter_m=0.15,
        design_mass_flow_kg_s=20,
    )
    SourceConnection.objects.create(source=plant, junction=j0)
    Substation.objects.filter(code="N-S001").update(junction=j2)
    return small_city


def weather_for(day, temps_c, *, provider=WeatherProvider.CSV, issued=NOW):
    """A stored forecast series: 72 h before ``day`` plus the day; ``temps_c`` is a scalar or
    96 values."""
    start = datetime.combine(day, datetime.min.time(), tzinfo=LOCAL_TZ) - timedelta(
        hours=HISTORY_HOURS
    )
    hours = HISTORY_HOURS + 24
    temps = np.broadcast_to(np.asarray(temps_c, dtype=float), (hours,))
    stamps = [start + timedelta(hours=h) for h in range(hours)]
    series = store_series(City.objects.get(), WeatherKind.FORECAST, provider, issued, stamps, temps)
    return load_series(series, day, issued)

"""The sun in the plan (issue 20): where the forecast carries global radiation, each community
needs its sunless demand less the solar gain (aperture × radiation), so a sunny mild day is
planned with less heat while the rooms stay at the planned temperature; without radiation, or
with the aperture set to 0, the plan is what it was."""

from datetime import datetime, timedelta

import numpy as np
import pytest

from wennuan.planning.choices import WeatherKind, WeatherProvider
from wennuan.planning.engine import PlanSettings, compute_company_plan
from wennuan.planning.weather import (
    HISTORY_HOURS,
    LOCAL_TZ,
    import_weather_csv,
    load_series,
    store_series,
)
from wennuan.registry.models import City

from .conftest import NOW, PLAN_DAY, weather_for

MILD_C = 6.0
APERTURE = 0.03  # m² per m² of heated floor (the default)


def _sunny_day_w_m2() -> np.ndarray:
    """A clear December day at 35° N: sunrise 07, sunset 17, 450 W/m² at noon."""
    hours = np.arange(24)
    return np.clip(450.0 * np.sin(np.pi * (hours - 7) / 10), 0.0, None).round(1)


def _weather(temp_c, solar_w_m2=None):
    start = datetime.combine(PLAN_DAY, datetime.min.time(), tzinfo=LOCAL_TZ) - timedelta(
        hours=HISTORY_HOURS
    )
    n = HISTORY_HOURS + 24
    stamps = [start + timedelta(hours=h) for h in range(n)]
    sun = None if solar_w_m2 is None else np.tile(solar_w_m2, n // 24)
    series = store_series(
        City.objects.get(),
        WeatherKind.FORECAST,
        WeatherProvider.CSV,
        NOW,
        stamps,
        [temp_c] * n,
        solar_w_m2=sun,
    )
    return load_series(series, PLAN_DAY, NOW)


def _plan(company, weather, aperture=APERTURE):
    return compute_company_plan(
        company, PLAN_DAY, weather, now=NOW, cfg=PlanSettings(solar_aperture_m2_per_m2=aperture)
    )


def test_a_sunny_mild_day_needs_less_heat_and_the_rooms_stay_warm(plan_city):
    north = plan_city.north
    sun = _sunny_day_w_m2()
    without = _plan(north, _weather(MILD_C, sun), aperture=0.0)
    with_sun = _plan(north, _weather(MILD_C, sun))

    # Expected saving, computed here: the gain of each community and hour, at most its demand.
    saved_kwh = 0.0
    for row in without.community_results.select_related("community"):
        gain_kw = APERTURE * row.community.heated_area_m2 * sun / 1000.0
        saved_kwh += float(np.minimum(gain_kw, np.array(row.demand_kw)).sum())
    assert saved_kwh > 0.05 * without.total_heat_kwh  # the sun matters on such a day
    assert without.total_heat_kwh - with_sun.total_heat_kwh == pytest.approx(saved_kwh, rel=2e-3)
    assert with_sun.inputs["solar_gain_kwh"] > 0 and without.inputs["solar_gain_kwh"] == 0

    noon = 12
    heat_with = with_sun.substation_results.get().heat_kw
    heat_without = without.substation_results.get().heat_kw
    assert heat_with[noon] < heat_without[noon] and heat_with[2] == heat_without[2]
    # Rooms: the planned temperature is held with less heat (standard 18 °C + 1 K reserve).
    assert with_sun.min_predicted_indoor_c >= 18.0
    assert with_sun.min_predicted_indoor_c == pytest.approx(
        without.min_predicted_indoor_c, abs=0.05
    )
    assert with_sun.at_risk_count == without.at_risk_count
    # The hydraulic check follows the smaller heat: less primary flow at noon.
    flow_with = with_sun.substation_results.get().mass_flow_kg_s
    flow_without = without.substation_results.get().mass_flow_kg_s
    assert flow_with[noon] < flow_without[noon]


def test_without_radiation_the_plan_is_unchanged(plan_city):
    north = plan_city.north
    plain = _plan(north, weather_for(PLAN_DAY, MILD_C))
    off = _plan(north, weather_for(PLAN_DAY, MILD_C), aperture=0.0)
    assert plain.total_heat_kwh == off.total_heat_kwh
    assert plain.inputs["solar_gain_kwh"] == 0


def test_a_csv_forecast_may_carry_the_sun(plan_city):
    start = datetime.combine(PLAN_DAY, datetime.min.time())
    sun = _sunny_day_w_m2()
    lines = ["timestamp,outdoor_temp_c,solar_w_m2"] + [
        f"{(start + timedelta(hours=h)):%Y-%m-%d %H:%M},{MILD_C},{sun[h]}" for h in range(24)
    ]
    series = import_weather_csv(City.objects.get(), "\n".join(lines), now=NOW)
    assert list(series.hours.order_by("timestamp").values_list("solar_w_m2", flat=True)) == list(
        sun
    )

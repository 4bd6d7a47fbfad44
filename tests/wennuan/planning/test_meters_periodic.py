"""SCADA import, meter history in the plan (change-point forecast), the daily worker task."""

import io
from datetime import datetime, timedelta

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from wennuan.lib.scheduling import run_due_tasks
from wennuan.planning import periodic
from wennuan.planning.choices import ForecastMethod, PlanTrigger, WeatherKind, WeatherProvider
from wennuan.planning.engine import compute_company_plan
from wennuan.planning.meters import MeterCsvError, import_meter_csv
from wennuan.planning.models import MeterReading, Plan, PlanSubstation
from wennuan.planning.weather import LOCAL_TZ, store_series
from wennuan.registry.models import City

from .conftest import NOW, PLAN_DAY, weather_for

HEADER = "timestamp,substation,heat_kw,supply_temp_c,return_temp_c,flow_m3_h\n"


def test_scada_import_stores_rows_and_replaces_reexported_hours(plan_city):
    content = HEADER + "2026-12-01 00:00,N-S001,3100,95,55,70\n2026-12-01 01:00,北一站,3000,,,\n"
    result = import_meter_csv(content.encode())
    assert (result.rows, result.substations) == (2, 1)
    again = HEADER + "2026-12-01 00:00,N-S001,3200,96,56,71\n"
    import_meter_csv(again.encode())
    first = MeterReading.objects.get(timestamp=datetime(2026, 12, 1, tzinfo=LOCAL_TZ))
    assert first.heat_kw == 3200 and MeterReading.objects.count() == 2
    assert MeterReading.objects.get(heat_kw=3000).supply_temp_c is None


def test_scada_import_refuses_bad_rows_and_stores_nothing(plan_city):
    content = HEADER + (
        "2026-12-01 00:00,N-S001,3100,95,55,70\n"
        "2026-12-01 01:00,无此站,3000,,,\n"
        "2026-12-01 02:00,N-S001,-5,95,55,70\n"
        "2026-12-01 03:00,N-S001,3000,200,55,70\n"
        "2026-12-01 00:00,N-S001,3100,95,55,70\n"
        "bad,N-S001,3100,95,55,70\n"
    )
    with pytest.raises(MeterCsvError) as info:
        import_meter_csv(content.encode())
    errors = info.value.errors
    assert [e.split("：")[0] for e in errors] == [
        "第 3 行",
        "第 4 行",
        "第 5 行",
        "第 6 行",
        "第 7 行",
    ]
    assert "无此站" in errors[0] and "热负荷" in errors[1] and "供水温度" in errors[2]
    assert "重复" in errors[3] and "无法识别" in errors[4]
    assert MeterReading.objects.count() == 0
    # A company may only import its own substations.
    with pytest.raises(MeterCsvError, match="不属于本公司"):
        import_meter_csv(HEADER + "2026-12-01 00:00,S-S001,1,,,\n", company=plan_city.north)


def test_import_meters_command(plan_city, tmp_path):
    path = tmp_path / "scada.csv"
    path.write_text(HEADER + "2026-12-01 00:00,N-S001,3100,95,55,70\n", encoding="utf-8")
    out = io.StringIO()
    call_command("import_meters", str(path), "--company", "north", stdout=out)
    assert "1 条" in out.getvalue()
    path.write_text("timestamp,heat_kw\n", encoding="utf-8")
    with pytest.raises(CommandError, match="缺少列"):
        call_command("import_meters", str(path))


def test_substation_with_meter_history_uses_the_change_point_forecast(plan_city):
    """Two weeks of history where the station needs 30 % more than its design: the forecast
    follows the meters, not the design."""
    city = City.objects.get()
    start = datetime(2026, 12, 1, tzinfo=LOCAL_TZ)
    hours = 14 * 24
    stamps = [start + timedelta(hours=h) for h in range(hours)]
    temps = 2 + 5 * np.sin(np.arange(hours) / 30)
    store_series(city, WeatherKind.OBSERVED, WeatherProvider.CSV, stamps[-1], stamps, temps)
    daily = np.repeat(temps.reshape(-1, 24).mean(axis=1), 24)
    design_kw = 2 * 2250.0
    heat = 1.3 * design_kw * (18 - daily) / 22.9
    station = plan_city.north.substations.get()
    MeterReading.objects.bulk_create(
        MeterReading(substation=station, timestamp=t, heat_kw=q, origin="demo")
        for t, q in zip(stamps, heat, strict=True)
    )
    plan = compute_company_plan(plan_city.north, PLAN_DAY, weather_for(PLAN_DAY, 0.0), now=NOW)
    row = PlanSubstation.objects.get(plan=plan)
    assert row.forecast_method == ForecastMethod.CHANGE_POINT
    design_demand = design_kw * 19 / 22.9
    assert np.mean(row.demand_kw) == pytest.approx(1.3 * design_demand, rel=0.05)
    south = compute_company_plan(plan_city.south, PLAN_DAY, weather_for(PLAN_DAY, 0.0), now=NOW)
    assert PlanSubstation.objects.get(plan=south).forecast_method == ForecastMethod.DESIGN


def test_the_forecast_carries_the_last_days_error_into_the_plan(plan_city):
    """Issue 20: the engine's forecast is the change-point line moved by yesterday's
    weather-normalised error (heatphys' persistence stage). Four weeks of meters whose level
    wanders (a schedule lengthened for the last days): the plan's demand, relative to the
    plan from the same weeks without the wander, is what heatphys' persistence forecast says
    — and not what the change-point line alone says."""
    from heatphys.forecasting.changepoint_batch import (
        fit_change_point,
        fit_persistence,
        predict_day,
        predict_day_with_persistence,
    )

    city = City.objects.get()
    days = 28
    start = datetime(2026, 11, 17, tzinfo=LOCAL_TZ)
    stamps = [start + timedelta(hours=h) for h in range(days * 24)]
    temps = 2 + 5 * np.sin(np.arange(days * 24) / 30)
    store_series(city, WeatherKind.OBSERVED, WeatherProvider.CSV, stamps[-1], stamps, temps)
    daily = np.repeat(temps.reshape(-1, 24).mean(axis=1), 24)
    relation = 2 * 2250.0 * (18 - daily) / 22.9
    rng = np.random.default_rng(5)
    drift = np.zeros(days)
    for d in range(1, days):
        drift[d] = 0.8 * drift[d - 1] + rng.normal(0, 0.06)
    drift[-3:] += 0.2  # the last three days ran longer
    wandering = relation * np.exp(np.repeat(drift, 24))
    station = plan_city.north.substations.get()

    def plan_demand(heat):
        MeterReading.objects.all().delete()
        MeterReading.objects.bulk_create(
            MeterReading(substation=station, timestamp=t, heat_kw=q, origin="demo")
            for t, q in zip(stamps, heat, strict=True)
        )
        plan = compute_company_plan(plan_city.north, PLAN_DAY, weather_for(PLAN_DAY, 0.0), now=NOW)
        row = PlanSubstation.objects.get(plan=plan)
        assert row.forecast_method == ForecastMethod.CHANGE_POINT
        return float(np.mean(row.demand_kw))

    ratio = plan_demand(wandering) / plan_demand(relation)
    grid_heat = wandering.reshape(days, 24, 1)
    fit = fit_change_point(grid_heat, temps.reshape(days, 24))
    persistence = fit_persistence(fit, grid_heat, temps.reshape(days, 24))
    line = predict_day(fit, np.zeros(24)).mean()
    moved = predict_day_with_persistence(fit, persistence, np.zeros(24)).mean()
    exact = 2 * 2250.0 * 18 / 22.9  # the exact relation's forecast at 0 °C
    assert ratio == pytest.approx(moved / exact, rel=0.01)
    assert abs(moved / line - 1) > 0.03  # the persistence moved it


def test_daily_plan_task_runs_once_a_day_after_the_configured_time(plan_city, settings):
    settings.WENNUAN_PLAN_TIME = "06:15"
    before = datetime(2026, 12, 15, 6, 0, tzinfo=LOCAL_TZ)
    after = datetime(2026, 12, 15, 6, 20, tzinfo=LOCAL_TZ)
    assert periodic.due(before) is None
    assert periodic.due(after) == "plan-2026-12-15"
    run_due_tasks(before, tasks=periodic.TASKS)
    assert Plan.objects.count() == 0
    lines = run_due_tasks(after, tasks=periodic.TASKS)
    (plan_line,) = [line for line in lines if line.startswith("daily-plan")]
    assert "2 plans" in plan_line
    # the hourly re-plan check runs after it in the same pass: nothing newer to re-plan on
    assert [line for line in lines if line.startswith("replan-today")] == [
        "replan-today replan-2026-12-15-06: 2026-12-15: 2 plans checked, 0 re-planned"
    ]
    assert set(Plan.objects.values_list("trigger", flat=True)) == {PlanTrigger.WORKER}
    run_due_tasks(after + timedelta(hours=1), tasks=periodic.TASKS)
    assert Plan.objects.count() == 2  # once per day
    assert Plan.objects.first().weather_provider == WeatherProvider.CLIMATE


def test_meters_that_ignore_the_weather_fall_back_to_the_design_method(plan_city):
    city = City.objects.get()
    start = datetime(2026, 12, 1, tzinfo=LOCAL_TZ)
    stamps = [start + timedelta(hours=h) for h in range(14 * 24)]
    temps = 2 + 5 * np.sin(np.arange(len(stamps)) / 30)
    store_series(city, WeatherKind.OBSERVED, WeatherProvider.CSV, stamps[-1], stamps, temps)
    station = plan_city.north.substations.get()
    MeterReading.objects.bulk_create(  # a frozen meter: the same value for two weeks
        MeterReading(substation=station, timestamp=t, heat_kw=3000.0, origin="demo") for t in stamps
    )
    plan = compute_company_plan(plan_city.north, PLAN_DAY, weather_for(PLAN_DAY, -3.0), now=NOW)
    assert PlanSubstation.objects.get(plan=plan).forecast_method == ForecastMethod.DESIGN
    assert any("北一站" in w and "设计法" in w for w in plan.warnings)


def test_a_day_much_colder_than_the_history_uses_the_design_method(plan_city):
    city = City.objects.get()
    start = datetime(2026, 12, 1, tzinfo=LOCAL_TZ)
    stamps = [start + timedelta(hours=h) for h in range(14 * 24)]
    temps = 6 + 2 * np.sin(np.arange(len(stamps)) / 30)  # a mild fortnight, 4–8 °C
    store_series(city, WeatherKind.OBSERVED, WeatherProvider.CSV, stamps[-1], stamps, temps)
    daily = np.repeat(temps.reshape(-1, 24).mean(axis=1), 24)
    station = plan_city.north.substations.get()
    MeterReading.objects.bulk_create(
        MeterReading(substation=station, timestamp=t, heat_kw=q, origin="demo")
        for t, q in zip(stamps, 4500 * (18 - daily) / 22.9, strict=True)
    )
    plan = compute_company_plan(plan_city.north, PLAN_DAY, weather_for(PLAN_DAY, -8.0), now=NOW)
    assert PlanSubstation.objects.get(plan=plan).forecast_method == ForecastMethod.DESIGN
    assert any("低于计量历史" in w for w in plan.warnings)
    mild = compute_company_plan(plan_city.north, PLAN_DAY, weather_for(PLAN_DAY, 3.0), now=NOW)
    assert PlanSubstation.objects.get(plan=mild).forecast_method == ForecastMethod.CHANGE_POINT

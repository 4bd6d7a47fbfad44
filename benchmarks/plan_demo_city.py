"""Benchmark: the daily plan of the whole Heze demo city (issue 7: under 5 s).

    WENNUAN_DATA_DIR=/tmp/wennuan-bench DEBUG=1 .venv/bin/python benchmarks/plan_demo_city.py

Loads the demo city into that data folder's SQLite database if it is not there yet (about a
minute, includes 3 weeks of meter history), then times ``compute_plans`` for all companies
(weather → demand → allocation → set-points → 24 hydraulic solves per company → schedule →
indoor prediction → stored plan version → proactive orders), ``--repeat`` times, and prints the
sizes and the median/min wall time. Nothing is cached between repeats except Python imports.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wennuan.config.settings")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from wennuan.demo.loader import is_loaded
    from wennuan.planning.choices import PlanTrigger
    from wennuan.planning.engine import compute_plans
    from wennuan.planning.models import MeterReading, PlanPipe
    from wennuan.planning.proactive import open_proactive_orders
    from wennuan.planning.weather import choose_forecast
    from wennuan.registry.models import City, Community, HeatingCompany, NetworkPipe, Substation

    call_command("migrate", verbosity=0)
    if not is_loaded():
        started = time.perf_counter()
        call_command("load_demo", verbosity=0)
        print(f"demo loaded in {time.perf_counter() - started:.1f} s")
    day = timezone.localdate()
    city = City.objects.get()
    print(
        f"companies {HeatingCompany.objects.count()}, communities {Community.objects.count()}, "
        f"substations {Substation.objects.count()}, supply pipes {NetworkPipe.objects.count()}, "
        f"meter readings {MeterReading.objects.count()}"
    )
    times = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        weather = choose_forecast(city, day)
        plans = compute_plans(day, weather=weather, trigger=PlanTrigger.COMMAND)
        for plan in plans:  # as the worker does (the engine itself opens no orders)
            open_proactive_orders(plan)
        times.append(time.perf_counter() - started)
    for plan in plans:
        print(
            f"  {plan.company.short_name}: v{plan.version} {plan.compute_seconds:.2f} s, "
            f"at risk {plan.at_risk_count}, flow shortfalls {plan.flow_shortfall_count}, "
            f"lift {plan.inputs['lift_bar']} bar, pipes {PlanPipe.objects.filter(plan=plan).count()}"
        )
    print(
        f"whole city, 24 h with hydraulic checks: median {statistics.median(times):.2f} s, "
        f"min {min(times):.2f} s over {len(times)} runs"
    )
    reference_demand_step(day, city, weather)
    return 0


def reference_demand_step(day, city, weather):
    """Side by side: the change-point forecasts of every substation, vectorised
    (heatphys.forecasting.changepoint_batch, used by the engine) vs one heatphys ChangePointModel per substation."""
    from datetime import timedelta

    import pandas as pd

    from heatphys.forecasting.models import ChangePointModel
    from wennuan.planning.engine import (
        PlanSettings,
        _history_forecasts,
        _meter_rows,
        _observed_weather,
        _weather_frame,
    )
    from wennuan.planning.weather import local_day_start
    from wennuan.registry.models import HeatingCompany, Substation

    cfg = PlanSettings()
    frame = _weather_frame(weather)
    day_weather = frame[frame.index.normalize() == pd.Timestamp(day)][["outdoor_temp_c"]]
    start = local_day_start(day) - timedelta(days=cfg.history_days)
    end = local_day_start(day)
    observed = _observed_weather(city, start, end)
    fast = slow = 0.0
    differences = []
    for company in HeatingCompany.objects.all():
        subs = list(Substation.objects.filter(company=company).order_by("code"))
        started = time.perf_counter()
        vectorised = _history_forecasts(company, subs, frame, day, city, cfg, [])
        fast += time.perf_counter() - started
        started = time.perf_counter()
        rows = _meter_rows([s.id for s in subs], start, end)
        stamps = pd.to_datetime(rows[:, 1], unit="s", utc=True).tz_convert("Asia/Shanghai")
        table = pd.DataFrame(
            {"sub": rows[:, 0].astype(int), "heat_kw": rows[:, 2]},
            index=stamps.tz_localize(None),
        )
        for sub in subs:
            history = table[table["sub"] == sub.id][["heat_kw"]]
            history = history.assign(outdoor_temp_c=observed.reindex(history.index).to_numpy())
            forecast = ChangePointModel().fit(history.dropna()).predict(day_weather).to_numpy()
            if sub.id in vectorised:
                differences.append(abs(forecast.mean() / vectorised[sub.id].mean() - 1))
        slow += time.perf_counter() - started
    if not differences:  # e.g. the day is colder than the history: design method only
        print("demand step: no substation got a change-point forecast on this day")
        return
    print(
        f"demand step (change-point, all substations): vectorised {fast:.2f} s, "
        f"heatphys ChangePointModel per substation {slow:.2f} s ({slow / fast:.0f}x); "
        f"daily mean forecasts differ by at most {100 * max(differences):.2f} % "
        "(hour-of-week vs hour-of-day profile)"
    )


if __name__ == "__main__":
    sys.exit(main())

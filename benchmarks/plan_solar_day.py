"""The sun in the plan (issue 20): the demo city on a sunny mild day, with and without the
solar term (docs/planning.md, "The sun in the plan").

    WENNUAN_DATA_DIR=/tmp/wennuan-bench DEBUG=1 .venv/bin/python benchmarks/plan_solar_day.py

Uses the demo database of ``plan_demo_city.py`` (loads it if missing). The day: today's date,
6 °C ± 3 K (coldest 06:00, warmest 15:00) and a clear December sky at Heze (35.25° N: sun
07–17 local, 420 W/m² global horizontal at noon, 2.7 kWh/m² a day). Computes each company's
day (``engine.plan_day``, nothing stored) with the solar aperture at 0 and at its default,
and prints heat, saving, peak and the rooms.
"""

import os
import sys
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wennuan.config.settings")

MEAN_C, SWING_K, NOON_W_M2 = 6.0, 3.0, 420.0


def day_weather(day):
    from wennuan.planning.choices import WeatherKind, WeatherProvider
    from wennuan.planning.weather import HISTORY_HOURS, LOCAL_TZ, load_series, store_series
    from wennuan.registry.models import City

    start = datetime.combine(day, datetime.min.time(), tzinfo=LOCAL_TZ) - timedelta(
        hours=HISTORY_HOURS
    )
    hours = np.arange(HISTORY_HOURS + 24)
    hour_of_day = hours % 24
    temps = MEAN_C + SWING_K * np.cos(2 * np.pi * (hour_of_day - 15) / 24)
    sun = np.clip(NOON_W_M2 * np.sin(np.pi * (hour_of_day - 7) / 10), 0.0, None)
    series = store_series(
        City.objects.get(),
        WeatherKind.FORECAST,
        WeatherProvider.CSV,
        start,
        [start + timedelta(hours=int(h)) for h in hours],
        temps,
        solar_w_m2=sun,
        note="benchmarks/plan_solar_day.py",
    )
    return load_series(series, day, start + timedelta(hours=HISTORY_HOURS)), sun[-24:]


def main() -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from wennuan.demo.loader import is_loaded
    from wennuan.planning.engine import PlanSettings, plan_day
    from wennuan.registry.models import HeatingCompany

    call_command("migrate", verbosity=0)
    if not is_loaded():
        call_command("load_demo", verbosity=0)
    day = timezone.localdate()
    weather, sun = day_weather(day)
    print(f"{day}: {MEAN_C} ± {SWING_K} °C, global radiation {sun.sum() / 1000:.2f} kWh/m²")
    base = PlanSettings.from_settings()
    totals = {"without": 0.0, "with": 0.0}
    for company in HeatingCompany.objects.order_by("code"):
        cache = {}
        rows = {}
        for label, aperture in (("without", 0.0), ("with", base.solar_aperture_m2_per_m2)):
            cfg = PlanSettings(**{**base.__dict__, "solar_aperture_m2_per_m2": aperture})
            result = plan_day(company, day, weather, cfg=cfg, network_cache=cache)
            heat = result.heat.substation_kw
            rows[label] = result
            totals[label] += heat.sum()
            print(
                f"  {company.short_name} {label:7s} sun: heat {heat.sum() / 1000:7.1f} MWh, "
                f"peak {heat.sum(axis=1).max() / 1000:5.1f} MW, "
                f"noon {heat[12].sum() / 1000:5.1f} MW, "
                f"rooms min {result.indoor.min_indoor_c.min():.2f} °C "
                f"(median of community minima {np.median(result.indoor.min_indoor_c):.2f} °C), "
                f"max {result.indoor.indoor_c.max():.2f} °C, at risk {int(result.indoor.at_risk.sum())}, "
                f"≥ 18 °C all day {int((result.indoor.min_indoor_c >= 18.0).sum())}"
                f"/{result.indoor.min_indoor_c.size}"
            )
        saved = rows["without"].heat.substation_kw.sum() - rows["with"].heat.substation_kw.sum()
        print(
            f"  {company.short_name}: saved {saved:,.0f} kWh "
            f"({100 * saved / rows['without'].heat.substation_kw.sum():.1f} %)"
        )
    saved = totals["without"] - totals["with"]
    print(
        f"city: {totals['without'] / 1000:.1f} → {totals['with'] / 1000:.1f} MWh, "
        f"saved {saved:,.0f} kWh ({100 * saved / totals['without']:.1f} %)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

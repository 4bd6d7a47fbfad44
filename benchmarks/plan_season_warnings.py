"""How often the plan warns (issue 16: warnings rare and true): every day of the demo season
(2026-11-15 → 2027-03-15) for each company, with the climate generator's weather of the day,
``engine.plan_day`` (nothing stored but the weather series). Prints, per company, the number of
plans with a raised pump lift, with a hydraulic warning, with any warning, with a flow
shortfall, and the season's lowest margin; ``--json FILE`` keeps every row.

    WENNUAN_DATA_DIR=/tmp/wennuan-season DEBUG=1 .venv/bin/python benchmarks/plan_season_warnings.py

Loads the demo city into that data folder if it is not there (today's date: meter history up
to today, so the demand is history-based while it is within 28 days, the design method
after). docs/planning.md, "The day's lift: raised only when needed", has the table.
"""

import argparse
import collections
import json
import os
import sys
from datetime import date, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wennuan.config.settings")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--json")
    args = parser.parse_args()
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from wennuan.demo.loader import is_loaded
    from wennuan.planning.engine import plan_day
    from wennuan.planning.weather import climate_forecast, load_series
    from wennuan.registry.models import City, HeatingCompany

    call_command("migrate", verbosity=0)
    if not is_loaded():
        call_command("load_demo", verbosity=0)
    city = City.objects.get()
    companies = list(HeatingCompany.objects.order_by("code"))
    caches = {c.id: {} for c in companies}
    rows = []
    day = date(2026, 11, 15)
    while day <= date(2027, 3, 15):
        weather = load_series(climate_forecast(city, day), day, timezone.now())
        for company in companies:
            result = plan_day(company, day, weather, network_cache=caches[company.id])
            check = result.hydraulics.check
            margin = check.dp_margin_bar
            rows.append(
                {
                    "day": day.isoformat(),
                    "company": company.short_name,
                    "t_mean": round(float(result.demand.t_out.mean()), 2),
                    "design_lift": check.design_lift_bar,
                    "day_lift": check.lift_bar,
                    "raised": check.lift_bar > check.design_lift_bar,
                    "warnings": list(result.warnings),
                    "hydro_warnings": list(result.hydraulics.warnings),
                    "min_margin": float(np.nanmin(margin)) if np.isfinite(margin).any() else None,
                    "shortfalls": int(check.flow_shortfall.sum()),
                }
            )
        day += timedelta(days=1)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, ensure_ascii=False, indent=0))
    totals = collections.defaultdict(collections.Counter)
    lowest = {}
    for row in rows:
        t = totals[row["company"]]
        t["days"] += 1
        t["raised"] += row["raised"]
        t["hydraulic warning"] += bool(row["hydro_warnings"])
        t["any warning"] += bool(row["warnings"])
        t["flow shortfall"] += row["shortfalls"] > 0
        if row["min_margin"] is not None:
            lowest[row["company"]] = min(lowest.get(row["company"], 9e9), row["min_margin"])
    for name, t in totals.items():
        print(name, dict(t), f"lowest margin {lowest.get(name, float('nan')):.2f} bar")
    for row in rows:
        if row["raised"]:
            print("  raised:", row["day"], row["company"], row["t_mean"], row["day_lift"])
    return 0


if __name__ == "__main__":
    sys.exit(main())

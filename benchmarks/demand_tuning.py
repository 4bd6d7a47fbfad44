"""Session 6's choice of day-ahead features, on the training seasons only.

Rolling-origin backtests (refit every 28 days) of day-ahead variants over
``validation.tuning_seasons`` (Niš seasons before 2023/24, Flensburg Oct–Dec 2014); daily
MAPE per season, the Niš mean and Flensburg — the table "What was tried" in
docs/demand-models.md. With ``--forecast-weather`` each day takes the synthetic forecast
issued the evening before, at 18:00 (``weather.synthetic_forecasts``, seed 0; the
same under the old 05:30 and the new 00:00 ``issued_by``) instead of its measurement.

Run: .venv/bin/python benchmarks/demand_tuning.py [--forecast-weather] [VARIANT ...]
(needs ../shared/data). Never point it at the held-out seasons.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from heatphys.forecasting.backtest import rolling_day_ahead  # noqa: E402
from heatphys.forecasting.metrics import daily_ape_percent  # noqa: E402
from heatphys.forecasting.models import DayAheadModel  # noqa: E402
from heatphys.forecasting.validation import (  # noqa: E402
    SESSION_3_FEATURES,
    SESSION_3_LINEAR_FEATURES,
    SESSION_3_OPTIONS,
    tuning_seasons,
)
from heatphys.forecasting.weather import forecast_known_before, synthetic_forecasts  # noqa: E402

S3 = SESSION_3_OPTIONS
OPS = SESSION_3_FEATURES + ("days_in_operation",)
MEM = SESSION_3_LINEAR_FEATURES + ("memory_gap_k",)
VARIANTS = {
    "session3": S3,
    "trees+ops": replace(S3, features=OPS),
    "trees+mem+ops": replace(S3, features=OPS + ("memory_gap_k",)),
    "trees+mem": replace(S3, features=SESSION_3_FEATURES + ("memory_gap_k",)),
    "lin+mem": replace(S3, linear_features=MEM),
    "daily+mem": replace(S3, daily_ratio_extra=("memory_gap_k",)),
    "daily+start": replace(S3, daily_ratio_extra=("season_start",)),
    "lin+mem+daily+mem": replace(S3, linear_features=MEM, daily_ratio_extra=("memory_gap_k",)),
    "ops+daily+mem": replace(S3, features=OPS, daily_ratio_extra=("memory_gap_k",)),
    "ops+lin+mem+daily+mem": replace(
        S3, features=OPS, linear_features=MEM, daily_ratio_extra=("memory_gap_k",)
    ),
    "ops+lin+mem (chosen)": replace(S3, features=OPS, linear_features=MEM),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("variants", nargs="*", default=list(VARIANTS))
    parser.add_argument("--forecast-weather", action="store_true")
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "data"))
    args = parser.parse_args()
    seasons = tuning_seasons(args.data)
    print("variant".ljust(24) + " ".join(s[0][-10:].rjust(11) for s in seasons))
    for name in args.variants:
        options = VARIANTS[name]
        start = time.process_time()
        scores = []
        for _label, history, actual, months, min_hours in seasons:
            known = None
            if args.forecast_weather:
                fc = synthetic_forecasts(actual["outdoor_temp_c"], seed=0)
                known = forecast_known_before(fc, actual.index)
            pred = rolling_day_ahead(
                history, actual, lambda o=options: DayAheadModel(o), forecast_weather=known
            ).reindex(actual.index)
            scored = actual.index.month.isin(months)
            scores.append(
                daily_ape_percent(actual["heat_kw"][scored], pred[scored], min_hours).mean()
            )
        print(
            name.ljust(24)
            + " ".join(f"{v:11.2f}" for v in scores)
            + f" | Niš mean {np.mean(scores[:-1]):.2f}, Flensburg {scores[-1]:.2f}"
            + f" ({time.process_time() - start:.0f} s CPU)",
            flush=True,
        )


if __name__ == "__main__":
    main()

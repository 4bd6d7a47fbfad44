"""Weather forecasts as issued: issue time, lead time, and what was known before a day.

A forecast table has one row per (``issued_at``, ``timestamp``): the forecast issued at
``issued_at`` for the hour starting at ``timestamp`` (both local clock time, no time zone),
``lead_h`` = timestamp − issued_at in hours, and the forecast ``outdoor_temp_c`` [°C]
(optional ``wind_speed_m_s``, ``solar_w_m2``). Observations stay in their own tables; a
backtest that plans day D uses :func:`forecast_known_before`: for every hour of D the latest
forecast issued no later than ``issued_by`` on D (default 00:00: issued before the day, as
issue 20's contract says; 05:30, when the dispatch centre fixes the day's plan, also admits a
same-morning issue). With one issue a day at, say, 18:00, that is the previous evening's
forecast (lead 6–30 h) either way.

:func:`synthetic_forecasts` makes forecasts from measurements where a data set has none:
the measured temperature plus an error of a stated size (see its docstring).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .io import DemandDataError, _read_csv, parse_iso_timestamps

FORECAST_COLUMNS = ("issued_at", "outdoor_temp_c")
ISSUED_BY = pd.Timedelta(0)
"""Default latest issue time on the day planned: 00:00, i.e. forecasts issued before the
day (issue 20's contract). ``pd.Timedelta(hours=5, minutes=30)`` admits a same-morning issue
known at the dispatch centre's plan time."""


def tidy_forecasts(frame: pd.DataFrame, source: str = "forecasts") -> pd.DataFrame:
    """Check a forecast table (``timestamp``, ``issued_at``, ``outdoor_temp_c``, optional
    weather columns) and add ``lead_h``.

    Returns a frame with columns ``timestamp``, ``issued_at``, ``lead_h`` and the weather
    columns, sorted by issue time then timestamp; duplicate (issue, timestamp) rows are
    averaged. Raises :class:`DemandDataError` with a message fit for a user.
    """
    data = frame.copy()
    missing = [c for c in ("timestamp", *FORECAST_COLUMNS) if c not in data.columns]
    if missing:
        raise DemandDataError(
            f"{source}: missing column(s) {', '.join(missing)}; expected "
            "timestamp,issued_at,outdoor_temp_c"
        )
    for column in ("timestamp", "issued_at"):
        stamps = parse_iso_timestamps(data[column], source, column)
        if stamps.isna().any():
            raise DemandDataError(f"{source}: empty {column} in row {int(stamps.isna().idxmax())}")
        if getattr(stamps.dt, "tz", None) is not None:
            stamps = stamps.dt.tz_localize(None)
        data[column] = stamps
    weather = ["outdoor_temp_c"] + [
        c for c in ("wind_speed_m_s", "solar_w_m2") if c in data.columns
    ]
    for column in weather:
        values = pd.to_numeric(data[column], errors="coerce")
        bad = values.isna() & data[column].notna()
        if bad.any():
            raise DemandDataError(
                f"{source}: non-numeric {column} {data[column][bad].iloc[0]!r} "
                f"at {data['timestamp'][bad].iloc[0]}"
            )
        data[column] = values.astype(float)
    if data["outdoor_temp_c"].isna().all():
        raise DemandDataError(f"{source}: no outdoor_temp_c values")
    data["timestamp"] = data["timestamp"].dt.floor("h")
    data = data.groupby(["issued_at", "timestamp"], as_index=False)[weather].mean()
    data["lead_h"] = (data["timestamp"] - data["issued_at"]) / pd.Timedelta(hours=1)
    return data[["timestamp", "issued_at", "lead_h", *weather]].reset_index(drop=True)


def read_forecast_weather_csv(path: str | Path) -> pd.DataFrame:
    """Read ``timestamp,issued_at,outdoor_temp_c`` (one row per issue and hour)."""
    return tidy_forecasts(_read_csv(path), source=str(path))


def forecast_known_before(
    forecasts: pd.DataFrame, days, issued_by: pd.Timedelta = ISSUED_BY
) -> pd.DataFrame:
    """The hourly forecast a planner had for each of ``days`` at ``issued_by`` on that day.

    For every hour of day D: the forecast of the latest issue with ``issued_at`` ≤ D +
    ``issued_by`` that covers that hour. Hours no such issue covers are absent from the
    result (the caller decides what to do with them).

    Returns a frame indexed by ``timestamp`` with the weather columns and ``issued_at``,
    ``lead_h`` of the forecast used.
    """
    days = pd.DatetimeIndex(days).floor("D").unique()
    fc = forecasts.copy()
    fc["day"] = fc["timestamp"].dt.floor("D")
    fc = fc[fc["day"].isin(days) & (fc["issued_at"] <= fc["day"] + issued_by)]
    fc = fc.sort_values(["timestamp", "issued_at"]).drop_duplicates("timestamp", keep="last")
    out = fc.drop(columns="day").set_index("timestamp").sort_index()
    out.index.name = "timestamp"
    return out


def forecasts_from_series(
    forecast_temp_c: pd.Series, issue_hour: float = 18.0, days_ahead: int = 1
) -> pd.DataFrame:
    """A forecast table from an hourly series known only as "the forecast for hour t": each
    day's hours are taken as issued ``days_ahead`` days before at ``issue_hour`` o'clock.

    For data sets whose forecast column has no issue time (the Niš 2024/25 files); the
    assumed issue time is the caller's statement, not information from the data.
    """
    s = forecast_temp_c.dropna()
    day = s.index.floor("D")
    issued = day - pd.Timedelta(days=days_ahead) + pd.Timedelta(hours=issue_hour)
    return tidy_forecasts(
        pd.DataFrame({"timestamp": s.index, "issued_at": issued, "outdoor_temp_c": s.to_numpy()})
    )


# Day-ahead 2 m temperature forecast errors of operational NWP in winter, Europe.
# Hourly (point) errors: RMSE ≈ 1.5–2 K at lead 24–48 h (ECMWF's verification against SYNOP
# stations; Haiden et al. 2023, ECMWF Tech. Memo. 911); a post-processed local forecast
# verified over a winter, MAE 1.03 K at day 1 (≈ 1.3 K RMSE; MetGIS, Schmittenhöhe
# 2011/12). A large part of the hourly error is the diurnal cycle (the models' nights too
# warm, days too cold: ECMWF's "Known IFS forecasting issues"), which cancels in a day's
# mean; Federico (2011, NHESS 11, 487) finds day-1 errors of the daily *mean* temperature
# about as large as those of the minimum and smaller than the maximum's. Daily load follows
# the daily mean, so the daily-mean error is set on its own: RMSE 1.0 K (MAE ≈ 0.8 K), the
# rest of the hourly error (to 1.6 K RMSE) varies within the day and averages out.
# Consecutive days' errors are mildly correlated (a misforecast weather regime lasts).
SYNTHETIC_RMSE_K = 1.6
SYNTHETIC_DAILY_MEAN_RMSE_K = 1.0
SYNTHETIC_HOURLY_CORRELATION = 0.8
SYNTHETIC_DAY_TO_DAY_CORRELATION = 0.3


def synthetic_forecasts(
    measured_temp_c: pd.Series,
    rmse_k: float = SYNTHETIC_RMSE_K,
    hourly_correlation: float = SYNTHETIC_HOURLY_CORRELATION,
    issue_hour: float = 18.0,
    seed: int = 0,
    daily_mean_rmse_k: float | None = SYNTHETIC_DAILY_MEAN_RMSE_K,
    day_to_day_correlation: float = SYNTHETIC_DAY_TO_DAY_CORRELATION,
) -> pd.DataFrame:
    """Forecasts issued the evening before (``issue_hour``) for each day of a measured
    hourly temperature series: measured + an error of hourly RMSE ``rmse_k`` [K].

    With ``daily_mean_rmse_k`` = σ_d (default) the error of hour t of day D is
    ``e_t = d_D + u_t``: the day's mean error d_D is a stationary AR(1) over days
    (correlation ``day_to_day_correlation``, standard deviation σ_d), and u_t an AR(1) in
    hours (correlation ``hourly_correlation``, restarted at each issue) with its day's mean
    removed, scaled so that the hourly RMSE is ``rmse_k`` — an error that persists for hours
    (a front early or late) but whose daily mean is exactly d_D. The daily mean is what
    drives a day's heat, so its size is the parameter that matters (module constants: where
    the defaults come from). ``daily_mean_rmse_k=None`` gives the previous form: one AR(1)
    in hours of RMSE ``rmse_k``, restarted at each issue, whose daily mean keeps ≈ 0.8 of
    it at a correlation of 0.95. Seeded, so a backtest is reproducible.
    """
    rng = np.random.default_rng(seed)
    s = measured_temp_c.astype(float).interpolate(limit_area="inside").dropna()
    day = s.index.floor("D")
    codes, uniques = pd.factorize(day)
    phi = float(hourly_correlation)
    noise = rng.standard_normal(len(s))
    starts = np.r_[True, codes[1:] != codes[:-1]]
    hourly = np.empty(len(s))
    unit_scale = np.sqrt(1.0 - phi**2)
    for i in range(len(s)):
        hourly[i] = noise[i] if starts[i] else phi * hourly[i - 1] + unit_scale * noise[i]
    if daily_mean_rmse_k is None:
        err = rmse_k * hourly
    else:
        sigma_d = float(daily_mean_rmse_k)
        if not 0 <= sigma_d <= rmse_k:
            raise ValueError("daily_mean_rmse_k must lie between 0 and rmse_k")
        counts = np.bincount(codes)
        within = hourly - (np.bincount(codes, hourly) / counts)[codes]
        spread = np.sqrt(np.mean(within**2)) if len(within) else 1.0
        within_k = np.sqrt(rmse_k**2 - sigma_d**2)
        rho = float(day_to_day_correlation)
        day_noise = rng.standard_normal(len(uniques))
        daily = np.empty(len(uniques))
        for j in range(len(uniques)):
            daily[j] = (
                day_noise[j] if j == 0 else rho * daily[j - 1] + np.sqrt(1 - rho**2) * day_noise[j]
            )
        err = sigma_d * daily[codes] + within_k * within / (spread if spread > 0 else 1.0)
    issued = day - pd.Timedelta(days=1) + pd.Timedelta(hours=issue_hour)
    return tidy_forecasts(
        pd.DataFrame(
            {"timestamp": s.index, "issued_at": issued, "outdoor_temp_c": s.to_numpy() + err}
        )
    )


def debias_forecast(
    known: pd.DataFrame, measured_temp_c: pd.Series, window_days: int = 7
) -> pd.DataFrame:
    """Day D's forecast less the mean error of the forecasts of the ``window_days`` days
    before D (forecast − measured, daily means; days with both), a local bias correction
    as model output statistics do (Glahn & Lowry 1972). Only days before D enter, so it is
    what a planner could compute at the plan time. Corrects a steady offset between the
    forecast's temperature and the substation's own sensor (e.g. an airport forecast for a
    sensor on a sunny wall); on unbiased forecasts it adds a little noise (the window's
    mean error, ≈ σ_daily/√window).

    ``known`` as :func:`forecast_known_before` returns; the result has the same rows with
    ``outdoor_temp_c`` corrected and ``bias_k`` (the correction subtracted; 0 until a day
    with both forecast and measurement is known).
    """
    fc = known["outdoor_temp_c"]
    err = (fc - measured_temp_c.reindex(fc.index)).groupby(fc.index.floor("D")).mean()
    err = err.asfreq("D")
    # mean of the window's days before D (shift: D's own error is not known at its plan)
    bias = err.shift(1).rolling(window_days, min_periods=1).mean().fillna(0.0)
    out = known.copy()
    out["bias_k"] = bias.reindex(fc.index.floor("D")).fillna(0.0).to_numpy()
    out["outdoor_temp_c"] = fc - out["bias_k"]
    return out

"""Forecast error measures.

References
----------
.. [1] ASHRAE Guideline 14-2014, Measurement of Energy, Demand, and Water Savings, §4.3.2.4
   (CV(RMSE) and NMBE with n − p degrees of freedom).
.. [2] Politis, D. N., Romano, J. P. (1992). A circular block-resampling procedure for
   stationary data. In: Exploring the Limits of Bootstrap, Wiley, 263–270.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def _pair(actual, predicted) -> tuple[np.ndarray, np.ndarray]:
    if isinstance(actual, pd.Series) and isinstance(predicted, pd.Series):
        predicted = predicted.reindex(actual.index)
    y = np.asarray(actual, dtype=float)
    f = np.asarray(predicted, dtype=float)
    ok = np.isfinite(y) & np.isfinite(f)
    return y[ok], f[ok]


def cv_rmse_percent(actual, predicted, n_parameters: int = 1) -> float:
    """Coefficient of variation of the RMSE [%] (ASHRAE Guideline 14 [1]_).

    .. math:: CV(RMSE) = 100 \\frac{\\sqrt{\\sum (y_i - \\hat y_i)^2 / (n - p)}}{\\bar y}

    Pairs with a missing value on either side are left out.
    """
    y, f = _pair(actual, predicted)
    return float(100.0 * np.sqrt(np.sum((y - f) ** 2) / (len(y) - n_parameters)) / y.mean())


def nmbe_percent(actual, predicted, n_parameters: int = 1) -> float:
    """Normalised mean bias error [%] (ASHRAE Guideline 14 [1]_); positive = under-forecast.

    .. math:: NMBE = 100 \\frac{\\sum (y_i - \\hat y_i)}{(n - p)\\, \\bar y}
    """
    y, f = _pair(actual, predicted)
    return float(100.0 * np.sum(y - f) / ((len(y) - n_parameters) * y.mean()))


def mape_percent(actual, predicted) -> float:
    """Mean absolute percentage error [%]; pairs with a zero or missing actual are left out."""
    y, f = _pair(actual, predicted)
    ok = y != 0
    return float(100.0 * np.mean(np.abs((y[ok] - f[ok]) / y[ok])))


def daily_energy(heat_kw: pd.Series, min_hours: int = 24) -> pd.Series:
    """Daily energy [kWh] of an hourly load [kW]; days with fewer measured hours are NaN."""
    grouped = heat_kw.groupby(heat_kw.index.floor("D"))
    energy = grouped.sum(min_count=1)
    return energy.where(grouped.count() >= min_hours)


def score(actual_kw: pd.Series, predicted_kw: pd.Series, min_hours: int = 24) -> dict:
    """Daily MAPE, hourly CV(RMSE) and hourly NMBE [%] on the hours both series have.

    A day enters the daily MAPE only if it has ``min_hours`` hours with both values, so that a
    gap never shows up as a forecast error.
    """
    predicted_kw = predicted_kw.reindex(actual_kw.index)
    both = actual_kw.notna() & predicted_kw.notna()
    a, p = actual_kw.where(both), predicted_kw.where(both)
    return {
        "daily_mape_pct": mape_percent(daily_energy(a, min_hours), daily_energy(p, min_hours)),
        "hourly_cv_rmse_pct": cv_rmse_percent(a, p),
        "hourly_nmbe_pct": nmbe_percent(a, p),
        "hours": int(both.sum()),
    }


def daily_ape_percent(
    actual_kw: pd.Series, predicted_kw: pd.Series, min_hours: int = 24
) -> pd.Series:
    """Absolute percentage error [%] of each day's energy, on the days :func:`score` counts
    in its daily MAPE (so ``daily_ape_percent(...).mean()`` is that MAPE)."""
    predicted_kw = predicted_kw.reindex(actual_kw.index)
    both = actual_kw.notna() & predicted_kw.notna()
    measured = daily_energy(actual_kw.where(both), min_hours)
    forecast = daily_energy(predicted_kw.where(both), min_hours)
    ok = measured.notna() & forecast.notna() & (measured != 0)
    return (100.0 * (forecast[ok] - measured[ok]).abs() / measured[ok]).rename("ape_pct")


def block_bootstrap_interval(
    daily_values,
    level: float = 0.9,
    block_days: int = 7,
    n_resamples: int = 4000,
    seed: int = 0,
) -> tuple[float, float]:
    """Confidence interval of the mean of a daily series by the circular block bootstrap [2]_.

    Daily forecast errors are autocorrelated (a cold spell or a changed operating schedule
    spoils several days in a row), so days are resampled in runs of ``block_days``
    consecutive values rather than one by one; the runs wrap around the end of the series,
    so that every day is drawn equally often (plain moving blocks under-draw the first and
    last days of a season — on the Niš substations the mild days with the largest errors).
    The interval is the percentile interval of the resampled means at ``level``. Used to judge whether two models' daily MAPE on one
    season differ by more than the season's own noise (pass the per-day difference of their
    errors for a paired comparison).
    """
    values = np.asarray(daily_values, dtype=float)
    values = values[np.isfinite(values)]
    n = len(values)
    if n == 0:
        raise ValueError("no values to resample")
    block = max(1, min(int(block_days), n))
    n_blocks = -(-n // block)
    rng = np.random.default_rng(seed)
    starts = rng.integers(0, n, size=(n_resamples, n_blocks))
    rows = ((starts[:, :, None] + np.arange(block)) % n).reshape(n_resamples, -1)[:, :n]
    means = values[rows].mean(axis=1)
    tail = (1.0 - level) / 2.0
    low, high = np.quantile(means, [tail, 1.0 - tail])
    return float(low), float(high)

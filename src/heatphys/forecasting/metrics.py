"""Forecast error measures.

References
----------
.. [1] ASHRAE Guideline 14-2014, Measurement of Energy, Demand, and Water Savings, §4.3.2.4
   (CV(RMSE) and NMBE with n − p degrees of freedom).
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

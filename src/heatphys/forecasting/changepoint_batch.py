"""Change-point (CalTRACK-style) demand forecasts for many substations at once (the planning
engine's demand step; moved out of the Django layer, issue 14).

The method is exactly that of ``heatphys.forecasting.models.ChangePointModel`` (daily mean load
against daily mean outdoor temperature, balance point searched on the same grid, heating term
kept only if its slope is positive with t > 1.645, least squared error wins) with an
hour-of-day profile (median ratio to the daily mean, robust to meter spikes); it is vectorised
over substations here because fitting 160 separate pandas models took ~8 s, beyond the plan's
5 s budget. ``tests/heatphys/forecasting/test_changepoint_batch.py`` checks it against
``ChangePointModel`` substation by substation.
"""

import warnings

import numpy as np

from .models import ChangePointOptions

MIN_HOURS_PER_DAY = ChangePointOptions().min_hours_per_day
BALANCE_POINTS_C = np.array(ChangePointOptions().balance_points_c)
MIN_SLOPE_T = ChangePointOptions().min_slope_t


def fit_change_point(heat_kw: np.ndarray, temp_c: np.ndarray, min_days: int = 3) -> dict:
    """Fit every column of ``heat_kw`` (days × 24 hours × substations, NaN = missing) against
    ``temp_c`` (days × 24). Returns arrays per substation: ``ok`` (enough days),
    ``intercept_kw``, ``slope_kw_per_k``, ``balance_point_c`` (NaN = intercept only) and the
    hour-of-day ``shape`` (24 × S, mean 1) of heating days."""
    n_days, _hours, n_sub = heat_kw.shape
    measured = np.isfinite(heat_kw)
    counts = measured.sum(axis=1)  # days × S
    with np.errstate(invalid="ignore", divide="ignore"):
        daily_heat = np.nansum(heat_kw, axis=1) / counts
    with warnings.catch_warnings():  # days without observed weather give NaN, on purpose
        warnings.simplefilter("ignore", RuntimeWarning)
        daily_temp = np.nanmean(temp_c, axis=1)  # days
    use = (counts >= MIN_HOURS_PER_DAY) & np.isfinite(daily_temp)[:, None]  # days × S
    n = use.sum(axis=0).astype(float)
    y = np.where(use, daily_heat, 0.0)
    mean_y = y.sum(axis=0) / np.maximum(n, 1)
    best_sse = np.where(use, (daily_heat - mean_y) ** 2, 0.0).sum(axis=0)
    best_tb = np.full(n_sub, np.nan)
    best_b0 = mean_y.copy()
    best_b1 = np.zeros(n_sub)
    for tb in BALANCE_POINTS_C:
        with np.errstate(invalid="ignore"):
            hdd = np.where(use, np.maximum(tb - daily_temp, 0.0)[:, None], 0.0)  # days × S
        nonzero = (hdd > 0).sum(axis=0)
        sx, sy = hdd.sum(axis=0), y.sum(axis=0)
        sxx, sxy = (hdd * hdd).sum(axis=0), (hdd * y).sum(axis=0)
        det = n * sxx - sx * sx
        with np.errstate(invalid="ignore", divide="ignore"):
            b1 = (n * sxy - sx * sy) / det
            b0 = (sy - b1 * sx) / n
            resid = np.where(use, y - b0 - b1 * hdd, 0.0)
            sse = (resid**2).sum(axis=0)
            dof = np.maximum(n - 2, 1)
            var_b1 = n / det * sse / dof  # [(XᵀX)⁻¹]₁₁ = n/det
            t_stat = np.where(var_b1 > 0, b1 / np.sqrt(var_b1), np.inf)
        better = (nonzero >= 3) & (det > 0) & (b1 > 0) & (t_stat > MIN_SLOPE_T) & (sse < best_sse)
        best_sse = np.where(better, sse, best_sse)
        best_tb = np.where(better, tb, best_tb)
        best_b0 = np.where(better, b0, best_b0)
        best_b1 = np.where(better, b1, best_b1)
    # Hour-of-day profile of heating days (hours with < 3 samples stay flat).
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = heat_kw / daily_heat[:, None, :]
    heating_day = np.isfinite(best_tb)[None, :] & (daily_temp[:, None] < best_tb[None, :])
    ok_ratio = np.isfinite(ratio) & (daily_heat[:, None, :] > 0) & use[:, None, :]
    heat_days = ok_ratio & heating_day[:, None, :]
    samples = heat_days.sum(axis=0)  # 24 × S
    # Median rather than heatphys' mean: SCADA spikes (×2–4 for an hour) would otherwise put a
    # peak into the profile that every forecast day repeats.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN hours: handled below
        overall = np.nanmedian(np.where(ok_ratio, ratio, np.nan), axis=0)
        heating_median = np.nanmedian(np.where(heat_days, ratio, np.nan), axis=0)
    overall = np.where(np.isfinite(overall), overall, 1.0)
    shape = np.where(samples >= 3, heating_median, overall)
    shape = shape / shape.mean(axis=0, keepdims=True)
    return {
        "ok": n >= min_days,
        "intercept_kw": best_b0,
        "slope_kw_per_k": best_b1,
        "balance_point_c": best_tb,
        "shape": shape,
    }


def predict_day(fit: dict, day_temp_c: np.ndarray) -> np.ndarray:
    """24 × S hourly load [kW] for one day's 24 outdoor temperatures."""
    mean_t = float(np.mean(day_temp_c))
    hdd = np.where(
        np.isfinite(fit["balance_point_c"]), np.maximum(fit["balance_point_c"] - mean_t, 0), 0
    )
    daily = fit["intercept_kw"] + fit["slope_kw_per_k"] * hdd
    return np.maximum(daily[None, :] * fit["shape"], 0.0)

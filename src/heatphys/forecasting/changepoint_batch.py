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


PERSISTENCE_OFFSET = 0.3
"""``c`` of the log ratio, in units of a substation's mean load (as ``DayAheadOptions``'
``daily_ratio_offset``): keeps near-zero mild-day loads finite."""
PERSISTENCE_CLIP = 0.4
"""The forecast log ratio is clipped to ±this (a factor 0.67–1.49), as the day-ahead model's."""
MIN_PERSISTENCE_ROWS = 14
"""Fewer (yesterday, today) pairs over the fleet than this: no persistence."""


def fit_persistence(fit: dict, heat_kw: np.ndarray, temp_c: np.ndarray) -> dict:
    r"""The daily persistence stage of the day-ahead model, vectorised over substations.

    Each history day's log ratio of measured to change-point load,
    :math:`r_{d,s} = \log\frac{\bar Q_{d,s}/m_s + c}{\max(\hat Q^{CP}_{d,s}, 0)/m_s + c}`
    (:math:`m_s` the substation's mean load, c = :data:`PERSISTENCE_OFFSET`), and one
    least-squares model pooled over every substation,
    :math:`r_{d} = a + b\,r_{d-1} + g\,\bar r_{d-7..d-1}`: yesterday's weather-normalised
    error carries into today multiplicatively (a longer or shorter operating schedule, a
    building that stayed cold), which the change-point model alone does not know.
    ``heat_kw`` days × 24 × S and ``temp_c`` days × 24 as for :func:`fit_change_point`,
    whose result ``fit`` is. Pooled because 28 days of one substation are too few for three
    coefficients; in units of each substation's mean load, so substations of any size mix.

    Returns ``coef`` (a, b, g), ``last_log_ratio`` and ``week_log_ratio`` (S,: the history's
    last complete day — the day before it where the last is incomplete, as when tomorrow
    is planned in the afternoon — and the mean of the 7 days up to it, NaN where unknown)
    and ``mean_kw`` (S,).
    """
    measured = np.isfinite(heat_kw)
    counts = measured.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        daily_heat = np.where(
            counts >= MIN_HOURS_PER_DAY, np.nansum(heat_kw, axis=1) / counts, np.nan
        )
        daily_temp = np.nanmean(temp_c, axis=1)
        mean_kw = np.nanmean(daily_heat, axis=0)
    hdd = np.where(
        np.isfinite(fit["balance_point_c"])[None, :],
        np.maximum(fit["balance_point_c"][None, :] - daily_temp[:, None], 0.0),
        0.0,
    )
    daily_cp = fit["intercept_kw"][None, :] + fit["slope_kw_per_k"][None, :] * hdd
    scale = np.where(np.isfinite(mean_kw) & (mean_kw > 0), mean_kw, np.nan)
    c = PERSISTENCE_OFFSET
    with np.errstate(invalid="ignore", divide="ignore"):
        log_ratio = np.log(
            (np.maximum(daily_heat, 0) / scale + c) / (np.maximum(daily_cp, 0) / scale + c)
        )
    n_days = log_ratio.shape[0]
    week = np.full_like(log_ratio, np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for d in range(n_days):
            window = log_ratio[max(0, d - 6) : d + 1]
            enough = np.isfinite(window).sum(axis=0) >= 3
            week[d] = np.where(enough, np.nanmean(window, axis=0), np.nan)
    # rows: day d (target) from day d − 1 (yesterday, week up to yesterday)
    y = log_ratio[1:].ravel()
    x1 = log_ratio[:-1].ravel()
    x2 = week[:-1].ravel()
    ok = np.isfinite(y) & np.isfinite(x1) & np.isfinite(x2)
    coef = np.zeros(3)
    if ok.sum() >= MIN_PERSISTENCE_ROWS:
        design = np.column_stack([np.ones(ok.sum()), x1[ok], x2[ok]])
        coef = np.linalg.lstsq(design, y[ok], rcond=None)[0]
    # The plan for tomorrow is made before today ends: today is then incomplete (NaN) and
    # the day before carries the persistence.
    last = np.where(
        np.isfinite(log_ratio[-1]), log_ratio[-1], log_ratio[-2] if n_days > 1 else np.nan
    )
    last_week = np.where(np.isfinite(log_ratio[-1]), week[-1], week[-2] if n_days > 1 else np.nan)
    return {"coef": coef, "last_log_ratio": last, "week_log_ratio": last_week, "mean_kw": scale}


PERSISTENCE_WEIGHT = 0.75
"""Weight of the persistence stage's daily mean in the engine's forecast. Chosen by a
rolling backtest on the training seasons only, with the engine's 28-day history (Niš
seasons before 2023/24 and Flensburg Oct–Dec 2014; docs/demand-models.md): weights 0 / 0.5 /
0.75 / 1 gave a Niš mean daily MAPE of 12.8 / 12.3 / 12.2 / 12.3 % and Flensburg 8.1 / 5.9 /
5.2 / 4.9 %."""


def predict_day_with_persistence(
    fit: dict, persistence: dict, day_temp_c: np.ndarray, weight: float = PERSISTENCE_WEIGHT
) -> np.ndarray:
    """24 × S hourly load [kW] for the day after the history: the change-point forecast
    (:func:`predict_day`) with its daily mean moved towards the persistence stage's
    (:func:`fit_persistence`), ``weight`` 0 = change-point alone. A substation whose last
    history day is unknown keeps the change-point forecast."""
    base = predict_day(fit, day_temp_c)
    daily_cp = base.mean(axis=0)
    a, b, g = persistence["coef"]
    log_ratio = np.clip(
        a + b * persistence["last_log_ratio"] + g * persistence["week_log_ratio"],
        -PERSISTENCE_CLIP,
        PERSISTENCE_CLIP,
    )
    scale = persistence["mean_kw"]
    c = PERSISTENCE_OFFSET
    with np.errstate(invalid="ignore"):
        ratio_day_kw = np.maximum(((daily_cp / scale + c) * np.exp(log_ratio) - c) * scale, 0.0)
    target_kw = weight * ratio_day_kw + (1 - weight) * daily_cp
    usable = np.isfinite(target_kw)
    with np.errstate(invalid="ignore", divide="ignore"):
        factor = np.where(daily_cp > 0, target_kw / daily_cp, 1.0)
    factor = np.where(usable, factor, 1.0)
    flat = np.where(usable & (daily_cp <= 0), target_kw, 0.0)
    return np.maximum(base * factor[None, :] + flat[None, :], 0.0)

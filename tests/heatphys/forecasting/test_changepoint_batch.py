"""The vectorised change-point fit agrees with heatphys' ChangePointModel."""

import numpy as np
import pandas as pd
import pytest

from heatphys.forecasting.changepoint_batch import (
    fit_change_point,
    fit_persistence,
    predict_day,
    predict_day_with_persistence,
)
from heatphys.forecasting.models import ChangePointModel


def test_vectorised_fit_matches_heatphys_change_point_model_per_substation():
    rng = np.random.default_rng(7)
    days, n_sub = 21, 4
    index = pd.date_range("2026-11-15", periods=days * 24, freq="h")
    temp = 8 + 9 * np.sin(np.arange(days * 24) / 40) + rng.normal(0, 1, days * 24)
    balance = np.array([14.0, 16.0, 12.0, 15.0])
    slope = np.array([80.0, 40.0, 120.0, 60.0])
    day_temp = pd.Series(temp, index=index).groupby(index.floor("D")).transform("mean").to_numpy()
    heat = 200 + slope * np.maximum(balance - day_temp[:, None], 0)
    heat = heat * rng.normal(1, 0.03, heat.shape)
    heat[30:40, 1] = np.nan  # an outage
    fit = fit_change_point(heat.reshape(days, 24, n_sub), temp.reshape(days, 24))
    for j in range(n_sub):
        frame = pd.DataFrame({"outdoor_temp_c": temp, "heat_kw": heat[:, j]}, index=index)
        model = ChangePointModel().fit(frame.dropna())
        assert fit["balance_point_c"][j] == model.balance_point_c_
        assert fit["slope_kw_per_k"][j] == pytest.approx(model.slope_kw_per_k_, rel=1e-9)
        assert fit["intercept_kw"][j] == pytest.approx(model.intercept_kw_, rel=1e-9)
    forecast = predict_day(fit, np.full(24, -3.0))
    assert forecast.shape == (24, n_sub)
    expected_daily = fit["intercept_kw"] + fit["slope_kw_per_k"] * (fit["balance_point_c"] + 3.0)
    assert forecast.mean(axis=0) == pytest.approx(expected_daily, rel=1e-9)


def test_too_little_history_is_not_ok():
    heat = np.full((5, 24, 1), np.nan)
    heat[:2] = 100.0
    fit = fit_change_point(heat, np.zeros((5, 24)), min_days=3)
    assert not fit["ok"][0]


def test_a_meter_spike_does_not_shape_the_forecast():
    days = 10
    heat = np.full((days, 24, 1), 1000.0)
    heat[3, 7, 0] = 4000.0  # one spike at 07:00
    temp = np.tile(np.linspace(-2, 6, days)[:, None], (1, 24))
    heat = heat * (1 + 0.05 * (6 - temp[:, :, None]))  # weather-dependent daily level
    fit = fit_change_point(heat, temp)
    assert fit["shape"][:, 0] == pytest.approx(np.ones(24), abs=0.01)


def _drifting_fleet(days=28, n_sub=3, seed=3):
    """Degree-day load times a slowly wandering operating factor (AR(1) over days) that
    only yesterday's load reveals."""
    rng = np.random.default_rng(seed)
    temp = np.tile((4 + 5 * np.sin(np.arange(days + 1) / 4))[:, None], (1, 24))
    temp = temp + rng.normal(0, 0.5, temp.shape)
    drift = np.zeros((days + 1, n_sub))
    for d in range(1, days + 1):
        drift[d] = 0.85 * drift[d - 1] + rng.normal(0, 0.08, n_sub)
    size = np.array([100.0, 400.0, 1500.0])[:n_sub]
    daily = size * (1 + 0.08 * np.maximum(16 - temp.mean(axis=1)[:, None], 0)) * np.exp(drift)
    heat = np.repeat(daily[:, None, :], 24, axis=1) * rng.normal(1, 0.01, (days + 1, 24, n_sub))
    return heat, temp


def test_persistence_carries_yesterdays_error_into_tomorrow():
    heat, temp = _drifting_fleet()
    history, tomorrow = heat[:-1], heat[-1]
    fit = fit_change_point(history, temp[:-1])
    persistence = fit_persistence(fit, history, temp[:-1])
    assert persistence["coef"][1] + persistence["coef"][2] > 0.3  # errors persist
    plain = predict_day(fit, temp[-1]).mean(axis=0)
    moved = predict_day_with_persistence(fit, persistence, temp[-1]).mean(axis=0)
    actual = tomorrow.mean(axis=0)
    # Closer to tomorrow's load on average over the fleet, in relative terms.
    assert np.mean(np.abs(moved / actual - 1)) < np.mean(np.abs(plain / actual - 1))
    # Weight 0 is the change-point forecast to the digit.
    same = predict_day_with_persistence(fit, persistence, temp[-1], weight=0.0)
    assert np.array_equal(same, predict_day(fit, temp[-1]))


def test_persistence_uses_the_day_before_when_today_is_incomplete():
    heat, temp = _drifting_fleet()
    history = heat[:-1].copy()
    fit = fit_change_point(history, temp[:-1])
    complete = fit_persistence(fit, history[:-1], temp[:-2])
    history[-1, 17:] = np.nan  # tomorrow planned at 17:00: today's evening not yet measured
    partial = fit_persistence(fit, history, temp[:-1])
    assert np.allclose(partial["last_log_ratio"], complete["last_log_ratio"])


def test_a_substation_without_yesterday_keeps_the_change_point_forecast():
    heat, temp = _drifting_fleet()
    history = heat[:-1].copy()
    history[-3:, :, 1] = np.nan  # meter of substation 1 silent for three days
    fit = fit_change_point(history, temp[:-1])
    persistence = fit_persistence(fit, history, temp[:-1])
    moved = predict_day_with_persistence(fit, persistence, temp[-1])
    plain = predict_day(fit, temp[-1])
    assert np.array_equal(moved[:, 1], plain[:, 1])
    assert np.all(np.isfinite(moved))

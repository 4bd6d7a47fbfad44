"""The vectorised change-point fit agrees with heatphys' ChangePointModel."""

import numpy as np
import pandas as pd
import pytest

from heatphys.forecasting.changepoint_batch import fit_change_point, predict_day
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

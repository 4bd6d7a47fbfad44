"""Daily errors and the block-bootstrap interval used to judge a season's noise."""

import numpy as np
import pandas as pd
import pytest

from heatphys.forecasting.metrics import block_bootstrap_interval, daily_ape_percent, score


def test_daily_ape_is_the_days_score_counts():
    index = pd.date_range("2024-01-01", periods=24 * 4, freq="h")
    measured = pd.Series(100.0, index=index)
    measured.iloc[30] = np.nan  # day 2 has 23 hours: out at min_hours=24, in at 20
    measured.iloc[72:96] = 0.0  # day 4 has no energy: no percentage error
    forecast = pd.Series(110.0, index=index)
    forecast.iloc[:24] = 95.0
    ape = daily_ape_percent(measured, forecast, min_hours=24)
    assert list(ape.index.day) == [1, 3]
    assert ape.to_numpy() == pytest.approx([5.0, 10.0])
    assert ape.mean() == pytest.approx(score(measured, forecast)["daily_mape_pct"])
    assert len(daily_ape_percent(measured, forecast, min_hours=20)) == 3


def test_interval_covers_the_mean_about_as_often_as_its_level():
    # 400 independent seasons of 150 iid days: a 90 % interval covers the true mean in about
    # 90 % of them (binomial sd 1.5 %); block resampling of iid data must not break that.
    rng = np.random.default_rng(1)
    hits = 0
    for _ in range(400):
        values = rng.gamma(2.0, 5.0, size=150)  # skewed like daily errors; mean 10
        low, high = block_bootstrap_interval(values, n_resamples=500, seed=int(rng.integers(1e9)))
        hits += low <= 10.0 <= high
    assert 0.84 <= hits / 400 <= 0.95


def test_blocks_widen_the_interval_of_autocorrelated_days():
    # AR(1) with φ = 0.8: resampling single days pretends the days are independent and
    # gives an interval far narrower than resampling weeks (the true ratio of standard errors
    # is sqrt((1 + φ)/(1 − φ)) = 3; blocks of a week recover part of it).
    rng = np.random.default_rng(2)
    values = np.zeros(200)
    for i in range(1, 200):
        values[i] = 0.8 * values[i - 1] + rng.normal()
    low1, high1 = block_bootstrap_interval(values, block_days=1)
    low7, high7 = block_bootstrap_interval(values, block_days=7)
    assert (high7 - low7) > 1.4 * (high1 - low1)  # 1.6–2.1 over seeds 0–4


def test_circular_blocks_draw_the_first_and_last_days_like_the_others():
    # One bad day at the very end: with wrap-around blocks it enters resamples as often as
    # any other day, so the interval is centred on the sample mean (moving blocks without
    # wrap-around would under-draw it and shift the interval down).
    values = np.full(100, 5.0)
    values[-1] = 505.0  # mean 10
    low, high = block_bootstrap_interval(values, level=0.5, n_resamples=8000)
    assert low < 10.0 < high


def test_interval_refuses_an_empty_series():
    with pytest.raises(ValueError):
        block_bootstrap_interval([np.nan])

import numpy as np
import pandas as pd
import pytest

from heatphys.forecasting import (
    ChangePointModel,
    DayAheadModel,
    DayAheadOptions,
    DesignDemandModel,
    DesignOptions,
    cv_rmse_percent,
    mape_percent,
    nmbe_percent,
    rolling_day_ahead,
    score,
    smoothed_temperature,
)
from heatphys.forecasting.models import (
    daily_ratio_features,
    day_ahead_features,
    days_in_operation,
)


def test_smoothed_temperature_is_first_order_lag():
    step = np.r_[np.zeros(5), np.ones(200)]
    out = smoothed_temperature(step, 24.0)
    assert out[4] == 0.0
    # After one time constant 63 % of a step has come through.
    assert out[4 + 24] == pytest.approx(1 - np.exp(-1), abs=1e-9)
    np.testing.assert_array_equal(smoothed_temperature(step, 0), step)


def test_change_point_recovers_balance_point_and_slope(make_load):
    load = make_load(days=300, seed=1)
    load["heat_kw"] = load["heat_kw"].where(load.index.hour != 3)  # gaps
    model = ChangePointModel().fit(load.drop(load.index[500:700]))
    assert model.balance_point_c_ == pytest.approx(15.0, abs=1.0)
    assert model.slope_kw_per_k_ == pytest.approx(40.0, rel=0.15)
    pred = model.predict(load[["outdoor_temp_c"]])
    assert pred.index.equals(load.index)
    assert np.all(pred >= 0)


def test_change_point_without_heating_dependence_is_flat():
    index = pd.date_range("2024-06-01", periods=24 * 30, freq="h")
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "outdoor_temp_c": rng.uniform(18, 28, len(index)),
            "heat_kw": 50 + rng.normal(0, 1, len(index)),
        },
        index=index,
    )
    model = ChangePointModel().fit(frame)
    assert np.isnan(model.balance_point_c_)
    assert model.predict(frame[["outdoor_temp_c"]]).mean() == pytest.approx(50.0, abs=0.5)


def test_design_model_uncalibrated_values():
    opts = DesignOptions(heat_index_w_m2=40.0, area_m2=100_000.0, time_constant_h=0.0)
    model = DesignDemandModel(opts).fit(None)
    index = pd.date_range("2025-01-01", periods=3, freq="h")
    weather = pd.DataFrame({"outdoor_temp_c": [-4.9, 6.55, 25.0]}, index=index)
    np.testing.assert_allclose(model.predict(weather), [4000.0, 2000.0, 0.0])


def test_design_model_wind_and_sun_corrections():
    opts = DesignOptions(time_constant_h=0.0, wind_k_per_m_s=0.5, solar_k_per_w_m2=0.01)
    model = DesignDemandModel(opts)
    index = pd.date_range("2025-01-01", periods=2, freq="h")
    calm = pd.DataFrame({"outdoor_temp_c": [0.0, 0.0]}, index=index)
    windy = calm.assign(wind_speed_m_s=[10.0, 0.0], solar_w_m2=[0.0, 500.0])
    base, corrected = model.predict(calm), model.predict(windy)
    assert corrected.iloc[0] > base.iloc[0]  # wind: more heat
    assert corrected.iloc[1] < base.iloc[1]  # sun: less heat


def test_design_model_calibrates_to_history(load):
    model = DesignDemandModel().fit(load)
    err = cv_rmse_percent(load["heat_kw"], model.predict(load[["outdoor_temp_c"]]))
    assert err < 25


def test_day_ahead_beats_change_point_on_held_out_days(make_load):
    load = make_load(days=240, seed=2)
    history, actual = load.iloc[: 24 * 170], load.iloc[24 * 170 :]
    cp = rolling_day_ahead(history, actual, ChangePointModel)
    da = rolling_day_ahead(history, actual, DayAheadModel)
    cp_err = score(actual["heat_kw"], cp)["daily_mape_pct"]
    da_err = score(actual["heat_kw"], da)["daily_mape_pct"]
    assert da_err < 0.7 * cp_err


def test_backtest_never_looks_at_the_day_it_forecasts(make_load):
    load = make_load(days=70, seed=3)
    history, actual = load.iloc[: 24 * 40], load.iloc[24 * 40 :]
    pred = rolling_day_ahead(history, actual, DayAheadModel, refit_every_days=10)
    assert len(pred) == len(actual)
    # Change the load of day 45 onwards: forecasts up to and including day 45 stay.
    cut = actual.index[24 * 5]
    tampered = actual.copy()
    tampered.loc[tampered.index >= cut, "heat_kw"] *= 3
    pred2 = rolling_day_ahead(history, tampered, DayAheadModel, refit_every_days=10)
    same = pred.index < cut + pd.Timedelta(days=1)
    np.testing.assert_allclose(pred[same], pred2[same])
    assert not np.allclose(pred[~same], pred2[~same])


def test_block_prediction_equals_day_by_day_predict(make_load):
    load = make_load(days=60, seed=4)
    history = load.iloc[: 24 * 50]
    model = DayAheadModel().fit(history)
    for d in range(50, 53):
        known = load.iloc[: 24 * d]
        weather = load.iloc[24 * d : 24 * (d + 1)][["outdoor_temp_c"]]
        one = model.predict(weather, known)
        block = model.predict_frame(load.iloc[24 * (d - 8) : 24 * (d + 1)]).reindex(weather.index)
        np.testing.assert_allclose(one, block, rtol=1e-9)


def test_day_ahead_forecast_beyond_recent_load_falls_back_to_baseline(load):
    history = load.iloc[: 24 * 100]
    model = DayAheadModel().fit(history)
    weather = load.iloc[24 * 100 : 24 * 110][["outdoor_temp_c"]]
    pred = model.predict(weather, history)
    base = model.baseline_.predict(weather)
    assert not np.allclose(pred.iloc[:24], base.iloc[:24])
    np.testing.assert_allclose(pred.iloc[24 * 5 :], base.iloc[24 * 5 :])


def test_inputs_are_not_mutated(load):
    before = load.copy()
    DayAheadModel().fit(load).predict(load[["outdoor_temp_c"]].iloc[-48:], load.iloc[:-48])
    pd.testing.assert_frame_equal(load, before)


def test_metrics_by_hand():
    y = np.array([100.0, 200.0, 300.0])
    f = np.array([110.0, 190.0, 300.0])
    assert mape_percent(y, f) == pytest.approx(100 * (0.1 + 0.05) / 3)
    assert cv_rmse_percent(y, f) == pytest.approx(100 * np.sqrt(200 / 2) / 200)
    assert nmbe_percent(y, f) == pytest.approx(0.0)
    assert nmbe_percent(y, f - 10) == pytest.approx(100 * 30 / (2 * 200))


def test_linear_stage_carries_yesterdays_error_forward(make_load):
    load = make_load(days=200, seed=5)
    history, weather = load.iloc[: 24 * 199], load.iloc[24 * 199 :][["outdoor_temp_c"]]
    model = DayAheadModel().fit(history)
    # The synthetic drift is AR(1) with 0.9 day to day: when yesterday's load was 20 %
    # higher, tomorrow's forecast must rise by a clear part of that (not all, not none).
    higher = history.copy()
    higher.iloc[-24:, higher.columns.get_loc("heat_kw")] *= 1.2
    extra_yesterday = 0.2 * history["heat_kw"].iloc[-24:].sum()
    rise = (model.predict(weather, higher) - model.predict(weather, history)).sum()
    assert 0.4 * extra_yesterday < rise < 1.2 * extra_yesterday
    plain = DayAheadModel(DayAheadOptions(linear_features=())).fit(history)
    assert plain.linear_coef_.size == 0


def test_daily_features_by_hand():
    index = pd.date_range("2024-01-01", periods=72, freq="h")
    heat = np.r_[np.full(24, 10.0), np.r_[np.zeros(12), np.full(12, 40.0)], np.full(24, 5.0)]
    frame = pd.DataFrame(
        {
            "outdoor_temp_c": np.r_[np.full(24, 0.0), np.full(24, 2.0), np.linspace(0, 6, 24)],
            "heat_kw": heat,
            "baseline_kw": np.full(72, 10.0),
        },
        index=index,
    )
    feats = day_ahead_features(frame)
    day2, day3 = feats.iloc[24:48], feats.iloc[48:]
    np.testing.assert_allclose(day2["prev_day_resid_kw"], 0.0)
    np.testing.assert_allclose(day3["prev_day_resid_kw"], 10.0)  # mean 20 against 10
    np.testing.assert_allclose(day3["prev_day_ratio"], 2.0)
    np.testing.assert_allclose(day3["prev_day_on_fraction"], 0.5)  # 12 of 24 hours on
    np.testing.assert_allclose(day3["prev2_day_resid_kw"], 0.0)
    np.testing.assert_allclose(day2["day_temp_change_k"], 2.0)
    np.testing.assert_allclose(day3["day_temp_range_k"], 6.0)
    np.testing.assert_allclose(day3["last_hour_resid_kw"], 30.0)
    assert feats["prev_day_resid_kw"].iloc[:24].isna().all()  # no day before the first
    np.testing.assert_allclose(day2["days_in_operation"], 1.0)  # yesterday: first day on
    np.testing.assert_allclose(day3["days_in_operation"], 2.0)
    # Thermal memory: day 2 (2 °C) after a day at 0 °C: the 72-hour lag is still colder.
    assert (day2["memory_gap_k"] < 0).all() and (day2["memory_gap_k"] > -2.0).all()
    np.testing.assert_allclose(feats["memory_gap_k"].iloc[0], 0.0)
    # Features of a day never change with that day's own load.
    tampered = frame.copy()
    tampered.loc[tampered.index >= index[48], "heat_kw"] = 999.0
    pd.testing.assert_frame_equal(
        day_ahead_features(tampered).drop(columns="baseline_kw").iloc[48:],
        day3.drop(columns="baseline_kw"),
    )


def test_day_ahead_is_scale_invariant_and_pools_other_substations(make_load):
    load = make_load(days=120, seed=6)
    history, weather = load.iloc[: 24 * 110], load.iloc[24 * 110 : 24 * 111][["outdoor_temp_c"]]
    small = DayAheadModel().fit(history).predict(weather, history)
    big_history = history.assign(heat_kw=history["heat_kw"] * 10)
    big = DayAheadModel().fit(big_history).predict(weather, big_history)
    np.testing.assert_allclose(big, 10 * small, rtol=1e-6)
    # A substation with only two weeks of meter history gets no boosted model on its own,
    # but does with the (ten times larger) history of another substation in the pool.
    young = load.iloc[24 * 96 : 24 * 110]
    other = make_load(days=110, seed=7).assign(heat_kw=lambda f: f["heat_kw"] * 10)
    assert DayAheadModel().fit(young).regressor_ is None
    pooled = DayAheadModel().fit(young, pool=[other])
    assert pooled.regressor_ is not None
    pred = pooled.predict(weather, young)
    truth = load["heat_kw"].reindex(weather.index)
    assert score(truth, pred)["daily_mape_pct"] < 10


def test_day_ahead_after_a_summer_of_zero_load(make_load):
    # A substation that was off all summer (Niš L8/L12 before 2021/22): the first fit sees
    # only zeros (no variation to learn, yesterday's ratio to a zero baseline undefined)
    # and must fall back to the baseline instead of failing; later refits learn normally.
    load = make_load(days=160, seed=3)
    load.loc[load.index < load.index[0] + pd.Timedelta(days=60), "heat_kw"] = 0.0
    model = DayAheadModel().fit(load.iloc[: 24 * 60])
    assert model.regressor_ is None
    np.testing.assert_allclose(
        model.predict(load[["outdoor_temp_c"]].iloc[24 * 60 : 24 * 61], load.iloc[: 24 * 60]),
        model.baseline_.predict(load[["outdoor_temp_c"]].iloc[24 * 60 : 24 * 61]),
    )
    pred = rolling_day_ahead(load.iloc[: 24 * 60], load.iloc[24 * 60 :])
    assert np.isfinite(pred).all()
    late = load.index >= load.index[0] + pd.Timedelta(days=100)
    assert score(load["heat_kw"][late], pred.reindex(load.index)[late])["daily_mape_pct"] < 10


def test_daily_ratio_features_by_hand():
    # Starts at 12:00 on a Friday: day 0 has 12 hours (too few to count), days 1-3 full.
    index = pd.date_range("2024-01-05 12:00", periods=12 + 72, freq="h")
    heat = np.r_[np.full(12, 9.0), np.full(24, 1.7), np.full(24, 0.0), np.full(24, 1.0)]
    heat[12 + 5] = np.nan  # day 1 keeps 23 measured hours
    frame = pd.DataFrame(
        {
            "outdoor_temp_c": np.r_[np.full(36, 2.0), np.full(24, 5.0), np.full(24, 3.0)],
            "heat_kw": heat,
            "baseline_kw": np.r_[np.full(36, 1.0), np.full(24, -0.1), np.full(24, 1.0)],
        },
        index=index,
    )
    features, log_ratio, day_base = daily_ratio_features(frame, offset=0.3)
    np.testing.assert_allclose(
        log_ratio, [np.nan, np.log(2.0 / 1.3), np.log(0.3 / 0.3), np.log(1.3 / 1.3)]
    )
    np.testing.assert_allclose(day_base, [1.0, 1.0, -0.1, 1.0])
    np.testing.assert_allclose(features[:, 0], [np.nan, np.nan, np.log(2.0 / 1.3), 0.0])
    np.testing.assert_allclose(features[:, 1], [np.nan, np.nan, np.nan, np.log(2.0 / 1.3)])
    np.testing.assert_allclose(features[:, 2], [np.nan, np.nan, np.nan, np.nan])
    np.testing.assert_allclose(features[:, 3], [np.nan, 0.0, 3.0, -2.0])
    np.testing.assert_allclose(features[:, 4], [0, 1, 1, 0])  # Fri, Sat, Sun, Mon
    np.testing.assert_allclose(features[:, 5], 1.0)


def test_daily_ratio_stage_carries_a_multiplicative_schedule_change(make_load):
    # Operation that scales whole days (a longer or shorter schedule) and persists: the
    # daily ratio stage learns a positive weight on yesterday's log ratio, and the blend
    # moves each day's energy without changing the hour-to-hour shape.
    load = make_load(days=200, seed=7)
    history, weather = load.iloc[: 24 * 199], load.iloc[24 * 199 :][["outdoor_temp_c"]]
    model = DayAheadModel().fit(history)
    assert model.daily_coef_ is not None and model.daily_coef_[0] > 0.2
    off = DayAheadModel(DayAheadOptions(daily_ratio_weight=0.0)).fit(history)
    assert off.daily_coef_ is None
    with_stage, without = model.predict(weather, history), off.predict(weather, history)
    np.testing.assert_allclose(with_stage / with_stage.sum(), without / without.sum(), rtol=1e-9)
    assert not np.isclose(with_stage.sum(), without.sum())


def test_days_in_operation_counts_the_run_and_restarts():
    day_heat = np.array([0.0, 0.5, 0.6, np.nan, 1.0, 0.05, 1.0, 1.0])
    np.testing.assert_array_equal(
        days_in_operation(day_heat, cap=30), [0, 1, 2, np.nan, 1, 0, 1, 2]
    )
    assert days_in_operation(np.ones(50), cap=30)[-1] == 30


def test_daily_ratio_extra_columns():
    index = pd.date_range("2024-01-01", periods=24 * 10, freq="h")
    temp = np.r_[np.full(24 * 5, -5.0), np.full(24 * 5, 5.0)]
    heat = np.r_[np.zeros(24 * 2), np.ones(24 * 8)]
    frame = pd.DataFrame(
        {"outdoor_temp_c": temp, "heat_kw": heat, "baseline_kw": np.ones(240)}, index=index
    )
    plain, *_ = daily_ratio_features(frame, offset=0.3)
    extra, *_ = daily_ratio_features(frame, offset=0.3, extra=("memory_gap_k", "season_start"))
    np.testing.assert_array_equal(extra[:, :6], plain)
    memory, start = extra[:, 6], extra[:, 7]
    assert memory[5] < -5.0 and memory[9] < 0  # warm days after a cold spell
    np.testing.assert_allclose(memory[:5], 0.0, atol=1e-9)
    # Heating from day 2: days 3–8 follow fewer than 7 operating days, day 9 does not.
    np.testing.assert_array_equal(start, [0, 1, 1, 1, 1, 1, 1, 1, 1, 0])
    with pytest.raises(ValueError, match="unknown daily ratio feature"):
        daily_ratio_features(frame, offset=0.3, extra=("wind",))

"""Forecasts as issued and ``heatphys backtest --forecast-weather`` (issue 20)."""

import argparse

import numpy as np
import pandas as pd
import pytest

from heatphys.forecasting import cli
from heatphys.forecasting.backtest import rolling_day_ahead
from heatphys.forecasting.weather import (
    forecast_known_before,
    forecasts_from_series,
    synthetic_forecasts,
    tidy_forecasts,
)


def run(argv):
    parser = argparse.ArgumentParser(prog="heatphys")
    sub = parser.add_subparsers(dest="command", required=True)
    cli.register(sub)
    args = parser.parse_args(argv)
    return args.func(args)


def test_latest_issue_known_by_the_plan_time_wins():
    day = pd.Timestamp("2025-01-10")
    rows = []
    for issued, temp in (
        ("2025-01-08 18:00", -5.0),
        ("2025-01-09 18:00", -3.0),
        ("2025-01-10 05:00", -2.0),
        ("2025-01-10 06:00", 9.0),
    ):
        for h in range(24):
            rows.append(
                {
                    "timestamp": day + pd.Timedelta(hours=h),
                    "issued_at": issued,
                    "outdoor_temp_c": temp,
                }
            )
    fc = tidy_forecasts(pd.DataFrame(rows))
    at_0530 = forecast_known_before(fc, [day], issued_by=pd.Timedelta(hours=5, minutes=30))
    assert len(at_0530) == 24
    assert (at_0530["outdoor_temp_c"] == -2.0).all()  # 05:00 issue; the 06:00 one came later
    assert at_0530["lead_h"].iloc[0] == -5.0  # issued five hours into the day
    # the default: issued before the day (the contract), the previous evening's
    default = forecast_known_before(fc, [day])
    assert (default["outdoor_temp_c"] == -3.0).all()
    assert default["lead_h"].iloc[0] == 6.0


def test_forecasts_from_series_states_its_issue_time():
    idx = pd.date_range("2025-01-01", periods=48, freq="h")
    fc = forecasts_from_series(pd.Series(np.arange(48.0), index=idx), issue_hour=18.0)
    assert fc["issued_at"].iloc[0] == pd.Timestamp("2024-12-31 18:00")
    assert fc["lead_h"].min() == 6.0 and fc["lead_h"].max() == 29.0


def test_synthetic_forecast_error_has_the_stated_size():
    idx = pd.date_range("2020-01-01", periods=24 * 400, freq="h")
    measured = pd.Series(np.sin(np.arange(len(idx)) / 24.0) * 5.0, index=idx)
    fc = synthetic_forecasts(measured, rmse_k=1.6, seed=1).set_index("timestamp")
    err = fc["outdoor_temp_c"] - measured
    assert np.sqrt((err**2).mean()) == pytest.approx(1.6, rel=0.08)
    daily = err.resample("D").mean()
    # The daily mean error has its own, smaller size (default 1.0 K RMSE)...
    assert np.sqrt((daily**2).mean()) == pytest.approx(1.0, rel=0.1)
    # ...errors persist within a day (an hour is like the next) and mildly from day to day.
    assert err.autocorr(1) > 0.6
    assert 0.15 < daily.autocorr(1) < 0.45
    again = synthetic_forecasts(measured, rmse_k=1.6, seed=1)
    assert np.array_equal(again["outdoor_temp_c"], fc["outdoor_temp_c"].to_numpy())
    # The previous form (one AR(1) in hours, correlation 0.95) keeps ≈ 0.8 of the RMSE in
    # the daily mean.
    old = synthetic_forecasts(
        measured, rmse_k=1.6, hourly_correlation=0.95, daily_mean_rmse_k=None, seed=1
    ).set_index("timestamp")
    old_daily = (old["outdoor_temp_c"] - measured).resample("D").mean()
    assert 0.6 * 1.6 < np.sqrt((old_daily**2).mean()) < 0.95 * 1.6
    with pytest.raises(ValueError, match="daily_mean_rmse_k"):
        synthetic_forecasts(measured, rmse_k=1.0, daily_mean_rmse_k=1.5)


@pytest.fixture
def files(tmp_path, make_load):
    load = make_load(days=60, seed=7)
    history, actual = load.iloc[: 24 * 50].copy(), load.iloc[24 * 50 :].copy()
    for frame, name in ((history, "h.csv"), (actual, "a.csv")):
        frame.reset_index().rename(columns={"index": "timestamp"}).to_csv(
            tmp_path / name, index=False
        )
    return tmp_path, history, actual


def write_forecasts(path, actual, offset_k=0.0, issued_hour=18, days_before=1, late=None):
    rows = pd.DataFrame(
        {
            "timestamp": actual.index.strftime("%Y-%m-%dT%H:%M:%S"),
            "issued_at": (
                actual.index.floor("D")
                - pd.Timedelta(days=days_before)
                + pd.Timedelta(hours=issued_hour)
            ).strftime("%Y-%m-%dT%H:%M:%S"),
            "outdoor_temp_c": actual["outdoor_temp_c"].to_numpy() + offset_k,
        }
    )
    if late is not None:  # a later, wildly different issue that came after the plan time
        extra = rows.copy()
        extra["issued_at"] = (actual.index.floor("D") + pd.Timedelta(hours=late)).strftime(
            "%Y-%m-%dT%H:%M:%S"
        )
        extra["outdoor_temp_c"] = 30.0
        rows = pd.concat([rows, extra])
    rows.to_csv(path, index=False)


def backtest(tmp, *extra):
    out = tmp / f"o{len(extra)}{hash(extra) % 1000}.csv"
    argv = [
        "backtest",
        "--history",
        str(tmp / "h.csv"),
        "--actual",
        str(tmp / "a.csv"),
        "--out",
        str(out),
        *extra,
    ]
    assert run(argv) == 0
    return pd.read_csv(out, parse_dates=["timestamp"]).set_index("timestamp")["heat_kw"]


def test_backtest_with_forecast_weather(files, capsys):
    tmp, history, actual = files
    measured = backtest(tmp)
    write_forecasts(tmp / "same.csv", actual, late=8)
    same = backtest(tmp, "--forecast-weather", str(tmp / "same.csv"))
    # a forecast equal to the measurement gives the measured-weather backtest; the 08:00
    # issue of 30 °C came after the 05:30 plan and is ignored
    np.testing.assert_allclose(same.to_numpy(), measured.to_numpy(), rtol=1e-9, atol=1e-6)
    write_forecasts(tmp / "cold.csv", actual, offset_k=-4.0)
    cold = backtest(tmp, "--forecast-weather", str(tmp / "cold.csv"))
    assert cold.sum() > 1.05 * measured.sum()  # a colder forecast plans more heat
    # a steady 4 K offset is learnt from the days before (all but the first day corrected)
    fixed = backtest(tmp, "--forecast-weather", str(tmp / "cold.csv"), "--forecast-bias-days", "7")
    later = fixed.index >= fixed.index[0] + pd.Timedelta(days=1)
    np.testing.assert_allclose(
        fixed[later].to_numpy(), measured[later].to_numpy(), rtol=1e-6, atol=1e-6
    )
    # the late issue counts once the plan time is after it
    late = backtest(
        tmp, "--forecast-weather", str(tmp / "same.csv"), "--forecast-issued-by", "09:00"
    )
    assert late.sum() < 0.9 * measured.sum()
    # forecasts issued only on the day at 12:00: no day has one issued before it starts,
    # which is an error unless the measured weather is asked for instead
    write_forecasts(tmp / "noon.csv", actual, issued_hour=12, days_before=0)
    capsys.readouterr()
    argv = ["--forecast-weather", str(tmp / "noon.csv")]
    with pytest.raises(AssertionError):
        backtest(tmp, *argv)
    err = capsys.readouterr().err
    assert "10 of 10 day(s) have no forecast issued by 00:00 of the day" in err
    assert "--measured-weather-fallback" in err
    noon = backtest(tmp, *argv, "--measured-weather-fallback")
    np.testing.assert_allclose(noon.to_numpy(), measured.to_numpy(), rtol=1e-9, atol=1e-6)
    assert "10 day(s) had no forecast issued by 00:00" in capsys.readouterr().err


def test_default_uses_forecasts_issued_before_the_day_only(files):
    """The contract: "the forecast issued before [the day]". A same-morning 03:00 issue
    (30 °C) is ignored by default and used with --forecast-issued-by 05:30."""
    tmp, _, actual = files
    measured = backtest(tmp)
    write_forecasts(tmp / "morning.csv", actual, late=3)
    before = backtest(tmp, "--forecast-weather", str(tmp / "morning.csv"))
    np.testing.assert_allclose(before.to_numpy(), measured.to_numpy(), rtol=1e-9, atol=1e-6)
    at_0530 = backtest(
        tmp, "--forecast-weather", str(tmp / "morning.csv"), "--forecast-issued-by", "05:30"
    )
    assert at_0530.sum() < 0.9 * measured.sum()


def test_backtest_forecast_weather_function_matches_per_day(files):
    """The function path: each day sees measured days before it, its own forecast."""
    _, history, actual = files
    fc = forecast_known_before(synthetic_forecasts(actual["outdoor_temp_c"], seed=3), actual.index)
    pred = rolling_day_ahead(history, actual, forecast_weather=fc)
    base = rolling_day_ahead(history, actual)
    assert len(pred) == len(base) and pred.notna().all()
    assert not np.allclose(pred.to_numpy(), base.to_numpy())


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("timestamp,outdoor_temp_c\n2025-01-01 00:00,1\n", "missing column(s) issued_at"),
        (
            "timestamp,issued_at,outdoor_temp_c\n2025-01-01 00:00,yesterday,1\n",
            "issued_at 'yesterday' is not ISO 8601",
        ),
        (
            "timestamp,issued_at,outdoor_temp_c\n2025-01-01 00:00,2024-12-31 18:00,warm\n",
            "non-numeric outdoor_temp_c 'warm'",
        ),
    ],
)
def test_bad_forecast_file_is_one_clear_line(files, capsys, content, message):
    tmp, _, _ = files
    (tmp / "bad.csv").write_text(content)
    argv = [
        "backtest",
        "--history",
        str(tmp / "h.csv"),
        "--actual",
        str(tmp / "a.csv"),
        "--out",
        str(tmp / "o.csv"),
        "--forecast-weather",
        str(tmp / "bad.csv"),
    ]
    assert run(argv) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_bad_plan_time(files, capsys):
    tmp, _, actual = files
    write_forecasts(tmp / "same.csv", actual)
    argv = [
        "backtest",
        "--history",
        str(tmp / "h.csv"),
        "--actual",
        str(tmp / "a.csv"),
        "--out",
        str(tmp / "o.csv"),
        "--forecast-weather",
        str(tmp / "same.csv"),
        "--forecast-issued-by",
        "25:00",
    ]
    assert run(argv) == 2
    assert "expected HH:MM" in capsys.readouterr().err


def test_missing_forecast_file(files, capsys):
    tmp, _, _ = files
    argv = [
        "backtest",
        "--history",
        str(tmp / "h.csv"),
        "--actual",
        str(tmp / "a.csv"),
        "--out",
        str(tmp / "o.csv"),
        "--forecast-weather",
        str(tmp / "nope.csv"),
    ]
    assert run(argv) == 2
    assert "no such file" in capsys.readouterr().err


def test_debias_removes_a_steady_offset_using_only_earlier_days():
    from heatphys.forecasting.weather import debias_forecast

    idx = pd.date_range("2025-01-01", periods=24 * 20, freq="h")
    measured = pd.Series(np.sin(np.arange(len(idx)) / 5.0), index=idx)
    fc = forecast_known_before(forecasts_from_series(measured - 0.9), idx)  # a source 0.9 K colder
    fixed = debias_forecast(fc, measured, window_days=7)
    day1 = fixed.index < pd.Timestamp("2025-01-02")
    assert (fixed["bias_k"][day1] == 0).all()  # nothing known before the first day
    np.testing.assert_allclose(fixed["outdoor_temp_c"][~day1], measured[~day1], atol=1e-9)
    # the day's own error does not enter its correction
    later = measured.copy()
    later[later.index >= pd.Timestamp("2025-01-10")] += 5.0
    again = debias_forecast(fc, later, window_days=7)
    before = again.index < pd.Timestamp("2025-01-11")
    np.testing.assert_allclose(again["bias_k"][before], fixed["bias_k"][before])

"""Issue 20 on the real data (slow): the Niš 2024/25 backtest with the files' forecast
temperature, and the indoor model's March error with and without the solar term.
Numbers as reported in docs/demand-models.md (sections "Forecast weather" and "Indoor
model with sun: March")."""

import numpy as np
import pytest

from heatphys.forecasting.backtest import rolling_day_ahead
from heatphys.forecasting.datasets import read_nis_15min, read_nis_scada
from heatphys.forecasting.metrics import daily_ape_percent
from heatphys.forecasting.validation import (
    NIS_HEATING_MONTHS,
    nis_file_forecasts,
    nis_indoor_solar,
)
from heatphys.forecasting.weather import forecast_known_before

pytestmark = pytest.mark.slow


def test_nis_l4_2024_25_with_the_files_forecasts(shared_data):
    nis = shared_data / "nis"
    history = read_nis_scada(nis / "xai4heat_scada_L4.csv")[["outdoor_temp_c", "heat_kw"]]
    history = history.loc[:"2024-04-30"]
    path = nis / "xai4heat_2024-25_L4.csv"
    actual = read_nis_15min(path)[["outdoor_temp_c", "heat_kw"]]
    forecasts = nis_file_forecasts(path)
    assert forecasts["lead_h"].min() == 6.0 and forecasts["lead_h"].max() == 29.0
    known = forecast_known_before(forecasts, actual.index)
    scored = actual.index.month.isin(NIS_HEATING_MONTHS)
    mape = {}
    for label, fc in (("measured", None), ("forecast", known)):
        pred = rolling_day_ahead(history, actual, forecast_weather=fc).reindex(actual.index)
        mape[label] = daily_ape_percent(actual["heat_kw"][scored], pred[scored], 20).mean()
    # Session 6's model (session 5's: 8.98 / 9.62).
    assert mape["measured"] == pytest.approx(8.49, abs=0.05)
    assert mape["forecast"] == pytest.approx(9.21, abs=0.05)
    assert mape["forecast"] - mape["measured"] <= 1.5  # the target, met here


@pytest.mark.parametrize(
    ("substation", "without_sun", "with_sun", "kept"),
    [("L4", 0.649, 0.586, "kept"), ("L12", 0.479, 0.479, "dropped")],
)
def test_indoor_march_error_with_and_without_sun(
    shared_data, substation, without_sun, with_sun, kept
):
    result = nis_indoor_solar(shared_data / "nis", substation)["chronological"]
    assert result["without_sun"]["march_mae_k"] == pytest.approx(without_sun, abs=0.005)
    assert result["with_sun"]["march_mae_k"] == pytest.approx(with_sun, abs=0.005)
    assert (result["with_sun"]["params"].aperture_m2 > 0) == (kept == "kept")
    assert max(result["without_sun"]["march_mae_k"], result["with_sun"]["march_mae_k"]) <= 0.7
    assert np.isfinite(result["persistence_march_mae_k"])


def test_heldout_seasons_are_listed_once_with_history_before_each_season(shared_data):
    from heatphys.forecasting.validation import heldout_seasons

    seasons = heldout_seasons(shared_data)
    names = [s[0] for s in seasons]
    assert names == [
        "Flensburg 2015",
        "Niš L4 2023/24",
        "Niš L4 2024/25",
        "Niš L8 2023/24",
        "Niš L12 2023/24",
        "Niš L12 2024/25",
    ]
    for name, history, actual, _months, min_hours, fresh in seasons:
        assert history.index.max() < actual.index.min(), name
        assert list(actual.columns) == ["outdoor_temp_c", "heat_kw"]
        assert (fresh is not None) == name.endswith("2024/25")
        assert min_hours == (24 if name.startswith("Flensburg") else 20)


def test_planning_engine_forecast_with_persistence(shared_data):
    """The engine's forecast (28 days of history, change-point line ± the persistence
    stage at weight 0.75), docs/demand-models.md "The planning engine's model"."""
    from heatphys.forecasting.validation import engine_persistence_backtest

    tuning = engine_persistence_backtest(shared_data, weights=(0.0, 0.75))
    nis = [row for name, row in tuning.items() if name.startswith("Niš")]
    assert np.mean([r[0.75]["daily_mape_pct"] for r in nis]) == pytest.approx(12.22, abs=0.05)
    assert np.mean([r[0.0]["daily_mape_pct"] for r in nis]) == pytest.approx(12.78, abs=0.05)
    heldout = engine_persistence_backtest(shared_data, weights=(0.0, 0.75), heldout=True)
    flensburg = heldout["Flensburg 2015"]
    assert flensburg[0.0]["daily_mape_pct"] == pytest.approx(7.54, abs=0.05)
    assert flensburg[0.75]["daily_mape_pct"] == pytest.approx(5.61, abs=0.05)
    assert flensburg["difference"]["high"] < 0  # better beyond the season's noise
    for name, row in heldout.items():  # better on every held-out season (one look)
        assert row["difference"]["daily_mape_pct"] < 0, name

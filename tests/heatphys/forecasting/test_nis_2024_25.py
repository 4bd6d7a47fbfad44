"""The Niš 2024/25 reader (15-minute ``qizm`` rows) on small synthetic files with the faults
found in the real ones: frozen logger runs, catch-up steps, gaps in the record."""

import numpy as np
import pandas as pd
import pytest

from heatphys.forecasting.datasets import NIS_15MIN_COLUMNS, read_nis_15min


def write_season(path, stamps, qizm_kwh, t_amb=None):
    stamps = pd.DatetimeIndex(stamps)
    n = len(stamps)
    frame = pd.DataFrame(
        {
            "datetime": stamps.strftime("%Y-%m-%d %H:%M:%S"),
            # Live sensors: never all equal to the previous row unless the logger froze.
            "t_amb": np.linspace(1.0, 2.0, n) if t_amb is None else t_amb,
            "t_ref": np.linspace(50.0, 51.0, n),
            "t_sup_prim": 80.0,
            "t_ret_prim": 40.0,
            "t_sup_sec": 48.0,
            "t_ret_sec": 42.0,
            "qizm": qizm_kwh,
            "co2_1_1": 400.0,  # other columns of the real files are ignored
        }
    )
    frame.to_csv(path, index=False)
    return path


def test_hourly_heat_is_the_sum_of_four_steps(tmp_path):
    stamps = pd.date_range("2024-12-01 05:00", periods=12, freq="15min")
    qizm = [0.0, 0.0, 20.0, 30.0, 50.0, 50.0, 50.0, 50.0, 40.0, 40.0, 40.0, 40.0]
    data = read_nis_15min(write_season(tmp_path / "a.csv", stamps, qizm))
    assert list(data.columns) == ["outdoor_temp_c", "heat_kw"]
    # kWh per 15 min summed over the hour = kWh per hour = mean kW.
    np.testing.assert_allclose(data["heat_kw"], [50.0, 200.0, 160.0])
    np.testing.assert_allclose(data["outdoor_temp_c"].iloc[0], np.mean(np.linspace(1, 2, 12)[:4]))


def test_frozen_run_and_catch_up_step_leave_their_hours_missing(tmp_path):
    stamps = pd.date_range("2024-12-01 06:00", periods=16, freq="15min")
    qizm = np.full(16, 50.0)
    frame_path = write_season(tmp_path / "b.csv", stamps, qizm)
    frame = pd.read_csv(frame_path)
    # The logger freezes at 07:00 and re-sends that row at 07:15 and 07:30; the 07:45 step
    # carries the catch-up of the frozen steps (150 kWh), the 08:00 hour is normal again.
    frame.loc[5:6, list(NIS_15MIN_COLUMNS)] = frame.loc[4, list(NIS_15MIN_COLUMNS)].to_numpy()
    frame.loc[7, "qizm"] = 150.0
    frame.to_csv(frame_path, index=False)
    data = read_nis_15min(frame_path)
    assert data["heat_kw"].loc["2024-12-01 06:00"] == 200.0
    assert np.isnan(data["heat_kw"].loc["2024-12-01 07:00"])  # not 50+50+50+150
    assert data["heat_kw"].loc["2024-12-01 08:00"] == 200.0
    assert np.isfinite(data["outdoor_temp_c"].loc["2024-12-01 07:00"])


def test_gap_in_the_record_is_missing_not_a_partial_sum(tmp_path):
    stamps = pd.date_range("2024-12-01 06:00", periods=20, freq="15min")
    # Rows 07:15 … 07:45 are absent; the 08:00 step after the gap may hold their energy, so
    # the 08:00 hour is missing although it has its four rows.
    keep = [
        s
        for s in stamps
        if not (pd.Timestamp("2024-12-01 07:15") <= s < pd.Timestamp("2024-12-01 08:00"))
    ]
    qizm = np.full(len(keep), 25.0)
    t_amb = np.where(np.arange(len(keep)) == 0, -39.9, 3.0)  # one sentinel temperature
    data = read_nis_15min(write_season(tmp_path / "c.csv", keep, qizm, t_amb=t_amb))
    heat = data["heat_kw"]
    assert heat.loc["2024-12-01 06:00"] == 100.0
    assert heat.loc["2024-12-01 07:00":"2024-12-01 08:00"].isna().all()
    assert heat.loc["2024-12-01 09:00"] == 100.0
    assert data["outdoor_temp_c"].loc["2024-12-01 06:00"] == 3.0  # −39.9 left out
    assert pd.infer_freq(data.index) == "h"


def test_zero_outdoor_temperature_is_a_reading_not_a_sentinel(tmp_path):
    stamps = pd.date_range("2024-12-01 06:00", periods=4, freq="15min")
    data = read_nis_15min(
        write_season(tmp_path / "d.csv", stamps, [10.0] * 4, t_amb=[0.2, 0.0, -0.2, -0.4])
    )
    assert data["outdoor_temp_c"].iloc[0] == pytest.approx(-0.1)

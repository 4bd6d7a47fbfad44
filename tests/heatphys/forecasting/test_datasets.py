"""The Niš SCADA reader on small synthetic files with the faults found in the real ones."""

import numpy as np
import pandas as pd
import pytest

from heatphys.forecasting.datasets import counter_at_hours, read_nis_scada, stale_rows

COLUMNS = ["t_amb", "t_ref", "t_sup_prim", "t_ret_prim", "t_sup_sec", "t_ret_sec", "e", "pe"]


def write_scada(path, rows):
    frame = pd.DataFrame(rows, columns=["datetime", *COLUMNS])
    # The real files are newest first.
    frame.iloc[::-1].to_csv(path, index=False)
    return path


def reading(stamp, e_mwh, t_amb=1.0, pe=100.0):
    return [stamp, t_amb, 50.0, 80.0, 40.0, 45.0, 38.0, e_mwh, pe]


def test_counter_interpolated_at_hour_marks_within_gap_limit():
    stamps = pd.to_datetime(["2024-01-01 00:00", "2024-01-01 00:45", "2024-01-01 03:45"])
    counter = pd.Series([10.0, 10.75, 13.75], index=stamps)
    marks = pd.date_range("2024-01-01", periods=5, freq="h")
    out = counter_at_hours(counter, marks, max_gap_h=3.0)
    np.testing.assert_allclose(out[:4], [10.0, 11.0, 12.0, 13.0])
    assert np.isnan(out[4])  # after the last reading
    assert np.isnan(counter_at_hours(counter, marks, max_gap_h=2.0)[1:4]).all()


def test_frozen_logger_rows_are_dropped_and_energy_not_invented(tmp_path):
    rows = [reading(f"2024-01-01 {h:02d}:00", 100 + 0.1 * h, t_amb=h / 10) for h in range(6)]
    # The logger freezes at 05:00 and re-sends that record for 8 hours, then the counter
    # jumps with the energy of the whole outage.
    frozen = rows[-1][1:]
    rows += [[f"2024-01-01 {h:02d}:00", *frozen] for h in range(6, 14)]
    rows += [
        reading(f"2024-01-01 {h:02d}:00", 101.3 + 0.1 * (h - 14), t_amb=3.0) for h in range(14, 20)
    ]
    raw = pd.DataFrame(rows, columns=["datetime", *COLUMNS]).set_index("datetime")
    assert stale_rows(raw).sum() == 8
    data = read_nis_scada(write_scada(tmp_path / "s.csv", rows))
    heat = data["heat_kw"]
    np.testing.assert_allclose(heat.loc["2024-01-01 00:00":"2024-01-01 04:00"], 100.0)
    # The outage hours are missing, not zero and not one huge hour.
    assert heat.loc["2024-01-01 05:00":"2024-01-01 13:00"].isna().all()
    np.testing.assert_allclose(heat.loc["2024-01-01 14:00":"2024-01-01 18:00"], 100.0)
    assert data["outdoor_temp_c"].loc["2024-01-01 07:00":"2024-01-01 13:00"].isna().all()


def test_mixed_sampling_and_sentinels(tmp_path):
    rows = [reading(f"2024-01-01 {h:02d}:00", 50 + 0.2 * h, pe=200.0 + h) for h in range(4)]
    # Switch to 15-minute sampling, same 200 kW.
    start = pd.Timestamp("2024-01-01 03:15")
    for k in range(12):
        stamp = start + pd.Timedelta(minutes=15 * k)
        rows.append(reading(str(stamp), 50.6 + 0.05 * (k + 1), pe=210.0 + k))
    rows.append(
        [str(start + pd.Timedelta(hours=3)), -39.9, -39.9, -39.9, -39.9, -39.9, -39.9, 0.0, 0.0]
    )
    data = read_nis_scada(write_scada(tmp_path / "m.csv", rows))
    np.testing.assert_allclose(data["heat_kw"].loc[:"2024-01-01 05:00"], 200.0)
    assert data["outdoor_temp_c"].min() == pytest.approx(1.0)  # −39.9 sentinel removed

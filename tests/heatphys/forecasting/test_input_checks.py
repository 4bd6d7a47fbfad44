"""``heatphys forecast``/``backtest`` input checks (issue 20, outsider's report 4–7):
conflicting duplicate hours, rows out of order, gaps, NaN/inf, non-ISO dates."""

import argparse

import numpy as np
import pandas as pd
import pytest

from heatphys.forecasting import DemandDataError, cli, read_history_csv


def run(argv):
    parser = argparse.ArgumentParser(prog="heatphys")
    sub = parser.add_subparsers(dest="command", required=True)
    cli.register(sub)
    args = parser.parse_args(argv)
    return args.func(args)


def frame_csv(frame, path, stamp_format="%Y-%m-%d %H:%M"):
    out = frame.copy()
    out.insert(0, "timestamp", out.index.strftime(stamp_format))
    out.to_csv(path, index=False)


@pytest.fixture
def files(tmp_path, make_load):
    load = make_load(days=40, seed=11)
    history, actual = load.iloc[: 24 * 33], load.iloc[24 * 33 :]
    frame_csv(history, tmp_path / "h.csv")
    frame_csv(actual, tmp_path / "a.csv")
    return tmp_path, history, actual


def backtest(tmp, history="h.csv", out="o.csv", *extra):
    argv = ["backtest", "--history", str(tmp / history), "--actual", str(tmp / "a.csv")]
    return run([*argv, "--out", str(tmp / out), *extra])


def test_conflicting_duplicate_hour_is_refused_by_name(files, capsys):
    tmp, history, _ = files
    text = (tmp / "h.csv").read_text().splitlines()
    stamp = text[200].split(",")[0]
    text.insert(201, f"{stamp},{text[200].split(',')[1]},99999")
    (tmp / "dup.csv").write_text("\n".join(text) + "\n")
    assert backtest(tmp, "dup.csv") == 2
    err = capsys.readouterr().err
    assert f"timestamp {stamp} appears 2 times with different heat_kw" in err
    assert "99999" in err and len(err.strip().splitlines()) == 1


def test_a_repeated_identical_row_is_accepted(files):
    tmp, history, _ = files
    text = (tmp / "h.csv").read_text().splitlines()
    text.insert(201, text[200])
    (tmp / "same.csv").write_text("\n".join(text) + "\n")
    pd.testing.assert_frame_equal(
        read_history_csv(tmp / "same.csv"), read_history_csv(tmp / "h.csv")
    )


def test_rows_out_of_order_are_sorted(files):
    tmp, history, _ = files
    shuffled = history.sample(frac=1.0, random_state=3)
    frame_csv(shuffled, tmp / "shuffled.csv")
    assert backtest(tmp, "shuffled.csv", "o1.csv") == 0
    assert backtest(tmp, "h.csv", "o2.csv") == 0
    assert (tmp / "o1.csv").read_text() == (tmp / "o2.csv").read_text()


@pytest.mark.parametrize("stamp_format", ["%d/%m/%Y %H:%M", "%m/%d/%Y %H:%M", "%d.%m.%Y %H:%M"])
def test_non_iso_dates_are_refused_not_guessed(files, capsys, stamp_format):
    tmp, history, _ = files
    frame_csv(history, tmp / "dayfirst.csv", stamp_format)
    assert backtest(tmp, "dayfirst.csv") == 2
    err = capsys.readouterr().err
    assert "is not ISO 8601 (YYYY-MM-DD HH:MM" in err and "refused, not guessed" in err


def test_gaps_and_empty_values_are_reported(files, capsys):
    tmp, history, _ = files
    gappy = history.drop(history.index[100:130]).copy()
    gappy.iloc[300:305, gappy.columns.get_loc("heat_kw")] = np.nan
    frame_csv(gappy, tmp / "gappy.csv")
    assert backtest(tmp, "gappy.csv") == 0
    err = capsys.readouterr().err
    first = history.index[100]
    assert (
        f"35 of {len(history)} hours have no heat_kw (longest gap 30 h from {first:%Y-%m-%d %H:%M})"
        in err
    )
    assert f"30 of {len(history)} hours have no outdoor_temp_c" in err


def test_infinite_values_are_refused(files, capsys):
    tmp, history, _ = files
    bad = history.copy()
    bad.iloc[50, bad.columns.get_loc("heat_kw")] = np.inf
    frame_csv(bad, tmp / "inf.csv")
    assert backtest(tmp, "inf.csv") == 2
    assert f"heat_kw is not a finite number at {history.index[50]}" in capsys.readouterr().err


def test_read_history_csv_raises_a_demand_data_error_on_day_first(files):
    tmp, history, _ = files
    frame_csv(history, tmp / "d.csv", "%d/%m/%Y %H:%M")
    with pytest.raises(DemandDataError, match="'01/"):
        read_history_csv(tmp / "d.csv")

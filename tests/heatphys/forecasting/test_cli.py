import argparse
import shutil
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from heatphys.forecasting import cli


def run(argv):
    parser = argparse.ArgumentParser(prog="heatphys")
    sub = parser.add_subparsers(dest="command", required=True)
    cli.register(sub)
    args = parser.parse_args(argv)
    return args.func(args)


def _write(frame, path):
    frame.reset_index().rename(columns={"index": "timestamp"}).to_csv(path, index=False)


@pytest.fixture
def files(tmp_path, make_load):
    load = make_load(days=60, seed=7)
    history, actual = load.iloc[: 24 * 50].copy(), load.iloc[24 * 50 :].copy()
    history = history.drop(history.index[100:130])  # a gap of missing rows
    history.iloc[300:310, 1] = np.nan  # and missing values
    _write(history, tmp_path / "h.csv")
    _write(actual, tmp_path / "a.csv")
    _write(actual[["outdoor_temp_c"]], tmp_path / "w.csv")
    return tmp_path, actual


def test_forecast_writes_each_weather_hour(files):
    tmp, actual = files
    assert (
        run(
            [
                "forecast",
                "--history",
                str(tmp / "h.csv"),
                "--weather",
                str(tmp / "w.csv"),
                "--out",
                str(tmp / "f.csv"),
            ]
        )
        == 0
    )
    out = pd.read_csv(tmp / "f.csv", parse_dates=["timestamp"])
    assert list(out.columns) == ["timestamp", "heat_kw"]
    assert len(out) == len(actual)
    assert (out["timestamp"].to_numpy() == actual.index.to_numpy()).all()
    assert out["heat_kw"].notna().all()


def test_backtest_writes_24_hours_per_day(files):
    tmp, actual = files
    assert (
        run(
            [
                "backtest",
                "--history",
                str(tmp / "h.csv"),
                "--actual",
                str(tmp / "a.csv"),
                "--out",
                str(tmp / "f.csv"),
            ]
        )
        == 0
    )
    out = pd.read_csv(tmp / "f.csv", parse_dates=["timestamp"])
    assert len(out) == 24 * 10
    err = np.mean(np.abs(out["heat_kw"].to_numpy() / actual["heat_kw"].to_numpy() - 1))
    assert err < 0.15


@pytest.mark.parametrize(
    "content, message",
    [
        ("timestamp,heat_kw\n2024-01-01 00:00,5\n", "missing column(s) outdoor_temp_c"),
        ("timestamp,outdoor_temp_c,heat_kw\nyesterday,1,2\n", "'yesterday' is not ISO 8601"),
        (
            "timestamp,outdoor_temp_c,heat_kw\n2024-01-01 00:00,cold,2\n",
            "non-numeric outdoor_temp_c",
        ),
        ("", "not a readable CSV"),
    ],
)
def test_bad_history_is_a_clear_error(files, capsys, content, message):
    tmp, _ = files
    (tmp / "bad.csv").write_text(content)
    code = run(
        [
            "forecast",
            "--history",
            str(tmp / "bad.csv"),
            "--weather",
            str(tmp / "w.csv"),
            "--out",
            str(tmp / "f.csv"),
        ]
    )
    err = capsys.readouterr().err
    assert code != 0
    assert message in err
    assert "Traceback" not in err


def test_missing_file_and_missing_weather_values(files, capsys):
    tmp, _ = files
    assert (
        run(
            [
                "backtest",
                "--history",
                str(tmp / "nope.csv"),
                "--actual",
                str(tmp / "a.csv"),
                "--out",
                str(tmp / "f.csv"),
            ]
        )
        != 0
    )
    assert "no such file" in capsys.readouterr().err
    (tmp / "w2.csv").write_text("timestamp,outdoor_temp_c\n2024-01-01 00:00,\n")
    assert (
        run(
            [
                "forecast",
                "--history",
                str(tmp / "h.csv"),
                "--weather",
                str(tmp / "w2.csv"),
                "--out",
                str(tmp / "f.csv"),
            ]
        )
        != 0
    )
    assert "missing outdoor_temp_c" in capsys.readouterr().err


def test_installed_command_exits_nonzero_without_traceback(files):
    tmp, _ = files
    try:
        import heatphys.network.cli  # noqa: F401  (the dispatcher imports it)
    except ImportError:
        pytest.skip("heatphys.network.cli not written yet; the dispatcher cannot start")
    exe = shutil.which("heatphys") or f"{sys.prefix}/bin/heatphys"
    (tmp / "bad.csv").write_text("a,b\n1,2\n")
    proc = subprocess.run(
        [
            exe,
            "forecast",
            "--history",
            str(tmp / "bad.csv"),
            "--weather",
            str(tmp / "w.csv"),
            "--out",
            str(tmp / "f.csv"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode != 0
    assert "timestamp" in proc.stderr and "Traceback" not in proc.stderr

"""Readers for the public validation data sets kept outside the repository.

Both return the package's hourly convention (``outdoor_temp_c`` [°C], ``heat_kw`` [kW] on a
``DatetimeIndex`` named ``timestamp``). The files are read from a folder the caller passes
(``../shared/data`` in this project); nothing is bundled.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd


def read_flensburg(folder: str | Path) -> pd.DataFrame:
    """Flensburg whole-network load and DWD station 1666 air temperature, 2014–2015.

    Also returns ``supply_temp_c`` and ``return_temp_c`` of the network. The heat load is
    published in MW and converted to kW.
    """
    folder = Path(folder)
    load = pd.read_csv(folder / "heat_load_2014_2015.csv")
    load.columns = ["timestamp", "supply_temp_c", "return_temp_c", "heat_mw"]
    load["timestamp"] = pd.to_datetime(load["timestamp"], format="%d/%m/%y %H:%M")
    load = load.groupby("timestamp").mean()
    # Each line of the DWD file is one quoted field holding the comma-separated row.
    text = (folder / "air_temperature_2014_2015.csv").read_text()
    lines = [line.replace('"', "").strip() for line in text.splitlines()]
    air = pd.read_csv(io.StringIO("\n".join(lines)))
    air["timestamp"] = pd.to_datetime(air["Zeitstempel"].astype(str), format="%Y%m%d%H%M")
    air = air.groupby("timestamp")["Wert"].mean()
    air = air.where(air > -90)  # DWD marks missing values with -999
    index = pd.date_range("2014-01-01", "2015-12-31 23:00", freq="h", name="timestamp")
    return pd.DataFrame(
        {
            "outdoor_temp_c": air.reindex(index),
            "heat_kw": load["heat_mw"].reindex(index) * 1000.0,
            "supply_temp_c": load["supply_temp_c"].reindex(index),
            "return_temp_c": load["return_temp_c"].reindex(index),
        }
    )


NIS_SCADA_COLUMNS = (
    "t_amb",
    "t_ref",
    "t_sup_prim",
    "t_ret_prim",
    "t_sup_sec",
    "t_ret_sec",
    "e",
    "pe",
)


def stale_rows(raw: pd.DataFrame, columns=NIS_SCADA_COLUMNS) -> pd.Series:
    """Rows identical to the previous row in every measured column: a frozen data logger.

    Eight live sensors (temperatures to 0.1 K, a power reading) never repeat all at once;
    the Niš files hold runs of up to 1858 such copies (the logger re-sent its last record
    while the link was down), followed by a counter jump that holds the energy of the gap.
    """
    present = [c for c in columns if c in raw.columns]
    return (raw[present].diff() == 0).all(axis=1)


def counter_at_hours(
    counter: pd.Series, hours: pd.DatetimeIndex, max_gap_h: float = 3.0
) -> np.ndarray:
    """A cumulative counter interpolated linearly in time at the given instants.

    Only between readings at most ``max_gap_h`` apart; elsewhere NaN. Interpolating the
    counter (rather than differencing the last reading of each hour) puts mixed 60/15/3-min
    sampling on one grid and spreads the energy of a short outage over its hours, so daily
    totals stay exact.
    """
    valid = counter.dropna()
    t = valid.index.asi8
    v = valid.to_numpy(float)
    x = hours.asi8
    pos = np.searchsorted(t, x, side="left")
    exact = (pos < len(t)) & (t[np.minimum(pos, len(t) - 1)] == x)
    hi = np.minimum(pos, len(t) - 1)
    lo = np.maximum(pos - 1, 0)
    inside = (pos > 0) & (pos < len(t))
    span = (t[hi] - t[lo]).astype(float)
    ok = inside & (span <= max_gap_h * 3600e9) & (span > 0)
    frac = np.where(ok, (x - t[lo]) / np.where(span > 0, span, 1.0), np.nan)
    out = v[lo] + frac * (v[hi] - v[lo])
    out = np.where(ok, out, np.nan)
    return np.where(exact, v[np.minimum(pos, len(t) - 1)], out)


def read_nis_scada(path: str | Path, max_gap_h: float = 3.0) -> pd.DataFrame:
    """One Niš substation's SCADA file as hourly data, sentinels and frozen records removed.

    Cleaning (each step found in the files):

    * rows identical to the previous one in all eight measured columns are a frozen logger
      (:func:`stale_rows`) and are dropped;
    * readings of 0 or −39.9 (outages and summer) and below −35 °C are missing;
    * heat [kW] of the hour starting at H is the cumulative meter ``e`` [MWh] interpolated at
      H+1 minus at H, ×1000 (:func:`counter_at_hours`; gaps up to ``max_gap_h`` bridged, the
      files mix 60, 15 and 3-minute sampling); a negative step or one above 5 MWh in an hour
      (meter reset, a jump over a long gap) leaves the hour missing.

    Temperatures are means of the valid readings within the hour: ``outdoor_temp_c``
    (t_amb), ``set_supply_temp_c`` (t_ref), ``supply_temp_c`` (t_sup_sec), ``return_temp_c``
    (t_ret_sec), primary ``primary_supply_temp_c``.
    """
    raw = pd.read_csv(path)
    try:
        raw["datetime"] = pd.to_datetime(raw["datetime"], format="ISO8601")
    except ValueError:  # a file that mixes formats: parse each stamp on its own (slower)
        raw["datetime"] = pd.to_datetime(raw["datetime"], format="mixed")
    raw = raw.sort_values("datetime").drop_duplicates("datetime", keep="last")
    raw = raw.set_index("datetime")
    raw = raw[~stale_rows(raw)]
    temps = raw[["t_amb", "t_ref", "t_sup_sec", "t_ret_sec", "t_sup_prim"]]
    temps = temps.where((temps != -39.9) & (temps != 0.0) & (temps > -35))
    energy = raw["e"].where(raw["e"] > 0)
    hour = raw.index.floor("h")
    hourly = temps.groupby(hour).mean()
    index = pd.date_range(hourly.index.min(), hourly.index.max(), freq="h", name="timestamp")
    marks = index.append(pd.DatetimeIndex([index[-1] + pd.Timedelta(hours=1)]))
    counter_mwh = counter_at_hours(energy, marks, max_gap_h)
    step_mwh = pd.Series(np.diff(counter_mwh), index=index)
    step_mwh = step_mwh.where((step_mwh >= 0) & (step_mwh < 5.0))
    out = hourly.reindex(index).rename(
        columns={
            "t_amb": "outdoor_temp_c",
            "t_ref": "set_supply_temp_c",
            "t_sup_sec": "supply_temp_c",
            "t_ret_sec": "return_temp_c",
            "t_sup_prim": "primary_supply_temp_c",
        }
    )
    out["heat_kw"] = step_mwh * 1000.0
    return out


def read_nis_indoor(path: str | Path) -> pd.DataFrame:
    """A Niš 2024/25 substation file as hourly data with the mean apartment temperature.

    Returns ``outdoor_temp_c`` (t_amb), ``heat_kw`` (sum of the 15-min ``qizm`` [kWh] per
    hour), ``indoor_temp_c`` (mean of the apartment sensors ``temperature_*``), and each
    sensor as ``indoor_<building>_<apartment>_c``.
    """
    raw = pd.read_csv(path, parse_dates=["datetime"]).set_index("datetime").sort_index()
    sensors = raw.filter(regex=r"^temperature_\d+_\d+$")
    hour = raw.index.floor("h")
    hourly = pd.DataFrame(
        {
            "outdoor_temp_c": raw["t_amb"].groupby(hour).mean(),
            "heat_kw": raw["qizm"].groupby(hour).sum(min_count=4),
        }
    )
    sensor_hourly = sensors.groupby(hour).mean()
    sensor_hourly.columns = [
        "indoor_" + c.removeprefix("temperature_") + "_c" for c in sensor_hourly.columns
    ]
    hourly["indoor_temp_c"] = sensor_hourly.mean(axis=1)
    hourly = pd.concat([hourly, sensor_hourly], axis=1)
    index = pd.date_range(hourly.index.min(), hourly.index.max(), freq="h", name="timestamp")
    out = hourly.reindex(index)
    out["outdoor_temp_c"] = out["outdoor_temp_c"].where(np.isfinite(out["outdoor_temp_c"]))
    return out


NIS_15MIN_COLUMNS = ("t_amb", "t_ref", "t_sup_prim", "t_ret_prim", "t_sup_sec", "t_ret_sec", "qizm")
"""Measured columns of the Niš 2024/25 files used to spot a frozen logger."""


def read_nis_15min(path: str | Path, max_hour_kwh: float = 5000.0) -> pd.DataFrame:
    """A Niš 2024/25 file (15-minute rows, ``qizm``) as hourly heat and outdoor temperature.

    Cleaned like :func:`read_nis_scada` so that the 2024/25 season can follow the SCADA
    history in one backtest:

    * rows identical to the previous one in all seven measured columns
      (:data:`NIS_15MIN_COLUMNS`) are a frozen logger and are dropped (the files hold 11–12
      such runs per substation, e.g. L4 2025-02-10 16:30–23:30 with zero heat on a cold
      evening; after shorter runs the next step carries a catch-up of up to 180 kWh);
    * ``heat_kw`` of the hour starting at H is the sum of ``qizm`` [kWh per 15 min] of the
      four steps stamped H:00 … H:45 (kWh per hour = mean kW). An hour with fewer than four
      valid steps, or holding the first step after a gap in the record or after a frozen run
      (that step may carry the energy of the missing ones), is missing — never a partial
      sum; so is a negative hour or one above ``max_hour_kwh`` (the SCADA reader's 5 MWh);
    * ``outdoor_temp_c`` is the mean of the hour's valid ``t_amb`` readings; −39.9 and
      anything below −35 °C are missing. Unlike the SCADA files, 0.00 is kept: these rows
      are 15-minute means to 0.01 K and their 0.00 readings sit between neighbours of
      ±0.2 °C, not in sentinel runs.

    Timestamps are local time as in the file (so 2025-03-30 has no 02:00 hour).
    """
    raw = pd.read_csv(path, usecols=["datetime", *NIS_15MIN_COLUMNS])
    raw["datetime"] = pd.to_datetime(raw["datetime"], format="ISO8601")
    raw = raw.sort_values("datetime").drop_duplicates("datetime", keep="last")
    raw = raw.set_index("datetime")
    stale = stale_rows(raw, NIS_15MIN_COLUMNS)
    step = raw.index.to_series().diff()
    after_gap = (step > pd.Timedelta(minutes=15)).to_numpy()
    after_stale = (stale.shift(1, fill_value=False) & ~stale).to_numpy()
    valid = raw[~stale.to_numpy()]
    suspect = pd.Series((after_gap | after_stale)[~stale.to_numpy()], index=valid.index)
    hour = valid.index.floor("h")
    qizm_kwh = valid["qizm"].where(valid["qizm"] >= 0)
    heat_kwh = qizm_kwh.groupby(hour).sum(min_count=4)
    heat_kwh = heat_kwh.where(qizm_kwh.groupby(hour).count() == 4)
    heat_kwh = heat_kwh.where(~suspect.groupby(hour).any())
    heat_kwh = heat_kwh.where(heat_kwh <= max_hour_kwh)
    t_amb = valid["t_amb"].where((valid["t_amb"] != -39.9) & (valid["t_amb"] > -35))
    hourly = pd.DataFrame({"outdoor_temp_c": t_amb.groupby(hour).mean(), "heat_kw": heat_kwh})
    index = pd.date_range(hourly.index.min(), hourly.index.max(), freq="h", name="timestamp")
    return hourly.reindex(index)

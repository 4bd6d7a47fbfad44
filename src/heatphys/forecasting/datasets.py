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


def read_nis_scada(path: str | Path) -> pd.DataFrame:
    """One Niš substation's SCADA file as hourly data, sentinels removed.

    Heat [kW] is the difference of the cumulative meter ``e`` [MWh] between the last
    readings of consecutive hours ×1000. Readings of 0 or −39.9 (outages and summer) are
    dropped; a negative step or one above 5 MW in an hour (meter reset or a jump over a
    gap) leaves that hour missing. Temperatures are hourly means of the valid readings:
    ``outdoor_temp_c`` (t_amb), ``set_supply_temp_c`` (t_ref), ``supply_temp_c``
    (t_sup_sec), ``return_temp_c`` (t_ret_sec), primary ``primary_supply_temp_c``.
    """
    raw = pd.read_csv(path, parse_dates=["datetime"]).sort_values("datetime")
    raw = raw.set_index("datetime")
    temps = raw[["t_amb", "t_ref", "t_sup_sec", "t_ret_sec", "t_sup_prim"]]
    temps = temps.where((temps != -39.9) & (temps != 0.0) & (temps > -35))
    energy = raw["e"].where(raw["e"] > 0)
    hour = raw.index.floor("h")
    hourly = temps.groupby(hour).mean()
    e_last = energy.groupby(hour).last()
    index = pd.date_range(hourly.index.min(), hourly.index.max(), freq="h", name="timestamp")
    e_last = e_last.reindex(index)
    step_mwh = e_last.diff()
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

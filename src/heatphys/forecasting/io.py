"""Reading and checking hourly demand and weather tables.

The command line and the models share one tabular convention: a ``DatetimeIndex`` named
``timestamp`` (hourly, local time, no time zone) and columns whose names carry their unit,
``outdoor_temp_c`` [°C] and ``heat_kw`` [kW]. Optional weather columns are
``wind_speed_m_s`` [m/s] and ``solar_w_m2`` [W/m², global horizontal irradiance].

Timestamps are ISO 8601 only (``2026-01-02 03:00``, ``2026-01-02T03:00:00+01:00``):
``01/02/2026`` could be 1 February or 2 January, so such a file is refused, not guessed.
Rows may come in any order (they are sorted). A timestamp written twice with different
values is refused (which row is right?), except when the two carry different UTC offsets
(the hour repeated when clocks go back), which are averaged. Values must be finite;
empty cells are missing values (see :func:`gap_report`).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

HISTORY_COLUMNS = ("outdoor_temp_c", "heat_kw")
WEATHER_COLUMNS = ("outdoor_temp_c",)
OPTIONAL_WEATHER_COLUMNS = ("wind_speed_m_s", "solar_w_m2")


class DemandDataError(ValueError):
    """A history or weather table that cannot be used, with a message fit for a user."""


def _read_csv(path: str | Path) -> pd.DataFrame:
    path = Path(path)
    if not path.is_file():
        raise DemandDataError(f"{path}: no such file")
    try:
        frame = pd.read_csv(path)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise DemandDataError(f"{path}: not a readable CSV file ({exc})") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


ISO_HINT = "ISO 8601 (YYYY-MM-DD HH:MM, e.g. 2026-02-01 06:00)"


def parse_iso_timestamps(values: pd.Series, source: str, column: str = "timestamp"):
    """ISO 8601 date-times, or a :class:`DemandDataError` naming the first other value
    (day-first or month-first dates such as 01/02/2026 are ambiguous: refused)."""
    try:
        return pd.to_datetime(values, format="ISO8601")
    except (ValueError, TypeError):
        for value in values:
            try:
                pd.to_datetime(pd.Series([value]), format="ISO8601")
            except (ValueError, TypeError):
                raise DemandDataError(
                    f"{source}: {column} {value!r} is not {ISO_HINT}; other date formats "
                    "(01/02/2026: January or February?) are refused, not guessed"
                ) from None
        raise


def _refuse_conflicting_duplicates(frame: pd.DataFrame, columns, source: str) -> None:
    """A timestamp written twice (same text) with different values: refuse, naming it."""
    if "timestamp" not in frame.columns:
        return
    stamps = frame["timestamp"].astype(str).str.strip()
    repeated = stamps.duplicated(keep=False).to_numpy()
    if not repeated.any():
        return
    present = [c for c in columns if c in frame.columns]
    values = frame.loc[repeated, present].apply(pd.to_numeric, errors="coerce")
    values.insert(0, "stamp", stamps[repeated].to_numpy())
    for stamp, rows in values.groupby("stamp", sort=False):
        for column in present:
            distinct = rows[column].drop_duplicates()
            if len(distinct) > 1:
                shown = ", ".join(f"{v:g}" for v in distinct.iloc[:3])
                raise DemandDataError(
                    f"{source}: timestamp {stamp} appears {len(rows)} times with different "
                    f"{column} ({shown}); keep one row per hour (for the hour repeated when "
                    "clocks go back, give UTC offsets, e.g. +02:00 and +01:00)"
                )


def gap_report(data: pd.DataFrame, column: str, source: str) -> str | None:
    """One line on the hours without ``column`` between the table's first and last hour
    (missing rows and empty cells), the longest run with its start; None when complete."""
    if not len(data):
        return None
    grid = pd.date_range(data.index.min(), data.index.max(), freq="h")
    present = data[column].reindex(grid).notna().to_numpy()
    n_missing = int((~present).sum())
    if n_missing == 0:
        return None
    edges = np.diff(np.r_[0, (~present).astype(int), 0])
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    longest = int(np.argmax(ends - starts))
    return (
        f"{source}: {n_missing} of {len(grid)} hours have no {column} (longest gap "
        f"{ends[longest] - starts[longest]} h from {grid[starts[longest]]:%Y-%m-%d %H:%M})"
    )


def tidy_hourly(
    frame: pd.DataFrame, required: tuple[str, ...], source: str = "table"
) -> pd.DataFrame:
    """Check a table and put it on its own hourly grid, without mutating the input.

    Parameters
    ----------
    frame : DataFrame
        Either with a ``timestamp`` column or a ``DatetimeIndex``; must hold ``required``.
    required : tuple of str
        Columns that must be present and numeric.
    source : str
        Name used in error messages (usually the file name).

    Returns
    -------
    DataFrame
        Sorted, duplicate timestamps averaged (the autumn daylight-saving hour), floored to
        the hour and averaged within each hour (sub-hourly data), numeric columns as float.
        Hours missing from the input stay missing: no rows are invented here.

    Raises
    ------
    DemandDataError
        Missing columns, unparseable timestamps or non-numeric values.
    """
    data = frame.copy()
    if "timestamp" in data.columns:
        stamps = parse_iso_timestamps(data.pop("timestamp"), source)
        try:
            data.index = pd.DatetimeIndex(stamps)
        except (ValueError, TypeError) as exc:
            raise DemandDataError(f"{source}: unreadable timestamp ({exc})") from None
    elif not isinstance(data.index, pd.DatetimeIndex):
        raise DemandDataError(f"{source}: needs a 'timestamp' column")
    missing = [c for c in required if c not in data.columns]
    if missing:
        raise DemandDataError(
            f"{source}: missing column(s) {', '.join(missing)}; expected "
            f"timestamp,{','.join(required)}"
        )
    if data.index.tz is not None:
        # Local clock time is what the dispatch centre plans in; drop the offset after
        # converting, so mixed files compare equal.
        data.index = data.index.tz_localize(None)
    if data.index.hasnans:
        raise DemandDataError(f"{source}: empty timestamp")
    keep = list(required) + [c for c in OPTIONAL_WEATHER_COLUMNS if c in data.columns]
    data = data[keep]
    for column in keep:
        values = pd.to_numeric(data[column], errors="coerce")
        bad = values.isna() & data[column].notna()
        if bad.any():
            first = data.index[bad.to_numpy()][0]
            raise DemandDataError(
                f"{source}: non-numeric {column} {data[column][bad].iloc[0]!r} at {first}"
            )
        if np.isinf(values).any():
            first = data.index[np.isinf(values).to_numpy()][0]
            raise DemandDataError(f"{source}: {column} is not a finite number at {first}")
        data[column] = values.astype(float)
    if len(data) == 0:
        raise DemandDataError(f"{source}: no rows")
    data.index = data.index.floor("h")
    data = data.groupby(level=0).mean()
    data.index.name = "timestamp"
    return data


def read_history_csv(path: str | Path) -> pd.DataFrame:
    """Read ``timestamp,outdoor_temp_c,heat_kw`` (hourly, gaps allowed) as a tidy frame."""
    raw = _read_csv(path)
    _refuse_conflicting_duplicates(raw, HISTORY_COLUMNS, str(path))
    data = tidy_hourly(raw, HISTORY_COLUMNS, source=str(path))
    if data["heat_kw"].notna().sum() < 48:
        raise DemandDataError(f"{path}: fewer than 48 hours with heat_kw")
    return data


def read_weather_csv(path: str | Path) -> pd.DataFrame:
    """Read ``timestamp,outdoor_temp_c`` (hourly) as a tidy frame; every row needs a value."""
    raw = _read_csv(path)
    _refuse_conflicting_duplicates(raw, WEATHER_COLUMNS, str(path))
    data = tidy_hourly(raw, WEATHER_COLUMNS, source=str(path))
    if data["outdoor_temp_c"].isna().any():
        first = data.index[data["outdoor_temp_c"].isna().to_numpy()][0]
        raise DemandDataError(f"{path}: missing outdoor_temp_c at {first}")
    return data


def regular_hours(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame reindexed onto a gap-free hourly grid (new rows are NaN)."""
    index = pd.date_range(frame.index.min(), frame.index.max(), freq="h", name="timestamp")
    return frame.reindex(index)


def fill_temperature(temp_c: pd.Series, limit_h: int = 72) -> pd.Series:
    """Outdoor temperature with gaps filled by time interpolation (then edge filling).

    Thermal-inertia filters need an unbroken series; a few missing weather hours are far
    less harmful than restarting the filter.
    """
    if len(temp_c) and not temp_c.isna().any():  # nothing to fill (and interpolate is slow)
        return temp_c.astype(float)
    filled = temp_c.interpolate(method="time", limit=limit_h, limit_area="inside")
    filled = filled.ffill().bfill()
    if filled.isna().any():
        raise DemandDataError("outdoor_temp_c is empty")
    return filled


def write_forecast_csv(heat_kw: pd.Series, path: str | Path) -> None:
    """Write ``timestamp,heat_kw`` (ISO timestamps, kW rounded to 0.001)."""
    out = pd.DataFrame(
        {
            "timestamp": heat_kw.index.strftime("%Y-%m-%dT%H:%M:%S"),
            "heat_kw": np.round(heat_kw.to_numpy(dtype=float), 3),
        }
    )
    out.to_csv(path, index=False)

"""Rolling day-ahead backtest (design §8, ``heatphys backtest``)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from .io import fill_temperature, regular_hours
from .models import DayAheadModel


def rolling_day_ahead(
    history: pd.DataFrame,
    actual: pd.DataFrame,
    model_factory: Callable[[], object] = DayAheadModel,
    refit_every_days: int = 28,
    pool=None,
    forecast_weather: pd.DataFrame | None = None,
) -> pd.Series:
    """Forecast each day of ``actual`` from ``history`` and the rows of ``actual`` before it.

    For every calendar day D present in ``actual`` the 24 hours of D are forecast with D's
    outdoor temperature from ``actual`` taken as the weather forecast, and the load of
    ``history`` and of ``actual`` before D as the known past. The model is refitted on all
    load known before D every ``refit_every_days`` days (refitting daily changes little and
    costs a fit per day); between refits its inputs still move forward day by day.

    Parameters
    ----------
    history, actual : DataFrame
        Hourly ``outdoor_temp_c`` [°C] and ``heat_kw`` [kW]; gaps allowed.
    model_factory : callable
        Returns an unfitted model with ``fit`` and ``predict`` (see
        :mod:`heatphys.forecasting.models`). :class:`DayAheadModel` is vectorised over
        days through ``predict_frame``; other models are called once per block of days.
    refit_every_days : int
    pool : sequence of DataFrame, optional
        Load of other substations (same columns) for a pooled :class:`DayAheadModel`;
        at each refit only their rows before the first forecast day are used.
    forecast_weather : DataFrame, optional
        Hourly forecast ``outdoor_temp_c`` indexed by ``timestamp`` (as
        :func:`heatphys.forecasting.weather.forecast_known_before` returns: for each day the
        forecast known when it was planned). Day D's hours then take these values instead
        of the measured ones; the days before D keep their measurements (they were known).
        Hours of D without a forecast are interpolated from D's forecast hours; a day
        without any keeps its measured temperature (count them with
        :func:`days_without_forecast`). Models are fitted on measurements either way.

    Returns
    -------
    Series
        ``heat_kw`` [kW] for the 24 hours of each day of ``actual``.
    """
    combined = pd.concat([history, actual[~actual.index.isin(history.index)]]).sort_index()
    combined = combined[~combined.index.duplicated(keep="last")]
    days = pd.DatetimeIndex(sorted(set(actual.index.floor("D"))))
    grid = regular_hours(combined)
    end = days.max() + pd.Timedelta(hours=23)
    grid = grid.reindex(pd.date_range(grid.index.min(), max(end, grid.index.max()), freq="h"))
    grid.index.name = "timestamp"
    grid["outdoor_temp_c"] = fill_temperature(grid["outdoor_temp_c"])
    out = []
    block_start = 0
    while block_start < len(days):
        first = days[block_start]
        block = days[(days >= first) & (days < first + pd.Timedelta(days=refit_every_days))]
        known = combined[combined.index < first]
        model = model_factory()
        if pool is not None and isinstance(model, DayAheadModel):
            model.fit(known, pool=[other[other.index < first] for other in pool])
        else:
            model.fit(known)
        hours = grid.index[grid.index.floor("D").isin(block)]
        if forecast_weather is not None:
            out.append(_predict_days_with_forecast(model, grid, block, known, forecast_weather))
        elif isinstance(model, DayAheadModel) and model.regressor_ is not None:
            # Every load feature of day D comes from days before D, so predicting the block
            # in one pass equals predicting it day by day.
            window = grid[
                (grid.index >= first - pd.Timedelta(days=8)) & (grid.index <= hours.max())
            ]
            pred = model.predict_frame(window).reindex(hours)
        else:
            base = model.baseline_ if isinstance(model, DayAheadModel) else model
            pred = base.predict(grid.loc[hours, ["outdoor_temp_c"]], known)
        if forecast_weather is None:
            out.append(pred)
        block_start += len(block)
    result = pd.concat(out)
    result.name = "heat_kw"
    result.index.name = "timestamp"
    return result.astype(float).clip(lower=0.0).where(np.isfinite(result))


def _forecast_for_day(grid: pd.DataFrame, day, forecast_weather: pd.DataFrame) -> pd.Series | None:
    """Day ``day``'s hourly forecast temperature on the grid's hours (None: no forecast)."""
    hours = grid.index[(grid.index >= day) & (grid.index < day + pd.Timedelta(days=1))]
    fc = forecast_weather["outdoor_temp_c"].reindex(hours)
    if fc.notna().sum() == 0:
        return None
    if fc.isna().any():
        fc = fc.interpolate(method="time", limit_direction="both")
    return fc


def days_without_forecast(actual: pd.DataFrame, forecast_weather: pd.DataFrame) -> list:
    """The days of ``actual`` that ``forecast_weather`` has no hour for."""
    days = pd.DatetimeIndex(sorted(set(actual.index.floor("D"))))
    have = set(forecast_weather["outdoor_temp_c"].dropna().index.floor("D"))
    return [d for d in days if d not in have]


def _predict_days_with_forecast(model, grid, block, known, forecast_weather) -> pd.Series:
    """Each day of ``block`` with its own forecast and the measurements before it (a day's
    lagged-temperature features must see the measured past, not earlier forecasts)."""
    out = []
    for day in block:
        end = day + pd.Timedelta(hours=23)
        # the block's window start, as the one-pass prediction (the temperature filters
        # start there), so a forecast equal to the measurement gives the same numbers
        window = grid[(grid.index >= block[0] - pd.Timedelta(days=8)) & (grid.index <= end)]
        window = window.copy()
        hours = window.index[window.index >= day]
        fc = _forecast_for_day(window, day, forecast_weather)
        if fc is not None:
            window.loc[hours, "outdoor_temp_c"] = fc.to_numpy()
        if isinstance(model, DayAheadModel) and model.regressor_ is not None:
            pred = model.predict_frame(window).reindex(hours)
        else:
            base = model.baseline_ if isinstance(model, DayAheadModel) else model
            pred = base.predict(window.loc[hours, ["outdoor_temp_c"]], known)
        out.append(pred)
    return pd.concat(out)

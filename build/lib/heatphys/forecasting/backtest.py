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
        if isinstance(model, DayAheadModel) and model.regressor_ is not None:
            # Every load feature of day D comes from days before D, so predicting the block
            # in one pass equals predicting it day by day.
            window = grid[
                (grid.index >= first - pd.Timedelta(days=8)) & (grid.index <= hours.max())
            ]
            pred = model.predict_frame(window).reindex(hours)
        else:
            base = model.baseline_ if isinstance(model, DayAheadModel) else model
            pred = base.predict(grid.loc[hours, ["outdoor_temp_c"]], known)
        out.append(pred)
        block_start += len(block)
    result = pd.concat(out)
    result.name = "heat_kw"
    result.index.name = "timestamp"
    return result.astype(float).clip(lower=0.0).where(np.isfinite(result))

"""Fitting the demand models of many substations at once, optionally in parallel processes.

A dispatch centre refits every substation's models from its meter history (design §6):
150 substations × a season of hourly data. Each fit is small and single-threaded (see
:class:`~heatphys.forecasting.models.DayAheadModel`), so the work splits cleanly over
processes, one chunk of substations per process.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor

import pandas as pd

from .models import ChangePointModel, DayAheadModel, DesignDemandModel


def fit_substation(history: pd.DataFrame) -> dict:
    """The three demand models of one substation fitted on its history.

    Returns ``{"changepoint": …, "design": …, "dayahead": …}``; the day-ahead model reuses
    the change-point model as its baseline. A history too short for the change-point model
    (fewer than 3 measured days) gets the design model alone and ``None`` for the others.
    """
    design = DesignDemandModel().fit(history)
    try:
        baseline = ChangePointModel().fit(history)
    except ValueError:
        return {"changepoint": None, "design": design, "dayahead": None}
    day_ahead = DayAheadModel(baseline=baseline).fit(history)
    return {"changepoint": baseline, "design": design, "dayahead": day_ahead}


def _fit_chunk(histories: list[pd.DataFrame]) -> list[dict]:
    return [fit_substation(h) for h in histories]


def fit_substations(histories, n_jobs: int = 1) -> list[dict]:
    """:func:`fit_substation` for each history, in order.

    Parameters
    ----------
    histories : sequence of DataFrame
        Hourly ``outdoor_temp_c`` [°C] and ``heat_kw`` [kW] of each substation.
    n_jobs : int
        Processes to use (1: in this process). Processes are started fresh ("forkserver")
        because forking a process whose OpenMP runtime is initialised can deadlock.
    """
    histories = list(histories)
    if n_jobs <= 1 or len(histories) < 2:
        return _fit_chunk(histories)
    n_jobs = min(n_jobs, len(histories))
    chunks = [histories[i::n_jobs] for i in range(n_jobs)]
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(max_workers=n_jobs, mp_context=context) as pool:
        fitted = list(pool.map(_fit_chunk, chunks))
    out: list[dict] = [{} for _ in histories]
    for j, chunk_models in enumerate(fitted):
        for k, models in enumerate(chunk_models):
            out[j + k * n_jobs] = models
    return out

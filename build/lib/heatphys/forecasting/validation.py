"""Validation of the demand, curve and indoor models on the public real data sets.

Used by the slow real-data tests and by ``benchmarks/demand_planning.py``; the numbers go to
docs/demand-models.md and docs/benchmarks.md. Every figure is out-of-sample: models are
fitted on earlier data (or other weeks) than they are scored on.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..curves import fit_heating_curve, setpoints
from ..indoor import IndoorModel
from .backtest import rolling_day_ahead
from .datasets import read_flensburg, read_nis_15min, read_nis_indoor, read_nis_scada
from .metrics import block_bootstrap_interval, daily_ape_percent, daily_energy, score
from .models import ChangePointModel, DayAheadModel, DayAheadOptions, DesignDemandModel

MODELS = {"changepoint": ChangePointModel, "design": DesignDemandModel, "dayahead": DayAheadModel}
FLENSBURG_HEATING_MONTHS = (10, 11, 12, 1, 2, 3, 4)
"""German heating period, 1 October – 30 April."""
NIS_HEATING_MONTHS = (11, 12, 1, 2, 3)


def flensburg_demand(
    folder: str | Path, models=("changepoint", "design", "dayahead"), tuning: bool = False
) -> dict:
    """Rolling day-ahead backtest on 2015 with 2014 as history; scores per model and period.

    With ``tuning`` the backtest runs instead over Oct–Dec 2014 with Jan–Sep 2014 as
    history: the period on which the day-ahead model's features and settings were chosen
    (2015 stays held out). Returns ``{model: {"year": score, "heating_season": score}}`` with the scores of
    :func:`heatphys.forecasting.metrics.score` (daily MAPE, hourly CV(RMSE) and NMBE).
    """
    data = read_flensburg(Path(folder))[["outdoor_temp_c", "heat_kw"]]
    if tuning:
        history, actual = data.loc[:"2014-09-30"], data.loc["2014-10-01":"2014-12-31"]
    else:
        history, actual = data.loc["2014"], data.loc["2015"]
    heating = actual.index.month.isin(FLENSBURG_HEATING_MONTHS)
    out = {}
    for name in models:
        pred = rolling_day_ahead(history, actual, MODELS[name]).reindex(actual.index)
        out[name] = {
            "year": score(actual["heat_kw"], pred),
            "heating_season": score(actual["heat_kw"][heating], pred[heating]),
            "prediction": pred,
        }
    return out


NIS_TEST_SEASON = 2023
"""Niš season reported as held out (2023/24); 2022/23 was used for tuning."""


def nis_demand(
    folder: str | Path,
    substation: str,
    models=("changepoint", "dayahead"),
    season_start_year: int = NIS_TEST_SEASON,
) -> dict:
    """Backtest of one Niš substation over one season, with all earlier data as history.

    Rolling over October of ``season_start_year`` to April of the next year (2023: the
    held-out season reported in docs/demand-models.md; 2022: the season the day-ahead
    model's features and settings were tuned on). Scores on the Nov–Mar hours; days need
    20 measured hours to enter the daily MAPE.
    """
    data = read_nis_scada(Path(folder) / f"xai4heat_scada_{substation}.csv")
    data = data[["outdoor_temp_c", "heat_kw"]]
    y = season_start_year
    history = data.loc[: f"{y}-09-30"]
    actual = data.loc[f"{y}-10-01" : f"{y + 1}-04-30"]
    season = actual.index.month.isin(NIS_HEATING_MONTHS)
    out = {}
    for name in models:
        pred = rolling_day_ahead(history, actual, MODELS[name]).reindex(actual.index)
        out[name] = score(actual["heat_kw"][season], pred[season], min_hours=20)
    return out


NIS_FRESH_SEASON_FILE = "xai4heat_2024-25_{substation}.csv"
"""Niš 2024/25 (15-minute rows from 2024-11-17): never used for any demand-model choice."""


def nis_demand_2024_25(
    folder: str | Path, substation: str, models=("changepoint", "dayahead")
) -> dict:
    """Fresh held-out backtest of one Niš substation on the 2024/25 season.

    History is the cleaned SCADA file (:func:`read_nis_scada`, ends 2024-04-04); the
    season is read with :func:`read_nis_15min` (heat = sum of ``qizm`` per hour). Every day
    from 2024-11-17 to 2025-03-31 is forecast by the same rolling day-ahead backtest as
    :func:`nis_demand` from the SCADA history plus the 2024/25 rows before it, and scored
    on the Nov–Mar hours (days need 20 measured hours to enter the daily MAPE).

    Returns ``{model: score}`` (:func:`heatphys.forecasting.metrics.score` plus ``days``,
    the number of days in the daily MAPE) and ``units``: the median daily energy [MWh] in
    Dec–Feb of 2024/25 (from ``qizm``) and of 2023/24 (from the SCADA counter), to check
    that ``qizm`` is kWh per step.
    """
    folder = Path(folder)
    history = read_nis_scada(folder / f"xai4heat_scada_{substation}.csv")
    history = history[["outdoor_temp_c", "heat_kw"]].loc[:"2024-04-30"]
    actual = read_nis_15min(folder / NIS_FRESH_SEASON_FILE.format(substation=substation))
    actual = actual[["outdoor_temp_c", "heat_kw"]]
    season = actual.index.month.isin(NIS_HEATING_MONTHS)

    def winter_daily_mwh(heat_kw, start, end):
        return float(daily_energy(heat_kw.loc[start:end], min_hours=24).median() / 1000.0)

    out = {
        "units": {
            "daily_mwh_2024_25": winter_daily_mwh(actual["heat_kw"], "2024-12-01", "2025-02-28"),
            "daily_mwh_2023_24": winter_daily_mwh(history["heat_kw"], "2023-12-01", "2024-02-29"),
        }
    }
    for name in models:
        pred = rolling_day_ahead(history, actual, MODELS[name]).reindex(actual.index)
        measured, predicted = actual["heat_kw"][season], pred[season]
        result = score(measured, predicted, min_hours=20)
        both = measured.notna() & predicted.notna()
        days = daily_energy(measured.where(both), min_hours=20)
        result["days"] = int((days.notna() & (days != 0)).sum())
        out[name] = result
    return out


SESSION_2_OPTIONS = DayAheadOptions(
    min_samples_leaf=60, l2_regularization=1.0, daily_ratio_weight=0.0
)
"""The day-ahead settings before session 3 (no daily ratio stage, leaves ≥ 60 h, L2 1),
kept to compare the two versions on the held-out seasons."""


def _interval_row(daily_ape: pd.Series, level: float) -> dict:
    low, high = block_bootstrap_interval(daily_ape.to_numpy(), level=level)
    return {
        "daily_mape_pct": float(daily_ape.mean()),
        "low": low,
        "high": high,
        "days": int(len(daily_ape)),
    }


def heldout_intervals(folder: str | Path, level: float = 0.9) -> dict:
    """Daily MAPE of each model on every held-out season with its block-bootstrap interval.

    Seasons: Flensburg 2015 Oct–Apr (history 2014), Niš 2023/24 (L4, L8, L12) and Niš
    2024/25 (L4, L12), each by the same rolling backtest as :func:`flensburg_demand`,
    :func:`nis_demand` and :func:`nis_demand_2024_25`. Models: the change-point baseline,
    the day-ahead model and its session-2 settings (:data:`SESSION_2_OPTIONS`). Besides each
    model's interval, the paired per-day differences "day-ahead − session 2" and "day-ahead
    − change-point" get theirs: how much of a difference between two versions, or between
    a score and a target, one season can resolve. Nothing here chooses anything.
    """
    folder = Path(folder)
    factories = {
        "changepoint": ChangePointModel,
        "dayahead": DayAheadModel,
        "session2": lambda: DayAheadModel(SESSION_2_OPTIONS),
    }
    seasons = []
    data = read_flensburg(folder / "flensburg")[["outdoor_temp_c", "heat_kw"]]
    seasons.append(
        ("Flensburg 2015", data.loc["2014"], data.loc["2015"], FLENSBURG_HEATING_MONTHS, 24)
    )
    for substation in ("L4", "L8", "L12"):
        scada = read_nis_scada(folder / "nis" / f"xai4heat_scada_{substation}.csv")
        scada = scada[["outdoor_temp_c", "heat_kw"]]
        y = NIS_TEST_SEASON
        seasons.append(
            (
                f"Niš {substation} {y}/{(y + 1) % 100:02d}",
                scada.loc[: f"{y}-09-30"],
                scada.loc[f"{y}-10-01" : f"{y + 1}-04-30"],
                NIS_HEATING_MONTHS,
                20,
            )
        )
        fresh = folder / "nis" / NIS_FRESH_SEASON_FILE.format(substation=substation)
        if fresh.exists():
            actual = read_nis_15min(fresh)[["outdoor_temp_c", "heat_kw"]]
            seasons.append(
                (
                    f"Niš {substation} 2024/25",
                    scada.loc[:"2024-04-30"],
                    actual,
                    NIS_HEATING_MONTHS,
                    20,
                )
            )
    out = {}
    for name, history, actual, months, min_hours in seasons:
        scored = actual.index.month.isin(months)
        measured = actual["heat_kw"][scored]
        ape = {}
        for model, factory in factories.items():
            pred = rolling_day_ahead(history, actual, factory).reindex(actual.index)
            ape[model] = daily_ape_percent(measured, pred[scored], min_hours)
        row = {model: _interval_row(values, level) for model, values in ape.items()}
        for other in ("session2", "changepoint"):
            days = ape["dayahead"].index.intersection(ape[other].index)
            row[f"dayahead-{other}"] = _interval_row(
                ape["dayahead"][days] - ape[other][days], level
            )
        out[name] = row
    return out


def nis_heating_curve(folder: str | Path, substation: str) -> dict:
    """Fit the secondary heating curve on seasons before 2023/24, score it on 2023/24.

    Only operating hours enter (heat above a quarter of the season's median: the Niš
    substations switch off at night, when the secondary temperatures fall towards the room
    and say nothing about the curve). Returns the fitted curve and the mean absolute error
    [K] of predicted secondary supply and return and of the controller's set-point t_ref.
    """
    data = read_nis_scada(Path(folder) / f"xai4heat_scada_{substation}.csv")
    # A temperature reading at H:00 sits between the hour ending at H and the hour starting
    # at H (the heat of the hour starting at H): both must be operating hours.
    running = (
        data["heat_kw"]
        > 0.25 * data.loc[data.index.month.isin(NIS_HEATING_MONTHS), "heat_kw"].median()
    )
    data = data[
        data.index.month.isin(NIS_HEATING_MONTHS) & running & running.shift(1, fill_value=False)
    ]
    train = data.loc[:"2023-09-30"]
    test = data.loc["2023-10-01":]
    curve = fit_heating_curve(
        train["outdoor_temp_c"], train["supply_temp_c"], train["return_temp_c"]
    )
    sp = setpoints(test["outdoor_temp_c"].to_numpy(), curve)
    return {
        "curve": curve,
        "supply_mae_k": float(np.nanmean(np.abs(sp["supply_temp_c"] - test["supply_temp_c"]))),
        "return_mae_k": float(np.nanmean(np.abs(sp["return_temp_c"] - test["return_temp_c"]))),
        "set_point_mae_k": float(
            np.nanmean(np.abs(sp["supply_temp_c"] - test["set_supply_temp_c"]))
        ),
        "hours": int(test["supply_temp_c"].notna().sum()),
    }


def nis_indoor(folder: str | Path, substation: str, held_out_every: int = 3) -> dict:
    """Calibrate the RC model on the 2024/25 apartment sensors, score it on held-out weeks.

    Weeks (counted from the first hour) ``w % held_out_every == held_out_every - 1`` are held
    out; the model is fitted on the others. Each held-out week is simulated from its first
    measured indoor temperature with the measured heat and outdoor temperature. Also
    returns the error of a persistence forecast (indoor stays at the week's first value) and
    of a chronological split (fit before 2025-02-10, score after).
    """
    data = read_nis_indoor(Path(folder) / f"xai4heat_2024-25_{substation}.csv")
    t_out = data["outdoor_temp_c"].interpolate().bfill().ffill().to_numpy()
    heat = data["heat_kw"].fillna(0.0).to_numpy()
    t_in = data["indoor_temp_c"].to_numpy()
    week = ((data.index - data.index[0]).days // 7).to_numpy()

    def evaluate(train_mask, test_weeks):
        model = IndoorModel().fit(np.where(train_mask, t_in, np.nan), t_out, heat)
        errs, persist = [], []
        for w in test_weeks:
            idx = np.flatnonzero(week == w)
            meas = t_in[idx]
            ok = np.flatnonzero(np.isfinite(meas))
            if ok.size < 24:
                continue
            i0 = idx[ok[0]]
            sel = idx[ok[0] :]
            pred = model.predict(t_out[sel], heat[sel], t_in[i0])
            good = np.isfinite(t_in[sel])
            errs.append(np.abs(pred - t_in[sel])[good])
            persist.append(np.abs(t_in[i0] - t_in[sel])[good])
        return model, float(np.mean(np.concatenate(errs))), float(np.mean(np.concatenate(persist)))

    held = week % held_out_every == held_out_every - 1
    model, mae, persistence = evaluate(~held, sorted(set(week[held])))
    split = np.asarray(data.index < pd.Timestamp("2025-02-10"))
    _, chrono_mae, chrono_persistence = evaluate(split, sorted(set(week[~split])))
    return {
        "params": model.params,
        "held_out_mae_k": mae,
        "persistence_mae_k": persistence,
        "chronological_mae_k": chrono_mae,
        "chronological_persistence_mae_k": chrono_persistence,
    }

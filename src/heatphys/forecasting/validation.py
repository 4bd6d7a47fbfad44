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
from ..solar import cloudy_sky_ghi_w_m2
from .backtest import rolling_day_ahead
from .changepoint_batch import (
    fit_change_point,
    fit_persistence,
    predict_day_with_persistence,
)
from .datasets import read_flensburg, read_nis_15min, read_nis_indoor, read_nis_scada
from .io import fill_temperature, regular_hours
from .metrics import block_bootstrap_interval, daily_ape_percent, daily_energy, score
from .models import (
    FEATURES,
    LINEAR_FEATURES,
    ChangePointModel,
    DayAheadModel,
    DayAheadOptions,
    DesignDemandModel,
)
from .weather import (
    debias_forecast,
    forecast_known_before,
    forecasts_from_series,
    synthetic_forecasts,
)

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


SESSION_3_FEATURES = tuple(f for f in FEATURES if f != "days_in_operation")
SESSION_3_LINEAR_FEATURES = tuple(f for f in LINEAR_FEATURES if f != "memory_gap_k")

SESSION_2_OPTIONS = DayAheadOptions(
    min_samples_leaf=60,
    l2_regularization=1.0,
    daily_ratio_weight=0.0,
    features=SESSION_3_FEATURES,
    linear_features=SESSION_3_LINEAR_FEATURES,
)
"""The day-ahead settings before session 3 (no daily ratio stage, leaves ≥ 60 h, L2 1),
kept to compare the two versions on the held-out seasons."""

SESSION_3_OPTIONS = DayAheadOptions(
    features=SESSION_3_FEATURES, linear_features=SESSION_3_LINEAR_FEATURES
)
"""The day-ahead settings of sessions 3–5 (before the operating-run feature and the thermal
memory in the linear stage), kept to report the new version beside the old one."""


def _interval_row(daily_ape: pd.Series, level: float) -> dict:
    low, high = block_bootstrap_interval(daily_ape.to_numpy(), level=level)
    return {
        "daily_mape_pct": float(daily_ape.mean()),
        "low": low,
        "high": high,
        "days": int(len(daily_ape)),
    }


def _nis_scada_season(scada, substation: str, year: int) -> tuple:
    """``(name, history, actual, scored_months, min_hours)`` of one Niš heating season from a
    SCADA file: history up to 30 September, the season October–April, scored Nov–Mar, days of
    ≥ 20 hours."""
    return (
        f"Niš {substation} {year}/{(year + 1) % 100:02d}",
        scada.loc[: f"{year}-09-30"],
        scada.loc[f"{year}-10-01" : f"{year + 1}-04-30"],
        NIS_HEATING_MONTHS,
        20,
    )


def heldout_seasons(folder: str | Path) -> list[tuple]:
    """The held-out seasons every held-out report scores, in one place.

    ``folder`` holds ``flensburg/`` and ``nis/``. Returns tuples ``(name, history, actual,
    scored_months, min_hours, fresh_file)``: Flensburg 2015 (history 2014, Oct–Apr, days of
    24 hours), Niš 2023/24 for L4, L8, L12 (history up to 2023-09-30) and Niš 2024/25 where
    its file exists (history = the SCADA file to 2024-04-30; Nov–Mar, days of ≥ 20 hours).
    ``fresh_file`` is the path of the 2024/25 file (it carries the forecast column), else
    None. Frames hold ``outdoor_temp_c`` and ``heat_kw``.
    """
    folder = Path(folder)
    data = read_flensburg(folder / "flensburg")[["outdoor_temp_c", "heat_kw"]]
    seasons = [
        ("Flensburg 2015", data.loc["2014"], data.loc["2015"], FLENSBURG_HEATING_MONTHS, 24, None)
    ]
    y = NIS_TEST_SEASON
    for substation in ("L4", "L8", "L12"):
        scada = read_nis_scada(folder / "nis" / f"xai4heat_scada_{substation}.csv")
        scada = scada[["outdoor_temp_c", "heat_kw"]]
        seasons.append((*_nis_scada_season(scada, substation, y), None))
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
                    fresh,
                )
            )
    return seasons


def heldout_intervals(folder: str | Path, level: float = 0.9) -> dict:
    """Daily MAPE of each model on every held-out season with its block-bootstrap interval.

    Seasons: Flensburg 2015 Oct–Apr (history 2014), Niš 2023/24 (L4, L8, L12) and Niš
    2024/25 (L4, L12), each by the same rolling backtest as :func:`flensburg_demand`,
    :func:`nis_demand` and :func:`nis_demand_2024_25`. Models: the change-point baseline,
    the day-ahead model, its session-2 settings (:data:`SESSION_2_OPTIONS`) and its
    sessions 3–5 settings (:data:`SESSION_3_OPTIONS`). Besides each model's interval, the
    paired per-day differences "day-ahead − session 2", "day-ahead − session 3" and
    "day-ahead − change-point" get theirs: how much of a difference between two versions, or between
    a score and a target, one season can resolve. Nothing here chooses anything.
    """
    folder = Path(folder)
    factories = {
        "changepoint": ChangePointModel,
        "dayahead": DayAheadModel,
        "session2": lambda: DayAheadModel(SESSION_2_OPTIONS),
        "session3": lambda: DayAheadModel(SESSION_3_OPTIONS),
    }
    out = {}
    for name, history, actual, months, min_hours, _ in heldout_seasons(folder):
        scored = actual.index.month.isin(months)
        measured = actual["heat_kw"][scored]
        ape = {}
        for model, factory in factories.items():
            pred = rolling_day_ahead(history, actual, factory).reindex(actual.index)
            ape[model] = daily_ape_percent(measured, pred[scored], min_hours)
        row = {model: _interval_row(values, level) for model, values in ape.items()}
        for other in ("session2", "session3", "changepoint"):
            days = ape["dayahead"].index.intersection(ape[other].index)
            row[f"dayahead-{other}"] = _interval_row(
                ape["dayahead"][days] - ape[other][days], level
            )
        out[name] = row
    return out


def tuning_seasons(folder: str | Path) -> list[tuple]:
    """The training seasons every model choice is made on (never the held-out ones).

    ``folder`` holds ``flensburg/`` and ``nis/``. Returns tuples ``(name, history, actual,
    scored_months, min_hours)``: Niš L4 2020/21–2022/23, L8 and L12 2021/22–2022/23 (each
    with all earlier SCADA rows as history, rolled over Oct–Apr, scored Nov–Mar, days of
    ≥ 20 hours) and Flensburg Oct–Dec 2014 (history Jan–Sep 2014, days of 24 hours).
    """
    folder = Path(folder)
    seasons = []
    for substation, years in (
        ("L4", (2020, 2021, 2022)),
        ("L8", (2021, 2022)),
        ("L12", (2021, 2022)),
    ):
        scada = read_nis_scada(folder / "nis" / f"xai4heat_scada_{substation}.csv")
        scada = scada[["outdoor_temp_c", "heat_kw"]]
        seasons.extend(_nis_scada_season(scada, substation, y) for y in years)
    data = read_flensburg(folder / "flensburg")[["outdoor_temp_c", "heat_kw"]]
    seasons.append(
        (
            "Flensburg 2014 Oct–Dec",
            data.loc[:"2014-09-30"],
            data.loc["2014-10-01":"2014-12-31"],
            (10, 11, 12),
            24,
        )
    )
    return seasons


def engine_persistence_backtest(
    folder: str | Path,
    weights=(0.0, 0.75),
    heldout: bool = False,
    window_days: int = 28,
    level: float = 0.9,
) -> dict:
    """The planning engine's demand forecast, backtested: each day from the ``window_days``
    before it (as the engine's history), the change-point batch fit with the persistence
    stage at each of ``weights`` (0 = change-point alone), the day's measured temperature.

    Seasons: :func:`tuning_seasons` (where the weight was chosen) or, with ``heldout``,
    those of :func:`heldout_seasons`. Days need ``window_days`` of grid before them, their
    season's minimum of measured hours and a non-zero load. Returns per season and weight
    the daily MAPE with its block-bootstrap interval, and the paired difference of the last
    weight against the first.
    """
    seasons = heldout_seasons(folder) if heldout else tuning_seasons(folder)
    out = {}
    for name, history, actual, months, min_hours, *_ in seasons:
        data = pd.concat([history.loc[actual.index.min() - pd.Timedelta(days=60) :], actual])
        data = data[~data.index.duplicated(keep="last")]
        grid = regular_hours(data)
        grid = grid.reindex(
            pd.date_range(
                grid.index.min().floor("D"),
                grid.index.max().floor("D") + pd.Timedelta(hours=23),
                freq="h",
            )
        )
        grid["outdoor_temp_c"] = fill_temperature(grid["outdoor_temp_c"])
        heat = grid["heat_kw"].to_numpy().reshape(-1, 24)
        temp = grid["outdoor_temp_c"].to_numpy().reshape(-1, 24)
        days = grid.index[::24]
        first, last = actual.index.min().floor("D"), actual.index.max().floor("D")
        ape = {w: [] for w in weights}
        for i, day in enumerate(days):
            if i < window_days or not first <= day <= last or day.month not in months:
                continue
            measured = heat[i]
            ok = np.isfinite(measured)
            if ok.sum() < min_hours or np.nansum(measured) == 0:
                continue
            window_heat = heat[i - window_days : i, :, None]
            window_temp = temp[i - window_days : i]
            fit = fit_change_point(window_heat, window_temp, 7)
            if not fit["ok"][0]:
                continue
            persistence = fit_persistence(fit, window_heat, window_temp)
            for w in weights:
                pred = predict_day_with_persistence(fit, persistence, temp[i], weight=w)[:, 0]
                ape[w].append(abs(pred[ok].sum() - measured[ok].sum()) / measured[ok].sum() * 100)
        row = {w: _interval_row(pd.Series(values), level) for w, values in ape.items()}
        row["difference"] = _interval_row(
            pd.Series(np.subtract(ape[weights[-1]], ape[weights[0]])), level
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


def nis_file_forecasts(path: str | Path) -> pd.DataFrame:
    """The ``forecast_temp`` column of a Niš 2024/25 file as forecasts issued the evening
    before (18:00) each day.

    The files give no issue time. The column equals the Visual Crossing series of
    ``weather_2024_25.csv`` (station LYNI, Niš airport; whole degrees) to the last digit,
    so it is a second temperature source rather than a forecast as issued: its error
    against the substation's own sensor (daily mean MAE 0.7 K on L4, 1.6 K on L12 with a
    −0.9 K bias, 2024/25) is what the model sees. The 18:00 issue time is our statement.
    """
    raw = pd.read_csv(path, usecols=["datetime", "forecast_temp"], parse_dates=["datetime"])
    hourly = raw.set_index("datetime")["forecast_temp"].resample("h").mean().dropna()
    return forecasts_from_series(hourly, issue_hour=18.0)


SYNTHETIC_VARIANTS = {
    "synthetic": {},
    "synthetic_small": {"daily_mean_rmse_k": 0.6},
    "synthetic_session5": {"hourly_correlation": 0.95, "daily_mean_rmse_k": None},
}
"""Synthetic forecast errors scored on every held-out season (keyword arguments of
:func:`~heatphys.forecasting.weather.synthetic_forecasts`): the default (daily-mean error
RMSE 1.0 K), a better forecast (0.6 K) and session 5's form (one AR(1) in hours, daily-mean
error ≈ 1.3 K RMSE)."""


def forecast_weather_intervals(
    folder: str | Path,
    level: float = 0.9,
    seed: int = 0,
    options: DayAheadOptions | None = None,
    synthetic_variants: dict | None = None,
) -> dict:
    """Day-ahead daily MAPE with measured and with forecast weather on every held-out season,
    each with its block-bootstrap interval and the paired per-day difference.

    Seasons and protocol as :func:`heldout_intervals` (rolling backtest, refit every 28
    days). Forecast weather: each day D takes the latest forecast issued before D
    (:func:`~heatphys.forecasting.weather.forecast_known_before`); the models are fitted
    on measured temperatures as before. Niš 2024/25 uses the file's ``forecast_temp``
    (:func:`nis_file_forecasts`); Flensburg 2015 and Niš 2023/24, which carry no forecasts,
    get :func:`~heatphys.forecasting.weather.synthetic_forecasts` (seeded; the sizes of
    ``synthetic_variants``, default :data:`SYNTHETIC_VARIANTS`) — also reported for Niš
    2024/25 beside the file's, and the file's after
    :func:`~heatphys.forecasting.weather.debias_forecast` (7 days). ``options``: the
    day-ahead model's (default: the current defaults).
    """
    synthetic_variants = SYNTHETIC_VARIANTS if synthetic_variants is None else synthetic_variants
    out = {}
    for name, history, actual, months, min_hours, fresh in heldout_seasons(folder):
        file_fc = None if fresh is None else nis_file_forecasts(fresh)
        scored = actual.index.month.isin(months)
        measured = actual["heat_kw"][scored]
        variants = {"measured": None}
        for variant, kwargs in synthetic_variants.items():
            variants[variant] = synthetic_forecasts(actual["outdoor_temp_c"], seed=seed, **kwargs)
        if file_fc is not None:
            variants["file"] = file_fc
            variants["file_debiased"] = file_fc
        ape = {}
        weather_err = {}
        for variant, fc in variants.items():
            known = None if fc is None else forecast_known_before(fc, actual.index)
            if variant.endswith("_debiased"):
                known = debias_forecast(known, actual["outdoor_temp_c"], window_days=7)
            pred = rolling_day_ahead(
                history, actual, lambda: DayAheadModel(options), forecast_weather=known
            )
            ape[variant] = daily_ape_percent(
                measured, pred.reindex(actual.index)[scored], min_hours
            )
            if known is not None:
                day_err = (
                    (known["outdoor_temp_c"].reindex(actual.index) - actual["outdoor_temp_c"])[
                        scored
                    ]
                    .resample("D")
                    .mean()
                )
                weather_err[variant] = float(day_err.abs().mean())
        row = {v: _interval_row(values, level) for v, values in ape.items()}
        for variant in variants:
            if variant == "measured":
                continue
            days = ape[variant].index.intersection(ape["measured"].index)
            row[f"{variant}-measured"] = _interval_row(
                ape[variant][days] - ape["measured"][days], level
            )
            row[f"{variant}_daily_temp_mae_k"] = weather_err[variant]
        out[name] = row
    return out


NIS_WEATHER_FILE = "weather_2024_25.csv"


def nis_solar_w_m2(weather_path: str | Path, hours: pd.DatetimeIndex) -> pd.Series:
    """Estimated global horizontal radiation [W/m²] at Niš for each local hour.

    The weather file's ``solarradiation`` column is empty, so radiation comes from the
    sun's position and the cloud cover (:func:`heatphys.solar.cloudy_sky_ghi_w_m2`):
    ``cloudcover`` [%] averaged per hour, gaps up to 3 h interpolated, the rest from the
    hour's ``conditions`` (clear 0.1, partially cloudy 0.5, overcast / rain / snow 0.9).
    """
    w = pd.read_csv(weather_path, usecols=["datetime", "cloudcover", "conditions"])
    w["datetime"] = pd.to_datetime(w["datetime"])
    w = w.set_index("datetime").sort_index()
    cover = (w["cloudcover"] / 100.0).resample("h").mean()
    cover = cover.interpolate(limit=3, limit_area="inside")
    cond = w["conditions"].fillna("").str.lower().resample("h").first().fillna("")
    by_condition = np.select(
        [
            cond.str.contains("overcast|rain|snow"),
            cond.str.contains("partially"),
            cond.str.contains("clear"),
        ],
        [0.9, 0.5, 0.1],
        default=np.nan,
    )
    cover = cover.fillna(pd.Series(by_condition, index=cond.index)).reindex(hours)
    return pd.Series(cloudy_sky_ghi_w_m2(hours, cover.to_numpy()), index=hours, name="solar_w_m2")


def nis_indoor_solar(
    folder: str | Path,
    substation: str,
    march_from: str = "2025-03-01",
    held_out_every: int = 3,
    radiation: pd.Series | None = None,
) -> dict:
    """March error of the indoor model with and without the solar term (issue 20).

    Two protocols, as :func:`nis_indoor`: "chronological", fitted on the 2024/25 sensors
    before ``march_from`` (nothing of March seen), and "interleaved", fitted on every week
    but each ``held_out_every``-th and scored on the held-out weeks in March. Each scored week
    is simulated from its first measured indoor temperature with the measured heat and
    outdoor temperature. Radiation from :func:`nis_solar_w_m2` unless given. Returns per
    protocol the March MAE [K] without sun, with sun, of persistence, the MAE on the
    sunniest third of the scored days (by daily radiation) and on the rest, the fitted
    parameters and the hours scored.
    """
    folder = Path(folder)
    data = read_nis_indoor(folder / f"xai4heat_2024-25_{substation}.csv")
    t_out = data["outdoor_temp_c"].interpolate().bfill().ffill().to_numpy()
    heat = data["heat_kw"].fillna(0.0).to_numpy()
    t_in = data["indoor_temp_c"].to_numpy()
    if radiation is None:
        radiation = nis_solar_w_m2(folder / NIS_WEATHER_FILE, data.index)
    solar = radiation.reindex(data.index).fillna(0.0).to_numpy()
    week = ((data.index - data.index[0]).days // 7).to_numpy()
    march = np.asarray(data.index.month == 3)
    held = week % held_out_every == held_out_every - 1
    before = np.asarray(data.index < pd.Timestamp(march_from))
    protocols = {"chronological": (before, ~before & march), "interleaved": (~held, held & march)}
    daily_sun = pd.Series(solar, index=data.index).resample("D").mean()
    out = {}
    for protocol, (train, test) in protocols.items():
        scored_days = daily_sun[daily_sun.index.isin(data.index[test].floor("D").unique())]
        sunny_days = scored_days[scored_days >= scored_days.quantile(2 / 3)].index
        sunny = np.asarray(data.index.floor("D").isin(sunny_days))
        row = {}
        for label, sun in (("without_sun", None), ("with_sun", solar)):
            model = IndoorModel().fit(np.where(train, t_in, np.nan), t_out, heat, solar_w_m2=sun)
            err = np.full(len(t_in), np.nan)
            persist = np.full(len(t_in), np.nan)
            for w in sorted(set(week[test])):
                idx = np.flatnonzero((week == w) & test)
                ok = np.flatnonzero(np.isfinite(t_in[idx]))
                if ok.size < 24:
                    continue
                sel = idx[ok[0] :]
                pred = model.predict(
                    t_out[sel],
                    heat[sel],
                    t_in[sel[0]],
                    solar_w_m2=None if sun is None else sun[sel],
                )
                err[sel] = np.abs(pred - t_in[sel])
                persist[sel] = np.abs(t_in[sel[0]] - t_in[sel])
            row[label] = {
                "march_mae_k": float(np.nanmean(err)),
                "sunny_days_mae_k": float(np.nanmean(err[sunny])),
                "other_days_mae_k": float(np.nanmean(err[~sunny])),
                "params": model.params,
            }
            row["persistence_march_mae_k"] = float(np.nanmean(persist))
            row["hours"] = int(np.isfinite(err).sum())
        out[protocol] = row
    return out

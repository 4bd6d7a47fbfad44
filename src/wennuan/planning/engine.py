"""The daily plan of a heating company (design §1 point 5, §6; issue 7).

weather → heat demand per community and hour → allocation under source capacity (max-min
indoor temperature) → supply/return set-points → hydraulic check of the primary network →
transport delays and source schedule → predicted indoor temperature per community.

This module (with ``hydraulics``) is the only Django code that imports ``heatphys``. It reads
the register, meter history and weather, computes with numpy, and writes one new Plan version
with its results in one transaction.
"""

import time as wall_clock
import warnings
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from heatphys.allocation import allocate
from heatphys.curves import (
    FLOOR,
    RADIATOR,
    HeatingCurve,
    exchanger_primary_delta_t_k,
    setpoints,
)
from heatphys.dayplan import (
    DEFAULT_APERTURE_M2_PER_M2,
    PRIMARY_EXPONENT_B,
    RaisedAllocation,
    equivalent_outdoor_c,
    heat_less_sun_kw,
    override_heat_kw,
    primary_curve,
    raise_to_overrides,
    solar_gain_kw,
    source_supply_temp_c,
)
from heatphys.forecasting.changepoint_batch import (
    fit_change_point,
    fit_persistence,
    predict_day_with_persistence,
)
from heatphys.forecasting.models import DesignOptions, design_heat_demand_kw
from heatphys.indoor import IndoorParameters, simulate_indoor
from heatphys.schedule import simultaneous_dispatch_kw, source_schedule, transport_delays_h
from wennuan.lib.systemtext import system_text
from wennuan.registry.choices import SourceKind, Terminal
from wennuan.registry.models import City, Community, HeatingCompany, HeatingSeason, Substation

from .choices import AdjustmentKind, ForecastMethod, PlanStatus, PlanTrigger, WeatherKind
from .config import setting
from .hydraulics import CompanyNetwork, hour_ranges
from .models import (
    CommunityModelParameters,
    MeterReading,
    Plan,
    PlanAdjustment,
    PlanCommunity,
    PlanPipe,
    PlanSource,
    PlanSubstation,
    WeatherHour,
)
from .weather import LOCAL_TZ, ChosenWeather, choose_forecast, load_series, local_day_start

HOURS = 24


@dataclass(frozen=True)
class PlanSettings:
    """Tunable constants of the plan (settings/environment, see docs/planning.md)."""

    standard_indoor_c: float = 18.0
    comfort_reserve_k: float = 1.0  # heat is planned for standard + reserve
    risk_margin_k: float = 0.5  # at risk when predicted below standard + margin
    network_loss_fraction: float = 0.03
    history_days: int = 28
    min_history_days: int = 7
    min_dp_bar: float = 0.5  # differential pressure a substation needs (exchanger + valve)
    substation_overload: float = 1.2  # a substation passes at most 1.2 × its design load
    extrapolation_k: float = 3.0  # change-point only down to 3 K below the coldest history day
    overheat_c: float = 24.0  # predicted above this in some hour: overheated (warning)
    primary_exponent_b: float = PRIMARY_EXPONENT_B  # sources' primary heating curves
    solar_aperture_m2_per_m2: float = DEFAULT_APERTURE_M2_PER_M2  # 0: no solar term

    @classmethod
    def from_settings(cls) -> "PlanSettings":
        return cls(
            comfort_reserve_k=setting("WENNUAN_PLAN_COMFORT_RESERVE_K"),
            risk_margin_k=setting("WENNUAN_PLAN_RISK_MARGIN_K"),
            network_loss_fraction=setting("WENNUAN_PLAN_NETWORK_LOSS"),
            min_dp_bar=setting("WENNUAN_PLAN_MIN_DP_BAR"),
            overheat_c=setting("WENNUAN_PLAN_OVERHEAT_C"),
            primary_exponent_b=setting("WENNUAN_PLAN_PRIMARY_EXPONENT_B"),
            solar_aperture_m2_per_m2=setting("WENNUAN_PLAN_SOLAR_APERTURE_M2_PER_M2"),
        )


class PlanError(ValueError):
    """A plan cannot be computed; the message is Chinese and names the cause."""


class StalePlanError(PlanError):
    """The version a re-run (or an approval) starts from is no longer the newest of its day:
    someone else made a newer version meanwhile. ``latest`` is that newest version."""

    def __init__(self, plan: "Plan", latest: "Plan"):
        self.plan = plan
        self.latest = latest
        super().__init__(
            _("该计划已有更新的版本 v%(latest)d（您看到的是 v%(version)d），请在最新版本上调整。")
            % {"latest": latest.version, "version": plan.version}
        )


def lock_day_versions(company, day) -> Plan | None:
    """Lock every version of ``company``'s plan for ``day`` until the end of the surrounding
    transaction and return the newest version (None if there is none).

    Two engineers adjusting, re-running or approving the same version at the same moment are
    serialised here (PostgreSQL ``SELECT … FOR UPDATE``; SQLite writes one transaction at a
    time anyway, ``transaction_mode=IMMEDIATE``); the second then sees the first's result. The
    newest version is read by a second statement: in READ COMMITTED the locking statement
    does not see rows inserted by the transaction it waited for.
    """
    list(
        Plan.objects.select_for_update()
        .filter(company=company, date=day)
        .values_list("pk", flat=True)
    )
    return Plan.objects.filter(company=company, date=day).order_by("-version").first()


def _weather_frame(weather: ChosenWeather) -> pd.DataFrame:
    index = pd.DatetimeIndex(
        [timezone.localtime(t).replace(tzinfo=None) for t in weather.timestamps]
    )
    frame = pd.DataFrame({"outdoor_temp_c": weather.outdoor_temp_c}, index=index)
    if weather.wind_speed_m_s is not None:
        frame["wind_speed_m_s"] = weather.wind_speed_m_s
    if weather.solar_w_m2 is not None:
        frame["solar_w_m2"] = weather.solar_w_m2
    return frame


def _day_rows(frame: pd.DataFrame, day: date) -> np.ndarray:
    start = pd.Timestamp(datetime.combine(day, datetime.min.time()))
    return np.flatnonzero((frame.index >= start) & (frame.index < start + pd.Timedelta(days=1)))


def day_outdoor_temp_c(weather: ChosenWeather, day: date) -> np.ndarray:
    """The 24 outdoor temperatures of ``day`` in ``weather`` (fewer if it does not cover it)."""
    frame = _weather_frame(weather)
    return frame["outdoor_temp_c"].to_numpy()[_day_rows(frame, day)]


def _observed_weather(city: City, start: datetime, end: datetime) -> pd.Series:
    """Hourly observed outdoor temperature (the newest series wins where they overlap)."""
    rows = (
        WeatherHour.objects.filter(
            series__city=city,
            series__kind=WeatherKind.OBSERVED,
            timestamp__gte=start,
            timestamp__lt=end,
        )
        .order_by("timestamp", "series__issued_at")
        .values_list("timestamp", "outdoor_temp_c")
    )
    data = {}
    for ts, temp in rows:
        data[timezone.localtime(ts).replace(tzinfo=None)] = temp
    return pd.Series(data, dtype=float)


def _meter_rows(substation_ids, start: datetime, end: datetime) -> np.ndarray:
    """(n, 3) array of substation id, epoch seconds, heat [kW]. Raw SQL: converting ~17k
    datetimes through the ORM took longer than the whole demand forecast."""
    if not substation_ids:
        return np.empty((0, 3))
    ops = connection.ops
    table = ops.quote_name(MeterReading._meta.db_table)
    placeholders = ", ".join(["%s"] * len(substation_ids))
    # Timestamps as epoch seconds computed by the database (SQLite stores UTC text) rather
    # than datetime objects: converting ~50k datetimes cost more than the demand forecast.
    column = ops.quote_name("timestamp")  # a keyword in PostgreSQL
    stamp = (
        f"CAST(strftime('%%s', {column}) AS REAL)"
        if connection.vendor == "sqlite"
        else f"EXTRACT(EPOCH FROM {column})"
    )
    sql = (
        f"SELECT substation_id, {stamp}, heat_kw FROM {table} "  # noqa: S608
        f"WHERE substation_id IN ({placeholders}) AND {column} >= %s AND {column} < %s"
    )
    params = [
        *substation_ids,
        ops.adapt_datetimefield_value(start),
        ops.adapt_datetimefield_value(end),
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not rows:
        return np.empty((0, 3))
    return np.array(rows, dtype=float)


def _history_forecasts(company, substations, weather_frame, day, city, cfg, arrays_warnings):
    """Change-point forecasts with the persistence stage (24,) for substations with enough
    meter history."""
    start = local_day_start(day) - timedelta(days=cfg.history_days)
    end = local_day_start(day)
    readings = _meter_rows([s.id for s in substations], start, end)
    if not len(readings):
        return {}
    observed = _observed_weather(city, start, end)
    if observed.empty:
        arrays_warnings.append(system_text("有热计量历史但缺少同期实测气温，负荷预测改用设计法"))
        return {}
    n_days = cfg.history_days
    hour_of = ((readings[:, 1] - start.timestamp()) // 3600).astype(int)
    column = {s.id: j for j, s in enumerate(substations)}
    cols = np.array([column.get(int(i), -1) for i in readings[:, 0]])
    keep = (cols >= 0) & (hour_of >= 0) & (hour_of < n_days * 24)
    heat = np.full((n_days * 24, len(substations)), np.nan)
    heat[hour_of[keep], cols[keep]] = readings[keep, 2]
    local_start = pd.Timestamp(start.astimezone(LOCAL_TZ).replace(tzinfo=None))
    grid = pd.date_range(local_start, periods=n_days * 24, freq="h")
    temps = observed.reindex(grid).to_numpy(dtype=float)
    heat[~np.isfinite(temps)] = np.nan
    heat_days = heat.reshape(n_days, 24, -1)
    fit = fit_change_point(heat_days, temps.reshape(n_days, 24), cfg.min_history_days)
    day_temp = weather_frame["outdoor_temp_c"].to_numpy()[_day_rows(weather_frame, day)]
    # A regression learned on mild days says little about a much colder one (early in the
    # season the slope is poorly identified): beyond the history's range, the design method.
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        history_days_c = np.nanmean(temps.reshape(n_days, 24), axis=1)
    coldest_c = np.nanmin(history_days_c) if np.isfinite(history_days_c).any() else np.nan
    if not np.isfinite(coldest_c) or day_temp.mean() < coldest_c - cfg.extrapolation_k:
        arrays_warnings.append(
            system_text(
                "预报日平均气温 %(day).1f °C 低于计量历史中最冷的一天（%(cold).1f °C）超过 "
                "%(k).0f K，负荷预测改用设计法"
            )
            % {"day": day_temp.mean(), "cold": coldest_c, "k": cfg.extrapolation_k}
        )
        return {}
    # Change-point load moved by yesterday's weather-normalised error (the day-ahead model's
    # persistence stage, vectorised; docs/demand-models.md "The planning engine's model").
    persistence = fit_persistence(fit, heat_days, temps.reshape(n_days, 24))
    forecast = predict_day_with_persistence(fit, persistence, day_temp)
    # A heating substation whose meters show no heating term (slope not significant: frozen
    # or noisy readings, too few days) would be planned with weather-blind heat; the design
    # method is the safer forecast for it.
    weather_dependent = np.isfinite(fit["balance_point_c"]) & (fit["slope_kw_per_k"] > 0)
    blind = [s.name for j, s in enumerate(substations) if fit["ok"][j] and not weather_dependent[j]]
    if blind:
        arrays_warnings.append(
            system_text("%(n)d 座换热站的计量数据看不出随气温变化，负荷预测改用设计法：%(names)s")
            % {"n": len(blind), "names": blind[:10] + (["…"] if len(blind) > 10 else [])}
        )
    return {
        s.id: forecast[:, j]
        for j, s in enumerate(substations)
        if fit["ok"][j] and weather_dependent[j] and np.all(np.isfinite(forecast[:, j]))
    }


def _curve_for(terminal: str, outdoor_design_c: float) -> HeatingCurve:
    base = FLOOR if terminal == Terminal.FLOOR else RADIATOR
    return HeatingCurve(
        design_supply_c=base.design_supply_c,
        design_return_c=base.design_return_c,
        exponent_b=base.exponent_b,
        outdoor_design_c=outdoor_design_c,
    )


def _source_capacity_share_kw(company, sources) -> np.ndarray:
    """Each source's capacity available to ``company`` [kW]: a shared source counts pro rata
    to the design loads of the companies' substations it supplies (design of the demo city)."""
    shares = []
    for source in sources:
        loads = {}
        for company_id, load in Substation.objects.filter(source=source).values_list(
            "company_id", "design_load_kw"
        ):
            loads[company_id] = loads.get(company_id, 0.0) + load
        total = sum(loads.values())
        n_companies = max(source.companies.count(), 1)
        fraction = loads.get(company.id, 0.0) / total if total > 0 else 1.0 / n_companies
        shares.append(source.capacity_mw * 1000.0 * fraction)
    return np.array(shares, dtype=float)


# A forecast this far below the city's design outdoor temperature is outside what the load
# and network models were made for (Heze: design −4.9 °C, record low about −20 °C); the plan
# is still computed, and says so first.
IMPLAUSIBLE_BELOW_DESIGN_K = 20.0
# The warm side, symmetric: this far above the design temperature is far above any
# heating-season day (Heze: about 30 °C, against November/March record highs in the mid 20s).
IMPLAUSIBLE_ABOVE_DESIGN_K = 35.0
# Hourly outdoor temperatures change by a few K at most (a strong cold front: up to about
# 10 K in an hour); a step of more than 15 K between two hours is a broken file or unit, not
# weather. Kept well above the real extremes: a plan called untrustworthy opens no proactive
# orders, so a false alarm would silence real ones.
IMPLAUSIBLE_HOURLY_STEP_K = 15.0


def _weather_range_warnings(t_out, design_out_c: float) -> list[str]:
    """Warnings (first in the plan) for weather outside what the models were made for:
    far below or far above the heating season's climate, or jumping within an hour."""
    t_out = np.asarray(t_out, dtype=float)
    messages = []
    coldest, hottest = float(np.min(t_out)), float(np.max(t_out))
    if coldest < design_out_c - IMPLAUSIBLE_BELOW_DESIGN_K:
        messages.append(
            system_text(
                "请先核对天气数据：预报最低气温 %(coldest).1f °C，比本市供暖室外计算温度 "
                "%(design).1f °C 低 %(below).0f K 以上，超出负荷预测和管网模型的适用范围，"
                "本计划的数值不可信"
            )
            % {"coldest": coldest, "design": design_out_c, "below": IMPLAUSIBLE_BELOW_DESIGN_K}
        )
    if hottest > design_out_c + IMPLAUSIBLE_ABOVE_DESIGN_K:
        messages.append(
            system_text(
                "请先核对天气数据：预报最高气温 %(hottest).1f °C，比本市供暖室外计算温度 "
                "%(design).1f °C 高 %(above).0f K 以上，远高于供暖季的气候，超出负荷预测和"
                "管网模型的适用范围，本计划的数值不可信"
            )
            % {"hottest": hottest, "design": design_out_c, "above": IMPLAUSIBLE_ABOVE_DESIGN_K}
        )
    steps = np.abs(np.diff(t_out))
    if steps.size and steps.max() > IMPLAUSIBLE_HOURLY_STEP_K:
        hour = int(np.argmax(steps)) + 1
        messages.append(
            system_text(
                "请先核对天气数据：预报气温在 %(from)02d:00–%(to)02d:00 一小时内变化 %(step).1f K"
                "（超过 %(limit).0f K），不像真实天气，本计划的数值不可信"
            )
            % {
                "from": hour - 1,
                "to": hour,
                "step": float(steps[hour - 1]),
                "limit": IMPLAUSIBLE_HOURLY_STEP_K,
            }
        )
    return messages


def _shortfall_warnings(cd: "CompanyDay", demand, heat, min_indoor_c, deliverable_kw):
    """The day's heat the plan cannot give (MW, worst hour, why) and who is cold for it.

    Who is cold is read from the plan's own predicted lows (``min_indoor_c``, stored and
    shown as the communities' predicted temperature, through the buildings' inertia), and
    only communities whose heat the plan cut count as cold *for the shortfall*; those below
    the standard although they get all they ask for (far-end estates with a calibrated
    offset, as cold on a mild day) are counted apart."""
    short_kw = demand.community_kw.sum(axis=1) - heat.community_kw.sum(axis=1)
    # Below a thousandth of the demand it is rounding of the allocation, not a shortfall.
    if not np.any(short_kw > 1e-3 * demand.community_kw.sum(axis=1) + 1.0):
        return []
    hour = int(np.argmax(short_kw))
    capacity_short = demand.community_kw.sum(axis=1) > deliverable_kw.sum(axis=1)
    cut = np.any(
        demand.community_kw - heat.community_kw > np.maximum(1e-3 * demand.community_kw, 1.0),
        axis=0,
    )
    low_c = np.round(np.asarray(min_indoor_c, dtype=float), 2)  # as stored
    below = low_c < cd.standard_c
    cold = [i for i in np.argsort(low_c, kind="stable") if below[i] and cut[i]]
    if not capacity_short.any() and not cold:
        return []  # substations at their limit, but the comfort reserve still covers it
    names = [
        system_text("%(name)s（%(temp).1f °C）")
        % {"name": cd.communities[i].name, "temp": float(low_c[i])}
        for i in cold[:5]
    ]
    values = {
        "peak": short_kw[hour] / 1000.0,
        "hour": hour,
        "total": np.clip(short_kw, 0.0, None).sum() / 1000.0,
        "n": len(cold),
        "standard": cd.standard_c,
        "names": names + (["…"] if len(cold) > 5 else []),
        "capacity_hours": hour_ranges(np.flatnonzero(capacity_short)),
        "others": int(np.sum(below & ~cut)),
    }
    if capacity_short.any():
        head = system_text(
            "热源能力不足：%(capacity_hours)s需求超过热源可供热量，最大缺口 %(peak).1f MW"
            "（%(hour)02d:00），全天共缺 %(total).0f MWh"
        )
    else:
        head = system_text(
            "换热站送不出所需热量（1.2 倍设计负荷上限或调低的供水温度）：最大缺口 %(peak).1f MW"
            "（%(hour)02d:00），全天共缺 %(total).0f MWh"
        )
    if cold:
        who = system_text("因此 %(n)d 个小区预测室温低于 %(standard).0f °C：%(names)s") % values
    else:
        who = system_text("没有小区因此预测室温低于 %(standard).0f °C") % values
    others = (
        system_text("（另有 %(others)d 个小区供足热量仍低于 %(standard).0f °C，见低温风险小区）")
        % values
        if values["others"]
        else ""
    )
    return [
        system_text("%(shortfall)s；%(cold)s%(others)s")
        % {"shortfall": head % values, "cold": who, "others": others}
    ]


def _schedule_overload_warnings(schedule_kw, capacity_kw, sources) -> list[str]:
    """The hours, sources and MW by which the delay-shifted production schedule (24, K)
    exceeds the sources' capacity (24, K): heat moved earlier by the transport delay lands
    on hours whose capacity is already used."""
    over_kw = np.asarray(schedule_kw) - np.asarray(capacity_kw)
    total_over_kw = over_kw.sum(axis=1)
    hours = np.flatnonzero(total_over_kw > 1e-4 * np.asarray(capacity_kw).sum(axis=1))
    if not hours.size:
        return []
    worst = int(hours[np.argmax(total_over_kw[hours])])
    named = []
    for k, source in enumerate(sources):
        own = np.flatnonzero(over_kw[:, k] > 1e-4 * capacity_kw[:, k] + 0.5)
        if own.size:
            named.append(
                system_text("%(name)s（%(hours)s，最多超 %(mw).1f MW）")
                % {
                    "name": source.name,
                    "hours": hour_ranges(own),
                    "mw": over_kw[own, k].max() / 1000.0,
                }
            )
    return [
        system_text(
            "考虑输送延迟后，%(hours)s热源出力超过可用能力，最多超 %(mw).1f MW"
            "（%(hour)02d:00）：%(sources)s"
        )
        % {
            "hours": hour_ranges(hours),
            "mw": total_over_kw[worst] / 1000.0,
            "hour": worst,
            "sources": named,
        }
    ]


def _raise_warnings(raised: RaisedAllocation, substations, supply_override, cfg) -> list[str]:
    """Plan warnings (system text, read in the reader's language) for raised set-points the
    plan could not fully honour."""
    messages = []
    for j in np.flatnonzero(raised.wanted_kw.any(axis=0)):
        short = raised.wanted_kw[:, j] - raised.extra_kw[:, j] > 0.5
        if short.any():
            messages.append(
                system_text(
                    "%(name)s 供水温度设定 %(temp).0f °C：热源剩余能力不足，%(hours)s 只能"
                    "多供 %(got).0f kW（该温度需多供 %(want).0f kW）；其他换热站的分配不减少"
                )
                % {
                    "name": substations[j].name,
                    "temp": np.nanmax(supply_override[short, j]),
                    "hours": hour_ranges(np.flatnonzero(short)),
                    "got": raised.extra_kw[short, j].min(),
                    "want": raised.wanted_kw[short, j].max(),
                }
            )
        over = raised.overloaded[:, j]
        if over.any():
            messages.append(
                system_text(
                    "%(name)s 供水温度 %(temp).0f °C 所对应的热量超过换热站 %(factor).1f 倍"
                    "设计负荷，%(hours)s 按该上限计"
                )
                % {
                    "name": substations[j].name,
                    "temp": np.nanmax(supply_override[over, j]),
                    "factor": cfg.substation_overload,
                    "hours": hour_ranges(np.flatnonzero(over)),
                }
            )
    return messages


def _overheat_warnings(indoor_c: np.ndarray, communities, overheat_c: float) -> list[str]:
    """One warning naming the communities predicted above ``overheat_c`` (warmest first)."""
    if not len(communities):
        return []
    warmest_c = indoor_c.max(axis=0)
    hot = np.flatnonzero(warmest_c > overheat_c)
    if not hot.size:
        return []
    hot = hot[np.argsort(-warmest_c[hot])]
    named = [
        system_text("%(name)s（%(temp).1f °C）")
        % {"name": communities[i].name, "temp": warmest_c[i]}
        for i in hot[:10]
    ]
    return [
        system_text("%(n)d 个小区预测室温超过 %(limit).0f °C（过热，浪费热量）：%(names)s")
        % {
            "n": hot.size,
            "limit": overheat_c,
            "names": named + (["…"] if hot.size > 10 else []),
        }
    ]


def _check_adjustment(adj: PlanAdjustment) -> None:
    """Reject adjustments a form or script could send wrongly, with a Chinese message."""
    if adj.kind not in AdjustmentKind.values:
        raise PlanError(_("未知的调整类型"))
    if not (0 <= adj.first_hour <= adj.last_hour <= 23):
        raise PlanError(_("调整时段应在 0–23 时之间，且开始不晚于结束"))
    if adj.value is None or not np.isfinite(adj.value) or adj.value < 0:
        raise PlanError(_("调整数值必须是非负数"))
    if adj.kind == AdjustmentKind.SUPPLY_TEMP and not (20 <= adj.value <= 150):
        raise PlanError(_("供水温度应在 20–150 °C 之间"))


def _apply_hours(array: np.ndarray, adjustment: PlanAdjustment, column: int, value: float):
    array[adjustment.first_hour : adjustment.last_hour + 1, column] = value


@dataclass(frozen=True)
class CompanyDay:
    """Step 1 (``load_company_day``): the register rows and standards of one company's day."""

    company: HeatingCompany
    day: date
    city: City  # supplies the design outdoor temperature and the observed weather
    standard_c: float  # the season's standard indoor temperature
    target_c: float  # standard + comfort reserve: what the plan heats for
    design_out_c: float  # the City row's design outdoor temperature
    substations: list
    communities: list
    sources: list  # merit order: CHP first, then by code
    heat_factor: np.ndarray  # (C,) calibration
    offset_c: np.ndarray  # (C,)
    tau_h: np.ndarray  # (C,)
    community_substation: np.ndarray  # (C,) substation column of each community
    warnings: tuple = ()

    @property
    def sub_index(self) -> dict:
        return {s.id: j for j, s in enumerate(self.substations)}

    @property
    def source_pos(self) -> dict:
        return {s.id: k for k, s in enumerate(self.sources)}


@dataclass(frozen=True)
class Demand:
    """Step 2 (``forecast_demand``): heat wanted per hour, community and substation [kW]."""

    t_out: np.ndarray  # (24,)
    sunless_kw: np.ndarray  # (24, C) without the sun's gain
    solar_gain_kw: np.ndarray  # (24, C)
    community_kw: np.ndarray  # (24, C) what the plan supplies for: sunless − gain, ≥ 0
    substation_kw: np.ndarray  # (24, S)
    methods: list
    warnings: tuple = ()
    # The weather is outside what the models were made for (``_weather_range_warnings``): the
    # plan is computed and says so, but opens no proactive orders (``proactive``).
    weather_out_of_range: bool = False


@dataclass(frozen=True)
class Limits:
    """Step 3 (``apply_adjustments``): what the sources and substations may give."""

    design_capacity_kw: np.ndarray  # (K,) each source's share for the company
    capacity_kw: np.ndarray  # (24, K) after source-limit adjustments
    substation_limit_kw: np.ndarray  # (24, S) overload limit, lowered set-points
    overload_kw: np.ndarray  # (24, S)
    supply_override_c: np.ndarray  # (24, S) NaN = the curve
    override_kw: np.ndarray  # (24, S) heat at the override, NaN = none
    curves: list


@dataclass(frozen=True)
class Heat:
    """Step 4 (``allocate_heat``): allocated heat and the steady indoor temperature."""

    community_kw: np.ndarray  # (24, C)
    substation_kw: np.ndarray  # (24, S)
    steady_indoor_c: np.ndarray  # (24, C)
    warnings: tuple = ()


@dataclass(frozen=True)
class Hydraulics:
    """Steps 5–6 (``set_points``, ``check_network``): set-points, flows, schedule."""

    supply_c: np.ndarray  # (24, S) secondary
    return_c: np.ndarray  # (24, S)
    primary_supply_c: np.ndarray  # (24, K)
    check: object  # hydraulics.CheckResult
    delay_h: np.ndarray  # (S,)
    schedule_kw: np.ndarray  # (24, K)
    warnings: tuple = ()


@dataclass(frozen=True)
class Indoor:
    """Step 7 (``predict_indoor``): rooms through the buildings' inertia; risk, overheating."""

    indoor_c: np.ndarray  # (24, C)
    min_indoor_c: np.ndarray  # (C,)
    at_risk: np.ndarray  # (C,) bool
    risk_threshold_c: float
    warnings: tuple = ()


@dataclass(frozen=True)
class DayPlan:
    """The frozen result of one company's day (``plan_day``), before it is stored."""

    company_day: CompanyDay
    demand: Demand
    limits: Limits
    heat: Heat
    hydraulics: Hydraulics
    indoor: Indoor

    @property
    def warnings(self) -> list[str]:
        return [
            *self.company_day.warnings,
            *self.demand.warnings,
            *self.heat.warnings,
            *self.hydraulics.warnings,
            *self.indoor.warnings,
        ]

    @property
    def at_risk_communities(self) -> list:
        """The communities the caller opens proactive orders for (未诉先办)."""
        communities = self.company_day.communities
        return [communities[i] for i in np.flatnonzero(self.indoor.at_risk)]


def load_company_day(company: HeatingCompany, day: date, cfg: PlanSettings) -> CompanyDay:
    city = City.objects.first()
    if city is None:
        raise PlanError(_("尚未登记城市"))
    season = HeatingSeason.objects.covering(day)
    standard_c = season.standard_indoor_temp_c if season else cfg.standard_indoor_c
    substations = list(
        Substation.objects.filter(company=company).select_related("source").order_by("code")
    )
    if not substations:
        raise PlanError(_("%(company)s 没有登记换热站") % {"company": company.short_name})
    communities = list(
        Community.objects.filter(company=company, substation__isnull=False).order_by("id")
    )
    if not communities:
        raise PlanError(
            _("%(company)s 没有登记由换热站供热的小区") % {"company": company.short_name}
        )
    params = {
        p.community_id: p
        for p in CommunityModelParameters.objects.filter(community__company=company)
    }
    sources = sorted(company.heat_sources.all(), key=lambda s: (s.kind != SourceKind.CHP, s.code))
    if not sources:
        raise PlanError(_("%(company)s 没有登记热源") % {"company": company.short_name})
    sub_index = {s.id: j for j, s in enumerate(substations)}

    def param(name, default):
        return np.array(
            [getattr(params[c.id], name) if c.id in params else default for c in communities]
        )

    return CompanyDay(
        company=company,
        day=day,
        city=city,
        standard_c=standard_c,
        target_c=standard_c + cfg.comfort_reserve_k,
        design_out_c=city.design_outdoor_temp_c,
        substations=substations,
        communities=communities,
        sources=sources,
        heat_factor=param("heat_factor", 1.0),
        offset_c=param("indoor_offset_c", 0.0),
        tau_h=param("time_constant_h", 40.0),
        community_substation=np.array([sub_index[c.substation_id] for c in communities], dtype=int),
        warnings=() if season else (system_text("该日不在任何供热季内"),),
    )


def forecast_demand(cd: CompanyDay, weather: ChosenWeather, cfg: PlanSettings) -> Demand:
    """Design method per community, scaled to the change-point forecast where a substation
    has meter history; then the sun's gain where the weather has radiation."""
    frame = _weather_frame(weather)
    rows = _day_rows(frame, cd.day)
    if rows.size != HOURS:
        raise PlanError(_("天气数据未覆盖 %(day)s 的 24 个小时") % {"day": cd.day})
    t_out = frame["outdoor_temp_c"].to_numpy()[rows]
    design_kw = np.array([c.design_load_kw for c in cd.communities]) * cd.heat_factor
    # Design method with the planned indoor temperature: Q = q_h A (t_target − T_eff)/22.9 K.
    options = DesignOptions(
        indoor_design_c=cd.target_c,
        outdoor_design_c=cd.target_c - (cd.standard_c - cd.design_out_c),
    )
    community_demand = design_heat_demand_kw(frame, design_kw, options)[rows]
    community_sub = cd.community_substation
    n_sub = len(cd.substations)
    design_sum = np.zeros((HOURS, n_sub))
    np.add.at(design_sum.T, community_sub, community_demand.T)

    range_warnings = _weather_range_warnings(t_out, cd.design_out_c)
    warnings: list[str] = list(range_warnings)
    history = _history_forecasts(cd.company, cd.substations, frame, cd.day, cd.city, cfg, warnings)
    methods = []
    scale = np.ones((HOURS, n_sub))
    for j, sub in enumerate(cd.substations):
        if sub.id in history:
            methods.append(ForecastMethod.CHANGE_POINT)
            # Meters show what held the standard temperature; the plan aims at standard +
            # reserve, so scale like the design method does (bounded for mild hours, where
            # the ratio of small temperature differences means nothing).
            reserve = np.clip(
                (cd.target_c - t_out) / np.maximum(cd.standard_c - t_out, 1.0), 1.0, 1.5
            )
            forecast = history[sub.id] * reserve
            with np.errstate(divide="ignore", invalid="ignore"):
                scale[:, j] = np.where(design_sum[:, j] > 0, forecast / design_sum[:, j], 1.0)
        else:
            methods.append(ForecastMethod.DESIGN)
    sunless = community_demand * scale[:, community_sub]
    # The sun through the windows replaces heat (issue 20): where the weather carries global
    # radiation, each community needs its sunless demand less the solar gain, and its rooms
    # follow the same balance (T = a + k q with the gain in a, step 4).
    gain_kw = np.zeros_like(sunless)
    if "solar_w_m2" in frame and cfg.solar_aperture_m2_per_m2 > 0:
        aperture_m2 = np.array([c.heated_area_m2 for c in cd.communities])
        gain_kw = solar_gain_kw(
            aperture_m2 * cfg.solar_aperture_m2_per_m2, frame["solar_w_m2"].to_numpy()[rows]
        )
    community_kw = heat_less_sun_kw(sunless, gain_kw) if gain_kw.any() else sunless
    substation_kw = np.zeros((HOURS, n_sub))
    np.add.at(substation_kw.T, community_sub, community_kw.T)
    return Demand(
        t_out,
        sunless,
        gain_kw,
        community_kw,
        substation_kw,
        methods,
        tuple(warnings),
        weather_out_of_range=bool(range_warnings),
    )


def apply_adjustments(cd: CompanyDay, adjustments, cfg: PlanSettings) -> Limits:
    """Source capacity shares, source-limit and supply set-point adjustments, the
    substations' overload limits and the heat their set-point overrides give."""
    n_sub = len(cd.substations)
    design_capacity_kw = _source_capacity_share_kw(cd.company, cd.sources)
    capacity = np.tile(design_capacity_kw, (HOURS, 1))
    source_pos, sub_index = cd.source_pos, cd.sub_index
    sub_limit = np.tile(
        np.array([s.design_load_kw * cfg.substation_overload for s in cd.substations]),
        (HOURS, 1),
    )
    supply_override = np.full((HOURS, n_sub), np.nan)
    for adj in adjustments:
        _check_adjustment(adj)
        if adj.kind == AdjustmentKind.SOURCE_LIMIT:
            if adj.source_id not in source_pos:
                raise PlanError(_("热源不属于该公司"))
            _apply_hours(capacity, adj, source_pos[adj.source_id], adj.value)
        elif adj.kind == AdjustmentKind.SUPPLY_TEMP:
            if adj.substation_id not in sub_index:
                raise PlanError(_("换热站不属于该公司"))
            _apply_hours(supply_override, adj, sub_index[adj.substation_id], adj.value)
    curves = [_curve_for(s.terminal, cd.design_out_c) for s in cd.substations]
    sub_design_kw = np.array([s.design_load_kw for s in cd.substations])
    overload_kw = sub_limit.copy()
    # Heat each overridden substation's radiators give at the override (the heating curve
    # inverted: relative load at that supply temperature × design load); NaN where none.
    override_kw = override_heat_kw(supply_override, curves, sub_design_kw)
    # A lower supply set-point than the curve limits the heat the substation can pass (a
    # higher one is applied after the allocation, see raise_to_overrides).
    sub_limit = np.fmin(sub_limit, override_kw)
    return Limits(
        design_capacity_kw, capacity, sub_limit, overload_kw, supply_override, override_kw, curves
    )


def allocate_heat(cd: CompanyDay, demand: Demand, limits: Limits, cfg: PlanSettings) -> Heat:
    """Max-min indoor allocation under capacity, then raised set-points on top."""
    deliverable = limits.capacity_kw * (1.0 - cfg.network_loss_fraction)
    t_out, sunless = demand.t_out, demand.sunless_kw
    # Linear indoor model for the allocation: T = t_out + offset + k (q + gain), k so that
    # the sunless demand gives the planned indoor temperature.
    with np.errstate(divide="ignore", invalid="ignore"):
        k = np.where(sunless > 0, (cd.target_c - t_out[:, None]) / sunless, 1.0)
    a = t_out[:, None] + cd.offset_c[None, :] + np.where(sunless > 0, k * demand.solar_gain_kw, 0.0)
    allocation = allocate(
        demand.community_kw,
        deliverable,
        community_substation=cd.community_substation,
        substation_limit_kw=limits.substation_limit_kw,
        indoor_at_zero_heat_c=a,
        indoor_k_per_kw=np.maximum(k, 1e-9),
    )
    raised = raise_to_overrides(
        allocation,
        override_kw=limits.override_kw,
        overload_kw=limits.overload_kw,
        deliverable_kw=deliverable.sum(axis=1),
        community_demand_kw=demand.community_kw,
        community_substation=cd.community_substation,
        substation_demand_kw=demand.substation_kw,
        indoor_at_zero_heat_c=a,
        indoor_k_per_kw=np.maximum(k, 1e-9),
    )
    # (the shortfall's warning is written once the rooms' temperatures are known: plan_day)
    warnings = _raise_warnings(raised, cd.substations, limits.supply_override_c, cfg)
    return Heat(raised.heat_kw, raised.substation_heat_kw, raised.indoor_temp_c, tuple(warnings))


def set_points(cd: CompanyDay, heat: Heat, limits: Limits) -> tuple[np.ndarray, np.ndarray]:
    """Secondary supply/return set-points at the outdoor temperature equivalent to the
    allocated heat (a cut lowers them); overrides replace the supply set-point."""
    n_sub = len(cd.substations)
    sub_design_kw = np.array([s.design_load_kw for s in cd.substations])
    supply_c = np.empty((HOURS, n_sub))
    return_c = np.empty((HOURS, n_sub))
    for j, curve in enumerate(limits.curves):
        eq_out = equivalent_outdoor_c(heat.substation_kw[:, j], sub_design_kw[j], curve)
        points = setpoints(eq_out, curve)
        supply_c[:, j] = points["supply_temp_c"]
        return_c[:, j] = points["return_temp_c"]
    overridden = np.isfinite(limits.supply_override_c)
    supply_c[overridden] = limits.supply_override_c[overridden]
    return supply_c, return_c


def check_network(
    cd: CompanyDay, heat: Heat, limits: Limits, cfg: PlanSettings, network_cache: dict | None
) -> Hydraulics:
    """Primary supply temperatures, the hydraulic check with the sources run as scheduled,
    and the stored source schedule with the check's transport delays."""
    substations, sources = cd.substations, cd.sources
    n_sub = len(substations)
    source_pos = cd.source_pos
    sub_heat, capacity, curves = heat.substation_kw, limits.capacity_kw, limits.curves
    supply_c, return_c = set_points(cd, heat, limits)
    warnings: list[str] = []
    sub_design_kw = np.array([s.design_load_kw for s in substations])
    primary_source = [s.source if s.source_id in source_pos else sources[0] for s in substations]
    primary_supply = np.empty((HOURS, len(sources)))
    sub_relative = sub_heat / np.maximum(sub_design_kw, 1e-9)
    sub_source = np.array([source_pos[src.id] for src in primary_source])
    for k_src, src in enumerate(sources):
        curve = primary_curve(
            src.design_supply_temp_c,
            src.design_return_temp_c,
            cd.design_out_c,
            src.min_supply_temp_c,
            exponent_b=cfg.primary_exponent_b,
        )
        # Set for the source's most loaded substation, never above its maximum (130 °C).
        fed = sub_source == k_src
        relative = sub_relative[:, fed if fed.any() else slice(None)].max(axis=1)
        primary_supply[:, k_src] = source_supply_temp_c(relative, curve, src.max_supply_temp_c)
    # Each substation's primary flow follows from its exchanger: the valve passes what brings
    # the secondary supply to its set-point from the source's supply temperature (less than
    # the design flow at part load, more on a day colder than the design day).
    primary_dt = exchanger_primary_delta_t_k(
        sub_relative,
        primary_supply[:, sub_source],
        supply_c,
        return_c,
        design_primary_supply_c=np.array([src.design_supply_temp_c for src in primary_source]),
        design_primary_return_c=np.array([src.design_return_temp_c for src in primary_source]),
        design_secondary_supply_c=np.array([c.design_supply_c for c in curves]),
        design_secondary_return_c=np.array([c.design_return_c for c in curves]),
    )
    cache = network_cache if network_cache is not None else {}
    company = cd.company
    if company.id not in cache:
        cache[company.id] = CompanyNetwork.build(
            company, substations, sources, cfg.min_dp_bar, capacity_kw=limits.design_capacity_kw
        )
    network = cache[company.id]
    # Each source serves its own supply zone first (the register's Substation.source); a
    # zone-sized network cannot carry one zone's load from another plant (tie pipes carry a
    # fraction of it), so plain merit order would plan water the pipes cannot move.
    zone_source = np.array([source_pos.get(s.source_id, -1) for s in substations], dtype=int)
    # The check runs each hour with the water of that hour's heat (who holds the pressure,
    # who is off, each source's flow): flows are simultaneous across the network, only the
    # heat's arrival is delayed. (Fed with the delay-shifted production schedule, the boiler
    # houses moved less water than their zones drew in hours of falling load, and the balance
    # plant pushed the rest over the tie pipes: Yongheng's lift was raised on most days.)
    hydro = network.check(
        sub_heat,
        primary_dt,
        primary_supply,
        simultaneous_dispatch_kw(
            sub_heat, capacity, zone_source, heat_loss_fraction=cfg.network_loss_fraction
        ),
        heat_loss_fraction=cfg.network_loss_fraction,
    )
    warnings.extend(hydro.warnings)
    unserved = hydro.unserved if hydro.unserved is not None else np.zeros(n_sub, bool)
    short = hydro.flow_shortfall & ~unserved
    # A lift fixed by WENNUAN_PLAN_LIFT_BAR is the cause of what is short, not a stopped
    # source: said so, with the lift the design load needs.
    # (Even fixed at the design value it is the cause: a sized lift is raised for the day.)
    fixed_too_low = bool(hydro.fixed_lift_bar and np.isfinite(hydro.sized_lift_bar))
    cause = {"fixed": hydro.fixed_lift_bar, "sized": hydro.sized_lift_bar}
    if short.any():
        margin = hydro.dp_margin_bar
        with np.errstate(all="ignore"):
            lowest = np.where(np.isfinite(margin), margin, np.inf).min(axis=0)
        named = [
            system_text("%(name)s（%(margin)+.2f bar，%(hours)s）")
            % {
                "name": substations[j].name,
                "margin": float(lowest[j]),
                "hours": hour_ranges(np.flatnonzero(margin[:, j] < 0)),
            }
            for j in sorted(np.flatnonzero(short), key=lambda j: lowest[j])
        ]
        if fixed_too_low:
            warnings.append(
                system_text(
                    "以下换热站资用压差不足，得不到所需流量：%(names)s（原因：循环泵扬程由 "
                    "WENNUAN_PLAN_LIFT_BAR 固定为 %(fixed).1f bar，不随当日需要提高；按设计负荷需 "
                    "%(sized).1f bar）"
                )
                % {"names": named, **cause}
            )
        else:
            warnings.append(
                system_text("以下换热站资用压差不足，得不到所需流量：%(names)s") % {"names": named}
            )
    if unserved.any():
        names = [substations[j].name for j in np.flatnonzero(unserved)]
        if fixed_too_low:
            warnings.append(
                system_text(
                    "一次网按固定的循环泵扬程送不到以下换热站所需的流量，这些换热站没有资用"
                    "压差、供不上热：%(names)s（原因：循环泵扬程由 WENNUAN_PLAN_LIFT_BAR 固定为 "
                    "%(fixed).1f bar，不随当日需要提高；按设计负荷需 %(sized).1f bar）"
                )
                % {"names": names, **cause}
            )
        else:
            warnings.append(
                system_text(
                    "一次网按今日的热源运行方式（循环泵扬程 %(lift).1f bar）送不到以下换热站所需的"
                    "流量，这些换热站没有资用压差、供不上热：%(names)s"
                    "（常见原因：所在供热区的热源停运或限出力，只能经细管从远处热源取水）"
                )
                % {"lift": hydro.lift_bar, "names": names}
            )
    delay_h = transport_delays_h(hydro.delay_s, n_substations=n_sub)
    schedule = source_schedule(
        sub_heat,
        capacity,
        delay_h=delay_h,
        heat_loss_fraction=cfg.network_loss_fraction,
        substation_source=zone_source,
    )
    warnings.extend(_schedule_overload_warnings(schedule, capacity, sources))
    return Hydraulics(supply_c, return_c, primary_supply, hydro, delay_h, schedule, tuple(warnings))


def predict_indoor(cd: CompanyDay, demand: Demand, heat: Heat, cfg: PlanSettings) -> Indoor:
    steady = heat.steady_indoor_c
    t_out = demand.t_out
    indoor = np.empty_like(steady)
    for i in range(len(cd.communities)):
        # Unit resistance: the "heat" input is the steady indoor-outdoor difference, so the
        # RC model only adds the buildings' inertia (time constant τ) to the allocation.
        indoor[:, i] = simulate_indoor(
            IndoorParameters(1.0, float(cd.tau_h[i])),
            t_out,
            steady[:, i] - t_out,
            initial_indoor_c=float(steady[0, i]),
        )
    risk_threshold = cd.standard_c + cfg.risk_margin_k
    min_indoor = indoor.min(axis=0) if len(cd.communities) else np.array([])
    return Indoor(
        indoor,
        min_indoor,
        min_indoor < risk_threshold,
        risk_threshold,
        tuple(_overheat_warnings(indoor, cd.communities, cfg.overheat_c)),
    )


def plan_day(
    company: HeatingCompany,
    day: date,
    weather: ChosenWeather,
    *,
    adjustments=(),
    cfg: PlanSettings | None = None,
    network_cache: dict | None = None,
) -> DayPlan:
    """One company's day as a chain of named steps (no writes): load → demand → limits →
    allocation → set-points and network check → indoor temperatures."""
    cfg = cfg or PlanSettings.from_settings()
    cd = load_company_day(company, day, cfg)
    demand = forecast_demand(cd, weather, cfg)
    limits = apply_adjustments(cd, adjustments, cfg)
    heat = allocate_heat(cd, demand, limits, cfg)
    hydraulics = check_network(cd, heat, limits, cfg, network_cache)
    indoor = predict_indoor(cd, demand, heat, cfg)
    deliverable_kw = limits.capacity_kw * (1.0 - cfg.network_loss_fraction)
    shortfall = _shortfall_warnings(cd, demand, heat, indoor.min_indoor_c, deliverable_kw)
    heat = replace(heat, warnings=(*shortfall, *heat.warnings))
    return DayPlan(cd, demand, limits, heat, hydraulics, indoor)


def compute_company_plan(
    company: HeatingCompany,
    day: date,
    weather: ChosenWeather,
    *,
    trigger: str = PlanTrigger.COMMAND,
    created_by=None,
    adjustments=(),
    based_on: Plan | None = None,
    now: datetime | None = None,
    cfg: PlanSettings | None = None,
    network_cache: dict | None = None,
    note: str = "",
) -> Plan:
    """Compute (``plan_day``) and store a new draft Plan version for one company and day.

    ``adjustments`` are unsaved PlanAdjustment objects (or dicts of their fields); they are
    applied and stored with the new version. ``note`` says why this version was made (the
    plan's history: a re-plan on a newer forecast, adjustments carried over)."""
    started = wall_clock.perf_counter()
    cfg = cfg or PlanSettings.from_settings()
    now = now or timezone.now()
    adjustments = [a if isinstance(a, PlanAdjustment) else PlanAdjustment(**a) for a in adjustments]
    result = plan_day(
        company, day, weather, adjustments=adjustments, cfg=cfg, network_cache=network_cache
    )
    cd, demand, limits = result.company_day, result.demand, result.limits
    hydro = result.hydraulics.check
    gain_kw = demand.solar_gain_kw
    inputs = {
        "outdoor_temp_c": [round(float(x), 2) for x in demand.t_out],
        **({"weather_out_of_range": True} if demand.weather_out_of_range else {}),
        "standard_indoor_c": cd.standard_c,
        "target_indoor_c": cd.target_c,
        "risk_threshold_c": result.indoor.risk_threshold_c,
        "overheat_c": cfg.overheat_c,
        "solar_gain_kwh": round(float(gain_kw.sum()), 1),
        "solar_aperture_m2_per_m2": cfg.solar_aperture_m2_per_m2 if gain_kw.any() else 0.0,
        **({"note": note} if note else {}),
        "network_loss_fraction": cfg.network_loss_fraction,
        "min_dp_bar": cfg.min_dp_bar,
        "lift_bar": hydro.lift_bar,
        "design_lift_bar": hydro.design_lift_bar,
        # with a fixed lift (WENNUAN_PLAN_LIFT_BAR) the lift the design load would need
        **(
            {"sized_lift_bar": hydro.sized_lift_bar}
            if hydro.fixed_lift_bar and np.isfinite(hydro.sized_lift_bar)
            else {}
        ),
        "source_capacity_kw": {
            s.code: round(float(limits.capacity_kw[:, k].max()), 1)
            for k, s in enumerate(cd.sources)
        },
    }
    return _store(
        company=company,
        day=day,
        weather=weather,
        trigger=trigger,
        created_by=created_by,
        based_on=based_on,
        now=now,
        inputs=inputs,
        warnings=result.warnings,
        adjustments=adjustments,
        sources=cd.sources,
        substations=cd.substations,
        communities=cd.communities,
        arrays={
            "schedule": result.hydraulics.schedule_kw,
            "capacity": limits.capacity_kw,
            "primary_supply": result.hydraulics.primary_supply_c,
            "sub_demand": demand.substation_kw,
            "sub_heat": result.heat.substation_kw,
            "supply_c": result.hydraulics.supply_c,
            "return_c": result.hydraulics.return_c,
            "sub_mdot": hydro.mass_flow_kg_s,
            "dp_margin": hydro.dp_margin_bar,
            "delay_h": result.hydraulics.delay_h,
            "shortfall": hydro.flow_shortfall,
            "methods": demand.methods,
            "comm_demand": demand.community_kw,
            "comm_heat": result.heat.community_kw,
            "indoor": result.indoor.indoor_c,
            "min_indoor": result.indoor.min_indoor_c,
            "at_risk": result.indoor.at_risk,
            "pipes": hydro.pipes,
        },
        started=started,
    )


def _r(values, digits=1) -> list[float]:
    """24 rounded floats for a JSON column (NaN → null), vectorised."""
    array = np.round(np.asarray(values, dtype=float), digits)
    listed = array.tolist()
    if np.isfinite(array).all():
        return listed
    return [v if np.isfinite(v) else None for v in listed]


def _store(
    *,
    company,
    day,
    weather,
    trigger,
    created_by,
    based_on,
    now,
    inputs,
    warnings,
    adjustments,
    sources,
    substations,
    communities,
    arrays,
    started,
) -> Plan:
    for _attempt in range(5):
        try:
            with transaction.atomic():
                latest = lock_day_versions(company, day)
                if based_on is not None and latest is not None and latest.pk != based_on.pk:
                    # Computed from a version that someone else re-ran meanwhile: storing it
                    # would silently drop their adjustments.
                    raise StalePlanError(based_on, latest)
                plan = Plan.objects.create(
                    company=company,
                    date=day,
                    version=(latest.version if latest else 0) + 1,
                    status=PlanStatus.DRAFT,
                    trigger=trigger,
                    based_on=based_on,
                    weather_series=weather.series,
                    weather_provider=weather.series.provider,
                    weather_issued_at=weather.series.issued_at,
                    weather_age_h=round(weather.age_h, 2),
                    weather_note=weather.note[:300],
                    inputs=inputs,
                    warnings=warnings,
                    computed_at=now,
                    created_by=created_by,
                )
                _store_rows(plan, adjustments, sources, substations, communities, arrays)
                sub_heat = arrays["sub_heat"]
                plan.total_demand_kwh = float(arrays["sub_demand"].sum())
                plan.total_heat_kwh = float(sub_heat.sum())
                plan.total_capacity_kwh = float(arrays["capacity"].sum())
                plan.min_predicted_indoor_c = (
                    round(float(arrays["min_indoor"].min()), 2) if len(communities) else None
                )
                plan.at_risk_count = int(arrays["at_risk"].sum())
                plan.flow_shortfall_count = int(arrays["shortfall"].sum())
                plan.compute_seconds = round(wall_clock.perf_counter() - started, 3)
                plan.save()
                return plan
        except IntegrityError:
            continue  # another process took this version number: take the next one
    raise PlanError(_("计划版本冲突，请重试"))


def _store_rows(plan, adjustments, sources, substations, communities, arrays):
    for adj in adjustments:
        adj.pk = None
        adj.plan = plan
    PlanAdjustment.objects.bulk_create(adjustments)
    PlanSource.objects.bulk_create(
        PlanSource(
            plan=plan,
            source=src,
            heat_kw=_r(arrays["schedule"][:, k]),
            capacity_kw=_r(arrays["capacity"][:, k]),
            supply_temp_c=_r(arrays["primary_supply"][:, k]),
            total_heat_kwh=float(arrays["schedule"][:, k].sum()),
        )
        for k, src in enumerate(sources)
    )
    dp = arrays["dp_margin"]
    PlanSubstation.objects.bulk_create(
        PlanSubstation(
            plan=plan,
            substation=sub,
            forecast_method=arrays["methods"][j],
            demand_kw=_r(arrays["sub_demand"][:, j]),
            heat_kw=_r(arrays["sub_heat"][:, j]),
            supply_temp_c=_r(arrays["supply_c"][:, j]),
            return_temp_c=_r(arrays["return_c"][:, j]),
            mass_flow_kg_s=_r(arrays["sub_mdot"][:, j], 2),
            dp_margin_bar=_r(dp[:, j], 3),
            delay_h=round(float(arrays["delay_h"][j]), 2),
            total_heat_kwh=float(arrays["sub_heat"][:, j].sum()),
            min_dp_margin_bar=(
                round(float(np.nanmin(dp[:, j])), 3) if np.isfinite(dp[:, j]).any() else None
            ),
            flow_shortfall=bool(arrays["shortfall"][j]),
        )
        for j, sub in enumerate(substations)
    )
    PlanCommunity.objects.bulk_create(
        PlanCommunity(
            plan=plan,
            community=comm,
            demand_kw=_r(arrays["comm_demand"][:, i]),
            heat_kw=_r(arrays["comm_heat"][:, i]),
            predicted_indoor_c=_r(arrays["indoor"][:, i], 2),
            min_indoor_c=round(float(arrays["min_indoor"][i]), 2),
            at_risk=bool(arrays["at_risk"][i]),
        )
        for i, comm in enumerate(communities)
    )
    PlanPipe.objects.bulk_create(
        PlanPipe(
            plan=plan,
            pipe_id=pipe_id,
            mass_flow_kg_s=_r(mdot, 2),
            velocity_m_s=_r(velocity, 3),
            max_load_ratio=ratio,
        )
        for pipe_id, mdot, velocity, ratio in arrays["pipes"]
    )


def compute_plans(
    day: date,
    *,
    companies=None,
    weather: ChosenWeather | None = None,
    trigger: str = PlanTrigger.COMMAND,
    created_by=None,
    now: datetime | None = None,
    note: str = "",
) -> list[Plan]:
    """Plans for ``day`` of the given companies (default all), one weather for all; each
    keeps the adjustments of its day's approved version. The engine opens no work orders:
    callers open the proactive ones (``proactive.open_proactive_orders``)."""
    now = now or timezone.now()
    city = City.objects.first()
    if city is None:
        raise PlanError(_("尚未登记城市"))
    if weather is None:
        weather = choose_forecast(city, day, now=now)
    companies = list(companies) if companies is not None else list(HeatingCompany.objects.all())
    plans = []
    cfg = PlanSettings.from_settings()
    for company in companies:
        # A recomputation of a day keeps what the engineers approved for it (a raised
        # set-point, a unit out for maintenance): dropping it silently would undo their
        # decision in the next version (issue 16 item 8).
        approved = approved_version(company, day)
        carried = adjustments_of(approved)
        plan = compute_company_plan(
            company,
            day,
            weather,
            trigger=trigger,
            created_by=created_by,
            now=now,
            cfg=cfg,
            adjustments=carried,
            note="；".join(filter(None, [note, carried_note(approved, carried)])),
        )
        plans.append(plan)
    return plans


ADJUSTMENT_FIELDS = (
    "kind",
    "substation_id",
    "source_id",
    "first_hour",
    "last_hour",
    "value",
    "reason",
    "created_by_id",
    "created_at",
)


def adjustments_of(plan: Plan | None) -> list[dict]:
    """``plan``'s adjustments as dicts a new version can be computed with."""
    if plan is None:
        return []
    return [{f: getattr(a, f) for f in ADJUSTMENT_FIELDS} for a in plan.adjustments.all()]


def approved_version(company, day) -> Plan | None:
    return Plan.objects.filter(company=company, date=day, status=PlanStatus.APPROVED).first()


def carried_note(approved: Plan | None, adjustments) -> str:
    if not adjustments:
        return ""
    # stored in the source language, shown in the reader's (wennuan.lib.systemtext)
    return gettext_noop("沿用已批准的 v%(version)d 的 %(n)d 项调整") % {
        "version": approved.version,
        "n": len(adjustments),
    }


def rerun_plan(plan: Plan, *, adjustment: dict | None = None, created_by=None, now=None) -> Plan:
    """A new version of ``plan``'s day with its adjustments (plus ``adjustment``) and the
    same weather series. ``plan`` must still be the newest version of its day when the new one
    is stored, else ``StalePlanError`` (two engineers re-running the same version at once: the
    first wins, the second is told which version is newer)."""
    now = now or timezone.now()
    if plan.weather_series is None:
        raise PlanError(_("原计划使用的天气序列已删除，请重新计算"))
    weather = load_series(plan.weather_series, plan.date, now, plan.weather_note)
    adjustments = adjustments_of(plan)
    if adjustment:
        adjustments.append({"created_by": created_by, "created_at": now, **adjustment})
    return compute_company_plan(
        plan.company,
        plan.date,
        weather,
        trigger=PlanTrigger.CONSOLE,
        created_by=created_by,
        adjustments=adjustments,
        based_on=plan,
        now=now,
    )

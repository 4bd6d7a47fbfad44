"""Hourly weather for the plans, from pluggable providers (issue 7).

* ``climate``: a seeded climate generator for the City row's design outdoor temperature
  (demo, tests, and the last fallback);
* ``open_meteo``: the Open-Meteo forecast JSON API (coordinates from the City row, or the
  ``WENNUAN_WEATHER_LATITUDE`` / ``WENNUAN_WEATHER_LONGITUDE`` settings/environment);
* ``csv``: a purchased forecast uploaded as CSV (``timestamp,outdoor_temp_c``, hourly; an
  optional ``solar_w_m2`` column of global horizontal radiation lets the plan count the sun).

Every provider stores a ``WeatherSeries`` with its hours; a plan records which series it used
and how old it was (``choose_forecast``).
"""

import csv
import io
import json
import math
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .choices import WeatherKind, WeatherProvider
from .config import setting
from .models import WeatherHour, WeatherSeries

LOCAL_TZ = ZoneInfo("Asia/Shanghai")
HISTORY_HOURS = 72  # hours before the plan day used for the buildings' thermal inertia


def local_day_start(day: date) -> datetime:
    """00:00 local time of ``day`` as an aware datetime."""
    return datetime.combine(day, time(0), tzinfo=LOCAL_TZ)


def day_hours(day: date) -> list[datetime]:
    """The 24 hour starts of a local day."""
    start = local_day_start(day)
    return [start + timedelta(hours=h) for h in range(24)]


# --------------------------------------------------------------------------------------
# 1. Heze climate generator
# --------------------------------------------------------------------------------------

# Calibrated so that a generated season matches GB 50736-2012 for Heze (station 54906):
# heating-period mean 0.9 °C over ~105 days with daily mean ≤ +5 °C and a design outdoor
# temperature of −4.9 °C (the daily mean exceeded on all but ~5 days a season). The seasonal
# curve is coldest around 15 January; daily anomalies are AR(1) with occasional cold snaps
# (寒潮, 3–6 days, 5–9 K colder); the diurnal cycle has its minimum near 06:00 and maximum
# near 14:00 (amplitude larger on clear, cold days).
_ANNUAL_MEAN_C = 15.5
_ANNUAL_AMPLITUDE_K = 14.8
# Another city: the seasonal curve is shifted by its design outdoor temperature (the City
# row), i.e. its annual mean is design + 20.4 K as in Heze; the shape and the anomalies stay.
_HEZE_DESIGN_OUTDOOR_C = -4.9
_COLDEST_DAY_OF_YEAR = 15
_ANOMALY_SD_K = 2.0
_ANOMALY_AR = 0.7
_DIURNAL_HALF_RANGE_K = 4.0


@dataclass(frozen=True)
class SeasonalClimate:
    """Seeded hourly outdoor temperatures of a city with design outdoor temperature
    ``design_outdoor_c`` (default Heze's). The value of an hour depends only on the seed, the
    city's design temperature and the hour (each heating season, 1 Oct–30 Apr, is drawn from
    its own stream)."""

    seed: int = 2026
    design_outdoor_c: float = _HEZE_DESIGN_OUTDOOR_C

    @property
    def annual_mean_c(self) -> float:
        return _ANNUAL_MEAN_C + (self.design_outdoor_c - _HEZE_DESIGN_OUTDOOR_C)

    def _season_daily(self, season_year: int) -> tuple[date, np.ndarray]:
        first = date(season_year, 10, 1)
        n_days = (date(season_year + 1, 5, 1) - first).days
        rng = np.random.default_rng([self.seed, season_year])
        days = np.array([(first + timedelta(d)).timetuple().tm_yday for d in range(n_days)])
        phase = 2 * np.pi * (days - _COLDEST_DAY_OF_YEAR) / 365.25
        mean = self.annual_mean_c - _ANNUAL_AMPLITUDE_K * np.cos(phase)
        noise = rng.normal(0.0, _ANOMALY_SD_K * math.sqrt(1 - _ANOMALY_AR**2), n_days)
        anomaly = np.zeros(n_days)
        for d in range(1, n_days):
            anomaly[d] = _ANOMALY_AR * anomaly[d - 1] + noise[d]
        # Cold snaps: about three a season between December and February.
        for _snap in range(rng.poisson(3.0)):
            start = int(rng.integers(60, 150))
            length = int(rng.integers(3, 7))
            depth = rng.uniform(5.0, 9.0)
            ramp = np.sin(np.linspace(0, np.pi, length + 2)[1:-1])
            anomaly[start : start + length] -= depth * ramp[: max(0, n_days - start)]
        return first, mean + anomaly

    def hourly(self, start: datetime, hours: int) -> np.ndarray:
        """Outdoor temperature [°C] for ``hours`` hours from ``start`` (aware)."""
        start_local = start.astimezone(LOCAL_TZ)
        out = np.empty(hours)
        cache: dict[int, tuple[date, np.ndarray]] = {}
        for h in range(hours):
            moment = start_local + timedelta(hours=h)
            day = moment.date()
            season_year = day.year if day.month >= 7 else day.year - 1
            if season_year not in cache:
                cache[season_year] = self._season_daily(season_year)
            first, daily = cache[season_year]
            index = (day - first).days
            if 0 <= index < daily.size:
                day_mean = daily[index]
            else:  # summer: the seasonal curve alone
                phase = 2 * np.pi * (moment.timetuple().tm_yday - _COLDEST_DAY_OF_YEAR) / 365.25
                day_mean = self.annual_mean_c - _ANNUAL_AMPLITUDE_K * math.cos(phase)
            hour = moment.hour + moment.minute / 60
            # Minimum at 06:00, maximum at 14:00: a cosine with a 16 h/8 h asymmetric phase.
            if 6 <= hour < 14:
                shape = -math.cos(math.pi * (hour - 6) / 8)
            else:
                shape = math.cos(math.pi * ((hour - 14) % 24) / 16)
            out[h] = day_mean + _DIURNAL_HALF_RANGE_K * shape
        return np.round(out, 2)


HezeClimate = SeasonalClimate  # the demo city's climate (the defaults)


def store_series(
    city, kind, provider, issued_at, timestamps, temps_c, *, note="", created_by=None, **extra
) -> WeatherSeries:
    """Save one series with its hours in one transaction."""
    wind = extra.pop("wind_speed_m_s", None)
    solar = extra.pop("solar_w_m2", None)
    with transaction.atomic():
        series = WeatherSeries.objects.create(
            city=city,
            kind=kind,
            provider=provider,
            issued_at=issued_at,
            note=note[:200],
            created_by=created_by,
            **extra,
        )
        WeatherHour.objects.bulk_create(
            WeatherHour(
                series=series,
                timestamp=ts,
                outdoor_temp_c=float(t),
                wind_speed_m_s=None if wind is None or wind[i] is None else float(wind[i]),
                solar_w_m2=None if solar is None or solar[i] is None else float(solar[i]),
            )
            for i, (ts, t) in enumerate(zip(timestamps, temps_c, strict=True))
        )
    return series


def climate_forecast(city, day: date, *, now: datetime | None = None, seed=None) -> WeatherSeries:
    """A forecast series from the climate generator covering the 72 h before ``day`` and the
    day itself (what a forecast service would return)."""
    seed = int(setting("WENNUAN_CLIMATE_SEED")) if seed is None else seed
    start = local_day_start(day) - timedelta(hours=HISTORY_HOURS)
    hours = HISTORY_HOURS + 24
    temps = SeasonalClimate(seed, city.design_outdoor_temp_c).hourly(start, hours)
    stamps = [start + timedelta(hours=h) for h in range(hours)]
    return store_series(
        city,
        WeatherKind.FORECAST,
        WeatherProvider.CLIMATE,
        now or timezone.now(),
        stamps,
        temps,
        note=_(
            "按%(city)s气候统计模拟的天气（供暖室外计算温度 %(design)s °C），不是预报（种子 %(seed)s）"
        )
        % {"city": city.name, "design": city.design_outdoor_temp_c, "seed": seed},
    )


# --------------------------------------------------------------------------------------
# 2. Open-Meteo
# --------------------------------------------------------------------------------------


class WeatherUnavailable(Exception):
    """A provider could not deliver (network, HTTP or format error); message is Chinese."""


def open_meteo_url(latitude: float, longitude: float) -> str:
    query = {
        "latitude": f"{latitude:.4f}",
        "longitude": f"{longitude:.4f}",
        "hourly": "temperature_2m,wind_speed_10m,shortwave_radiation",
        "wind_speed_unit": "ms",
        "timezone": "Asia/Shanghai",
        "past_days": 3,
        "forecast_days": 3,
    }
    return f"{setting('WENNUAN_OPEN_METEO_URL')}?{urllib.parse.urlencode(query)}"


def parse_open_meteo(payload: dict) -> tuple[list[datetime], list, list, list]:
    """Hours, temperatures, wind and sun from an Open-Meteo forecast response (``hourly``
    arrays; ``time`` in local time of ``timezone``/``utc_offset_seconds``)."""
    try:
        hourly = payload["hourly"]
        offset = timedelta(seconds=int(payload.get("utc_offset_seconds", 0)))
        zone = ZoneInfo(payload["timezone"]) if payload.get("timezone") else None
        times = hourly["time"]
        temps = hourly["temperature_2m"]
    except (KeyError, TypeError, ValueError) as error:
        raise WeatherUnavailable(_("Open-Meteo 返回的数据格式不正确：%s") % error) from error
    wind = hourly.get("wind_speed_10m")
    sun = hourly.get("shortwave_radiation")
    stamps = []
    for text in times:
        naive = datetime.fromisoformat(text)
        if zone is not None:
            stamps.append(naive.replace(tzinfo=zone))
        else:
            stamps.append(naive.replace(tzinfo=LOCAL_TZ) - offset)
    keep = [i for i, t in enumerate(temps) if t is not None]
    if len(keep) < 24:
        raise WeatherUnavailable(_("Open-Meteo 返回的逐时温度不足 24 小时"))
    pick = lambda values: None if values is None else [values[i] for i in keep]  # noqa: E731
    return [stamps[i] for i in keep], pick(temps), pick(wind), pick(sun)


def fetch_open_meteo(city, *, now: datetime | None = None, opener=None) -> WeatherSeries:
    """Fetch and store the current Open-Meteo forecast for the city's coordinates.

    ``opener(url, timeout) -> bytes`` is injectable for tests (recorded responses)."""
    latitude = float(setting("WENNUAN_WEATHER_LATITUDE", city.latitude))
    longitude = float(setting("WENNUAN_WEATHER_LONGITUDE", city.longitude))
    url = open_meteo_url(latitude, longitude)
    timeout = float(setting("WENNUAN_WEATHER_TIMEOUT_S"))
    try:
        if opener is not None:
            raw = opener(url, timeout)
        else:
            with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310
                raw = response.read()
        payload = json.loads(raw)
    except (OSError, urllib.error.URLError, ValueError) as error:
        raise WeatherUnavailable(_("无法获取 Open-Meteo 预报：%s") % error) from error
    if isinstance(payload, dict) and payload.get("error"):
        raise WeatherUnavailable(_("Open-Meteo 拒绝请求：%s") % payload.get("reason", ""))
    stamps, temps, wind, sun = parse_open_meteo(payload)
    return store_series(
        city,
        WeatherKind.FORECAST,
        WeatherProvider.OPEN_METEO,
        now or timezone.now(),
        stamps,
        temps,
        wind_speed_m_s=wind,
        solar_w_m2=sun,
        latitude=latitude,
        longitude=longitude,
        note=f"Open-Meteo {latitude:.3f},{longitude:.3f}",
    )


# --------------------------------------------------------------------------------------
# 3. CSV upload (purchased forecast)
# --------------------------------------------------------------------------------------


class WeatherCsvError(ValueError):
    """A refused weather file; ``errors`` are Chinese row-level messages."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


def parse_timestamp(text: str) -> datetime:
    """ISO-like timestamp; naive values are local (Asia/Shanghai) time."""
    value = datetime.fromisoformat(text.strip().replace("/", "-"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=LOCAL_TZ)
    return value


def parse_weather_csv(content: bytes | str) -> tuple[list[datetime], list[float]]:
    """Read ``timestamp,outdoor_temp_c`` rows; all-or-nothing with row-level errors."""
    stamps, temps, _solar = parse_weather_csv_with_sun(content)
    return stamps, temps


def parse_weather_csv_with_sun(content: bytes | str):
    """As :func:`parse_weather_csv`, plus the optional ``solar_w_m2`` column (global
    horizontal radiation, 0–1400 W/m²; None when the file has no such column)."""
    if isinstance(content, bytes):
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                content = content.decode("gb18030")
            except UnicodeDecodeError as error:
                raise WeatherCsvError([_("文件编码无法识别（请用 UTF-8 或 GBK）")]) from error
    reader = csv.DictReader(io.StringIO(content.lstrip("\ufeff")))
    fields = [f.strip() for f in (reader.fieldnames or [])]
    missing = [c for c in ("timestamp", "outdoor_temp_c") if c not in fields]
    if missing:
        raise WeatherCsvError(
            [_("缺少列：%(cols)s（需要 timestamp,outdoor_temp_c）") % {"cols": ", ".join(missing)}]
        )
    with_sun = "solar_w_m2" in fields
    errors, stamps, temps, sun, seen = [], [], [], [], {}
    for line, row in enumerate(reader, start=2):
        row = {(k or "").strip(): (v or "").strip() for k, v in row.items()}
        try:
            ts = parse_timestamp(row["timestamp"])
        except ValueError:
            errors.append(
                _("第 %(n)d 行：时间“%(v)s”无法识别") % {"n": line, "v": row["timestamp"]}
            )
            continue
        try:
            temp = float(row["outdoor_temp_c"])
            if not math.isfinite(temp) or not -60 <= temp <= 60:
                raise ValueError
        except ValueError:
            errors.append(
                _("第 %(n)d 行：室外温度“%(v)s”不是 −60～60 之间的数字")
                % {"n": line, "v": row["outdoor_temp_c"]}
            )
            continue
        if with_sun:
            try:
                solar = float(row.get("solar_w_m2") or "nan")
                if not 0 <= solar <= 1400:
                    raise ValueError
            except ValueError:
                errors.append(
                    _("第 %(n)d 行：太阳辐射“%(v)s”不是 0～1400 W/m² 之间的数字")
                    % {"n": line, "v": row.get("solar_w_m2", "")}
                )
                continue
        if ts.minute or ts.second:
            errors.append(_("第 %(n)d 行：时间必须是整点") % {"n": line})
            continue
        if ts in seen:
            errors.append(_("第 %(n)d 行：与第 %(m)d 行时间重复") % {"n": line, "m": seen[ts]})
            continue
        seen[ts] = line
        stamps.append(ts)
        temps.append(temp)
        if with_sun:
            sun.append(solar)
    if not stamps and not errors:
        errors.append(_("文件中没有数据行"))
    if errors:
        raise WeatherCsvError(errors)
    order = sorted(range(len(stamps)), key=stamps.__getitem__)
    return (
        [stamps[i] for i in order],
        [temps[i] for i in order],
        [sun[i] for i in order] if with_sun else None,
    )


def import_weather_csv(
    city, content, *, created_by=None, now=None, note="", kind=WeatherKind.FORECAST
) -> WeatherSeries:
    """Store an uploaded forecast file as a series (nothing stored if any row is bad); a
    ``WeatherKind.WHAT_IF`` series is never chosen as a later plan's forecast."""
    stamps, temps, solar = parse_weather_csv_with_sun(content)
    return store_series(
        city,
        kind,
        WeatherProvider.CSV,
        now or timezone.now(),
        stamps,
        temps,
        note=note or _("上传的预报文件"),
        created_by=created_by,
        solar_w_m2=solar,
    )


# --------------------------------------------------------------------------------------
# Choosing the forecast for a plan
# --------------------------------------------------------------------------------------


@dataclass
class ChosenWeather:
    """The weather a plan uses: 24 hours of the day plus up to 72 h before it."""

    series: WeatherSeries
    timestamps: list[datetime]
    outdoor_temp_c: np.ndarray  # (len(timestamps),)
    wind_speed_m_s: np.ndarray | None
    solar_w_m2: np.ndarray | None
    age_h: float
    note: str


def covers_day(series: WeatherSeries, day: date) -> bool:
    start = local_day_start(day)
    return (
        series.hours.filter(timestamp__gte=start, timestamp__lt=start + timedelta(days=1)).count()
        >= 24
    )


def load_series(series: WeatherSeries, day: date, now: datetime, note: str = "") -> ChosenWeather:
    start = local_day_start(day)
    hours = list(
        series.hours.filter(
            timestamp__gte=start - timedelta(hours=HISTORY_HOURS),
            timestamp__lt=start + timedelta(days=1),
        ).order_by("timestamp")
    )
    wind = [h.wind_speed_m_s for h in hours]
    sun = [h.solar_w_m2 for h in hours]
    return ChosenWeather(
        series=series,
        timestamps=[h.timestamp for h in hours],
        outdoor_temp_c=np.array([h.outdoor_temp_c for h in hours], dtype=float),
        wind_speed_m_s=None if any(w is None for w in wind) else np.array(wind, dtype=float),
        solar_w_m2=None if any(s is None for s in sun) else np.array(sun, dtype=float),
        age_h=max(0.0, (now - series.issued_at).total_seconds() / 3600.0),
        note=note,
    )


def choose_forecast(city, day: date, *, now: datetime | None = None, opener=None) -> ChosenWeather:
    """The forecast for a plan of ``day``.

    1. With ``WENNUAN_WEATHER_PROVIDER=open_meteo``: a fresh Open-Meteo forecast.
    2. A purchased forecast uploaded as CSV (or an earlier Open-Meteo one) covering the day:
       the newest; with the default provider (``climate``) only if issued within
       ``WENNUAN_WEATHER_MAX_AGE_H`` (36 h), after a failed Open-Meteo fetch at any age. Its
       age is recorded, with a note saying why it was used.
    3. The climate generator of the City row, with a note saying why when 1 failed."""
    now = now or timezone.now()
    provider = setting("WENNUAN_WEATHER_PROVIDER")
    max_age_h = float(setting("WENNUAN_WEATHER_MAX_AGE_H"))
    note = ""
    if provider == WeatherProvider.OPEN_METEO:
        try:
            series = fetch_open_meteo(city, now=now, opener=opener)
            if covers_day(series, day):
                return load_series(series, day, now)
            note = _("Open-Meteo 预报未覆盖该日")
        except WeatherUnavailable as error:
            note = str(error)
    stored = (
        WeatherSeries.objects.filter(city=city, kind=WeatherKind.FORECAST, issued_at__lte=now)
        .exclude(provider=WeatherProvider.CLIMATE)
        .order_by("-issued_at")
    )
    if not note:  # nothing failed: only recent stored forecasts are better than the climate
        stored = stored.filter(issued_at__gte=now - timedelta(hours=max_age_h))
    for series in stored[:10]:
        if covers_day(series, day):
            chosen = load_series(series, day, now)
            if note:
                chosen.note = _("%(why)s；改用 %(age).0f 小时前发布的预报") % {
                    "why": note,
                    "age": chosen.age_h,
                }
            else:
                chosen.note = _("使用 %(age).0f 小时前导入的预报（%(source)s）") % {
                    "age": chosen.age_h,
                    "source": series.get_provider_display(),
                }
            return chosen
    if note:
        note = _("%(why)s；无可用的已存预报，改用按气候统计模拟的天气（不是预报）") % {"why": note}
    series = climate_forecast(city, day, now=now)
    return load_series(series, day, now, note)


def csv_forecast(
    city, day: date, content, *, created_by=None, now=None, what_if=False
) -> ChosenWeather:
    """A plan's weather from an uploaded/command-line CSV; it must cover all 24 hours. A
    ``what_if`` file is stored as such: later plans never take it for the forecast."""
    now = now or timezone.now()
    series = import_weather_csv(
        city,
        content,
        created_by=created_by,
        now=now,
        kind=WeatherKind.WHAT_IF if what_if else WeatherKind.FORECAST,
        note=_("试算天气（wennuan plan --weather-csv）") if what_if else "",
    )
    if not covers_day(series, day):
        series.delete()
        raise WeatherCsvError(
            [_("天气文件未覆盖 %(day)s 的全部 24 个小时") % {"day": day.isoformat()}]
        )
    return load_series(
        series,
        day,
        now,
        _("试算：使用命令行给出的天气文件") if what_if else _("使用上传的天气文件"),
    )

"""Weather providers: the Heze climate generator, Open-Meteo (a response in the API's JSON
format, no network), CSV upload, and the choice a plan records."""

import json
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from wennuan.planning.choices import WeatherProvider
from wennuan.planning.models import WeatherSeries
from wennuan.planning.weather import (
    LOCAL_TZ,
    HezeClimate,
    WeatherCsvError,
    choose_forecast,
    climate_forecast,
    fetch_open_meteo,
    import_weather_csv,
    load_series,
    parse_weather_csv,
)
from wennuan.registry.models import City

from .conftest import NOW, PLAN_DAY

RECORDED = Path(__file__).with_name("data") / "open_meteo_heze.json"


def test_climate_matches_gb50736_statistics_for_heze():
    """Over 20 seeded seasons: heating-period mean ≈ 0.9 °C, about five days a season below
    the design temperature −4.9 °C, a diurnal cycle, deterministic per seed."""
    means, cold_days, lengths = [], [], []
    for seed in range(20):
        temps = HezeClimate(seed).hourly(datetime(2025, 10, 1, tzinfo=LOCAL_TZ), 24 * 212)
        daily = temps.reshape(-1, 24).mean(axis=1)
        heating = daily[daily <= 5.0]
        means.append(heating.mean())
        lengths.append(heating.size)
        cold_days.append((daily < -4.9).sum())
    assert np.mean(means) == pytest.approx(0.9, abs=0.4)
    assert 2 <= np.mean(cold_days) <= 9
    assert 80 <= np.mean(lengths) <= 115
    day = HezeClimate(1).hourly(datetime(2026, 1, 10, tzinfo=LOCAL_TZ), 24)
    assert day[14] - day[6] > 5  # afternoon warmer than dawn
    again = HezeClimate(1).hourly(datetime(2026, 1, 9, 20, tzinfo=LOCAL_TZ), 28)
    np.testing.assert_array_equal(again[4:], day)  # an hour's value does not depend on the window


def test_open_meteo_response_is_parsed_and_stored(small_city, settings):
    settings.WENNUAN_WEATHER_LATITUDE = 35.25
    settings.WENNUAN_WEATHER_LONGITUDE = 115.44
    asked = []

    def opener(url, timeout):
        asked.append(url)
        return RECORDED.read_bytes()

    series = fetch_open_meteo(City.objects.get(), now=NOW, opener=opener)
    assert "latitude=35.2500" in asked[0] and "longitude=115.4400" in asked[0]
    assert "temperature_2m" in asked[0] and "timezone=Asia%2FShanghai" in asked[0]
    assert series.provider == WeatherProvider.OPEN_METEO and series.hours.count() == 144
    first = series.hours.order_by("timestamp").first()
    recorded = json.loads(RECORDED.read_text())
    assert first.timestamp == datetime(2026, 12, 12, 0, 0, tzinfo=LOCAL_TZ)
    assert first.outdoor_temp_c == recorded["hourly"]["temperature_2m"][0]
    assert first.wind_speed_m_s == recorded["hourly"]["wind_speed_10m"][0]


def test_plan_weather_from_open_meteo(small_city, settings):
    settings.WENNUAN_WEATHER_PROVIDER = "open_meteo"
    chosen = choose_forecast(
        City.objects.get(), PLAN_DAY, now=NOW, opener=lambda url, timeout: RECORDED.read_bytes()
    )
    assert chosen.series.provider == WeatherProvider.OPEN_METEO
    assert len(chosen.timestamps) == 96 and chosen.age_h == 0 and chosen.note == ""


def test_unreachable_open_meteo_uses_the_newest_stored_forecast_and_says_how_old(
    small_city, settings
):
    settings.WENNUAN_WEATHER_PROVIDER = "open_meteo"
    city = City.objects.get()
    yesterday = NOW - timedelta(hours=20)
    fetch_open_meteo(city, now=yesterday, opener=lambda url, timeout: RECORDED.read_bytes())

    def unreachable(url, timeout):
        raise OSError("Network is unreachable")

    chosen = choose_forecast(city, PLAN_DAY, now=NOW, opener=unreachable)
    assert chosen.series.issued_at == yesterday
    assert chosen.age_h == pytest.approx(20)
    assert "无法获取 Open-Meteo 预报" in chosen.note and "20 小时前" in chosen.note
    # Nothing stored at all: the climate generator, with the reason.
    WeatherSeries.objects.all().delete()
    chosen = choose_forecast(city, PLAN_DAY, now=NOW, opener=unreachable)
    assert chosen.series.provider == WeatherProvider.CLIMATE
    # Said honestly (issue 16): simulated from climate statistics, not a forecast.
    assert "按气候统计模拟的天气（不是预报）" in chosen.note
    assert chosen.series.get_provider_display() == "气候统计模拟（非预报）"
    assert "菏泽" not in chosen.note  # nothing city-specific that a register row could hold


def test_malformed_open_meteo_answer_falls_back(small_city, settings):
    settings.WENNUAN_WEATHER_PROVIDER = "open_meteo"
    chosen = choose_forecast(
        City.objects.get(),
        PLAN_DAY,
        now=NOW,
        opener=lambda url, timeout: b'{"error": true, "reason": "bad"}',
    )
    assert chosen.series.provider == WeatherProvider.CLIMATE and "bad" in chosen.note


def test_weather_csv_row_level_errors_and_nothing_stored(small_city):
    content = (
        "timestamp,outdoor_temp_c\n"
        "2026-12-15 00:00,-2\n"
        "2026-12-15 01:30,-2\n"
        "yesterday,-2\n"
        "2026-12-15 02:00,七度\n"
        "2026-12-15 00:00,-1\n"
    ).encode()
    with pytest.raises(WeatherCsvError) as info:
        import_weather_csv(City.objects.get(), content)
    errors = info.value.errors
    assert [e.split("：")[0] for e in errors] == ["第 3 行", "第 4 行", "第 5 行", "第 6 行"]
    assert "整点" in errors[0] and "无法识别" in errors[1] and "数字" in errors[2]
    assert "重复" in errors[3]
    assert WeatherSeries.objects.count() == 0
    with pytest.raises(WeatherCsvError, match="缺少列"):
        parse_weather_csv("time,temp\n2026-12-15 00:00,1\n")
    with pytest.raises(WeatherCsvError, match="没有数据"):
        parse_weather_csv("timestamp,outdoor_temp_c\n")


def test_weather_csv_in_gbk_with_naive_local_times(small_city):
    content = "timestamp,outdoor_temp_c\n2026/12/15 08:00,-3.5\n".encode("gb18030")
    stamps, temps = parse_weather_csv(content)
    assert stamps == [datetime(2026, 12, 15, 8, tzinfo=LOCAL_TZ)] and temps == [-3.5]


def test_a_recently_uploaded_forecast_is_used_by_the_next_plan(small_city):
    city = City.objects.get()
    content = "timestamp,outdoor_temp_c\n" + "".join(
        f"2026-12-15 {h:02d}:00,-6.5\n" for h in range(24)
    )
    uploaded = import_weather_csv(city, content.encode(), now=NOW - timedelta(hours=5))
    chosen = choose_forecast(city, PLAN_DAY, now=NOW)
    assert chosen.series == uploaded and chosen.age_h == pytest.approx(5)
    assert "5 小时前导入" in chosen.note and "上传" in chosen.note
    # Too old for the default provider: the climate generator instead.
    chosen = choose_forecast(city, PLAN_DAY, now=NOW + timedelta(hours=40))
    assert chosen.series.provider == WeatherProvider.CLIMATE and chosen.note == ""


def test_the_climate_generator_follows_the_city_row(plan_city):
    """The last-resort weather is the City row's climate, not Heze's: a city with a design
    outdoor temperature 11.1 K colder (Harbin-like −16 °C) gets days 11.1 K colder."""
    city = City.objects.get()
    heze = load_series(climate_forecast(city, PLAN_DAY, now=NOW, seed=3), PLAN_DAY, NOW)
    city.design_outdoor_temp_c = -16.0
    city.name = "寒城市"
    city.save()
    cold_series = climate_forecast(city, PLAN_DAY, now=NOW, seed=3)
    cold = load_series(cold_series, PLAN_DAY, NOW)
    np.testing.assert_allclose(cold.outdoor_temp_c, heze.outdoor_temp_c - 11.1, atol=0.02)
    assert "按寒城市气候统计模拟" in cold_series.note and "−16" not in cold_series.note
    assert "-16.0 °C" in cold_series.note

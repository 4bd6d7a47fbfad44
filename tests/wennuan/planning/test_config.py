"""Planning settings are refused at start-up when malformed, never silently defaulted."""

from datetime import time

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from wennuan.planning import periodic
from wennuan.planning.config import check_planning_settings, setting


def test_defaults_when_unset_or_empty(monkeypatch):
    monkeypatch.delenv("WENNUAN_PLAN_TIME", raising=False)
    monkeypatch.setenv("WENNUAN_PLAN_NETWORK_LOSS", "")
    assert setting("WENNUAN_PLAN_TIME") == time(5, 30)
    assert setting("WENNUAN_PLAN_NETWORK_LOSS") == 0.03
    assert check_planning_settings() == []


def test_good_values_from_the_environment(monkeypatch):
    monkeypatch.setenv("WENNUAN_PLAN_TIME", " 06:15 ")
    monkeypatch.setenv("WENNUAN_CALIBRATION_WINDOW_DAYS", "21")
    monkeypatch.setenv("WENNUAN_WEATHER_PROVIDER", "open_meteo")
    assert periodic.plan_time() == time(6, 15)
    assert setting("WENNUAN_CALIBRATION_WINDOW_DAYS") == 21
    assert setting("WENNUAN_WEATHER_PROVIDER") == "open_meteo"


@pytest.mark.parametrize(
    "name, value",
    [
        ("WENNUAN_PLAN_TIME", "6:15"),
        ("WENNUAN_DAILY_REPORT_TIME", "7点"),
        ("WENNUAN_CALIBRATION_TIME", "25:00"),
        ("WENNUAN_PLAN_NETWORK_LOSS", "3%"),
        ("WENNUAN_PLAN_NETWORK_LOSS", "0.9"),
        ("WENNUAN_CALIBRATION_WINDOW_DAYS", "14.0"),
        ("WENNUAN_PLAN_MIN_DP_BAR", "nan"),
        ("WENNUAN_WEATHER_PROVIDER", "openmeteo"),
        ("WENNUAN_OPEN_METEO_URL", "api.open-meteo.com"),
    ],
)
def test_bad_values_are_refused_naming_the_variable(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(ImproperlyConfigured, match=name):
        setting(name)
    errors = check_planning_settings()
    assert [e.obj for e in errors] == [name]
    assert "无效" in errors[0].msg


def test_start_up_check_stops_on_a_bad_setting(monkeypatch):
    monkeypatch.setenv("WENNUAN_PLAN_TIME", "6:15")
    with pytest.raises(SystemCheckError, match="WENNUAN_PLAN_TIME"):
        call_command("check")


def test_calibration_runs_before_the_plan_in_one_worker_pass():
    names = [task.name for task in periodic.TASKS]
    assert names.index("daily-plan") > names.index(periodic.CALIBRATION_TASK.name)

"""Tomorrow's plan and re-plans of today (issue 20, issue 16 "dispatch engineer"): the worker
computes D+1 at a set time from the forecast; today is re-planned when a newer forecast
differs by more than the margin, and the plan's history says so; the console's index shows
today and tomorrow with the peak in MW."""

import re
from datetime import datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from wennuan.lib.scheduling import run_due_tasks
from wennuan.planning import periodic
from wennuan.planning.choices import PlanTrigger
from wennuan.planning.engine import compute_company_plan
from wennuan.planning.models import Plan, PlanSource

from .conftest import LOCAL_TZ, NOW, PLAN_DAY, weather_for

TOMORROW = PLAN_DAY + timedelta(days=1)


def _at(hour, minute=0, day=PLAN_DAY):
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LOCAL_TZ)


def test_the_worker_plans_tomorrow_at_the_set_time_once(plan_city, settings):
    settings.WENNUAN_TOMORROW_PLAN_TIME = "16:00"
    tasks = [t for t in periodic.TASKS if t.name == "tomorrow-plan"]
    assert run_due_tasks(_at(15, 59), tasks=tasks) == []
    assert not Plan.objects.filter(date=TOMORROW).exists()
    (line,) = run_due_tasks(_at(16, 0), tasks=tasks)
    assert f"{TOMORROW}: 2 plans" in line
    plans = Plan.objects.filter(date=TOMORROW)
    assert {p.company.code for p in plans} == {"north", "south"}
    assert all(p.trigger == PlanTrigger.WORKER and p.version == 1 for p in plans)
    assert run_due_tasks(_at(18, 0), tasks=tasks) == []  # once per day across workers


def test_a_newer_forecast_beyond_the_margin_replans_today_and_says_so(plan_city, settings):
    settings.WENNUAN_REPLAN_MARGIN_K = 1.5
    north = plan_city.north
    first = compute_company_plan(north, PLAN_DAY, weather_for(PLAN_DAY, -2.0), now=NOW)
    assert periodic.replan_due(_at(5, 0)) is None

    # A forecast within the margin: no new version.
    weather_for(PLAN_DAY, -3.0, issued=_at(8))
    assert "0 re-planned" in periodic.run_replan(_at(9))
    assert Plan.objects.filter(company=north, date=PLAN_DAY).count() == 1

    # A colder one: the hours still to come (10–23) differ by 4 K.
    weather_for(PLAN_DAY, -6.0, issued=_at(9, 30))
    assert "1 re-planned" in periodic.run_replan(_at(10))
    new = Plan.objects.get(company=north, date=PLAN_DAY, version=2)
    assert new.trigger == PlanTrigger.REPLAN and new.total_heat_kwh > first.total_heat_kwh
    note = new.inputs["note"]
    assert "预报更新重算" in note and "12-15 09:30" in note and "v1" in note
    assert "10–23 时平均相差 4.0 K（超过 1.5 K）" in note
    # Nothing newer since: the next hour changes nothing.
    assert "0 re-planned" in periodic.run_replan(_at(11))
    assert Plan.objects.filter(company=north, date=PLAN_DAY).count() == 2


def test_console_index_shows_today_and_tomorrow_with_the_peak_in_mw(plan_city, client, personas):
    north = plan_city.north
    today = compute_company_plan(north, PLAN_DAY, weather_for(PLAN_DAY, -2.0), now=NOW)
    tomorrow = compute_company_plan(north, TOMORROW, weather_for(TOMORROW, -6.0), now=NOW)
    client.force_login(personas["dispatch_engineer"])
    with time_machine.travel(_at(9), tick=False):
        page = client.get(reverse("planning:index")).content.decode()
    table = re.search(r'<table id="today-tomorrow">(.*?)</table>', page, re.S).group(1)
    assert "今日 12-15" in table and "明日 12-16" in table
    row = re.search(r'<tr class="day-row" data-company="north">(.*?)</tr>', table, re.S).group(1)
    peaks = [float(x) for x in re.findall(r'class="peak-mw">([\d.]+) MW', row)]

    def peak(plan):
        hourly = [0.0] * 24
        for source in PlanSource.objects.filter(plan=plan):
            hourly = [a + b for a, b in zip(hourly, source.heat_kw, strict=True)]
        return max(hourly) / 1000

    assert peaks == [pytest.approx(peak(today), abs=0.05), pytest.approx(peak(tomorrow), abs=0.05)]
    assert peaks[1] > peaks[0]  # colder tomorrow
    console = client.get(reverse("planning:plan", args=[today.pk])).content.decode()
    assert f'id="peak-mw">{peak(today):.1f} MW' in console


def test_engineer_computes_tomorrows_plan_from_the_index(plan_city, client, personas):
    weather_for(TOMORROW, -3.0, issued=_at(9))
    client.force_login(personas["dispatch_engineer"])
    with time_machine.travel(_at(10), tick=False):
        response = client.post(reverse("planning:compute_today"), {"day": "tomorrow"}, follow=True)
    plan = Plan.objects.get(date=TOMORROW)
    assert plan.company == plan_city.north and plan.trigger == PlanTrigger.CONSOLE
    assert "2026-12-16 的计划 v1" in response.content.decode()
    assert plan.inputs["outdoor_temp_c"] == [-3.0] * 24

"""Issue 16.7: the plan page's weather age is the forecast's true age now, from its issue
time (a 38-hour-old forecast said "0 小时前"), with a warning when older than a day."""

from datetime import timedelta

import time_machine
from django.urls import reverse

from wennuan.planning.engine import compute_company_plan

from .conftest import NOW, PLAN_DAY, weather_for


def _page(client, plan):
    return client.get(reverse("planning:plan", args=[plan.pk])).content.decode()


def test_a_plan_opened_38_hours_after_the_forecast_says_so(plan_city, client, personas):
    # Computed at once after the forecast was imported: its age was 0 h then.
    plan = compute_company_plan(plan_city.north, PLAN_DAY, weather_for(PLAN_DAY, -4.0), now=NOW)
    client.force_login(personas["dispatch_engineer"])
    with time_machine.travel(NOW + timedelta(hours=2), tick=False):
        page = _page(client, plan)
        assert '<span class="weather-age">2 小时前</span>' in page
        assert "weather-stale" not in page
    with time_machine.travel(NOW + timedelta(hours=38, minutes=20), tick=False):
        page = _page(client, plan)
        assert '<span class="weather-age">38 小时前</span>' in page
        assert "0 小时前" not in page
        assert "天气预报已发布 38 小时，超过一天" in page
    with time_machine.travel(NOW + timedelta(days=3, hours=5), tick=False):
        client.force_login(personas["dispatch_engineer"])  # the session has expired by then
        assert '<span class="weather-age">3 天 5 小时前</span>' in _page(client, plan)


def test_a_forecast_issued_before_the_plan_counts_from_its_issue(plan_city, client, personas):
    issued = NOW - timedelta(hours=30)
    plan = compute_company_plan(
        plan_city.north, PLAN_DAY, weather_for(PLAN_DAY, -4.0, issued=issued), now=NOW
    )
    client.force_login(personas["dispatch_engineer"])
    with time_machine.travel(NOW, tick=False):
        page = _page(client, plan)
    assert '<span class="weather-age">30 小时前</span>' in page and "weather-stale" in page

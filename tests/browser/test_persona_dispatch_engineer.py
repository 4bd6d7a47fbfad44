"""The dispatch engineer's day: today's plan of their company's network — heat, source
schedule, communities at risk — and nothing of the other companies'."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_dispatch_engineer_opens_todays_plan(desk):
    from django.utils import timezone

    from wennuan.planning.models import Plan

    page = desk.page
    desk.log_in("yongheng-engineer")
    # The login lands on the engineer's desk: the dispatch plans.
    assert page.url.endswith("/console/dispatch/"), page.url
    expect(page.get_by_role("heading", name="调度计划")).to_be_visible()
    rows = page.locator("tr.plan-row")
    expect(rows.first).to_be_visible()
    companies = set(page.locator("tr.plan-row td:nth-child(2)").all_inner_texts())
    assert companies == {"永恒热力"}
    # The plan list scrolls inside its own box on a phone; the page never scrolls sideways.
    assert desk.fits_width()
    desk.screenshot("dispatch_engineer")

    today = timezone.localdate().isoformat()
    page.locator("tr.plan-row", has_text=today).first.get_by_role("link").click()
    expect(page.locator("h1")).to_contain_text(f"永恒热力 · {today}")
    # plotly.js (gzipped) loads before the charts' sections: a slow phone line takes a while.
    expect(page.get_by_role("heading", name="热源出力计划")).to_be_visible(timeout=30000)
    expect(page.locator("#sources-chart .main-svg").first).to_be_attached(timeout=30000)
    expect(page.get_by_role("heading", name="低温风险小区", exact=False)).to_be_visible()
    plan = Plan.objects.filter(company__code="yongheng", date=timezone.localdate()).first()
    assert plan is not None and page.url.endswith(f"/console/dispatch/plans/{plan.pk}/")
    # The forecast's age is its true age now, counted from when it was issued.
    if plan.weather_issued_at is not None:
        hours = int((timezone.now() - plan.weather_issued_at).total_seconds() // 3600)
        age = page.locator(".weather-age")
        if hours < 1:
            expect(age).to_have_text("不到 1 小时前")
        elif hours < 48:
            expect(age).to_have_text(f"{hours} 小时前")
        stale = page.locator(".weather-stale")
        expect(stale).to_have_count(1 if hours >= 24 and plan.weather_provider != "climate" else 0)

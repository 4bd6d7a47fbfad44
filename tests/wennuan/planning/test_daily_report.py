"""The daily heating report (用热报表): yesterday's weather, heat planned and delivered, visit
compliance and complaints per company, today's plan — public page, PDF, Excel and the feed."""

from datetime import datetime, timedelta
from io import BytesIO

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from wennuan.planning.actions import approve_plan
from wennuan.planning.choices import MeterOrigin, WeatherKind, WeatherProvider
from wennuan.planning.daily_report import collect, latest_report_date
from wennuan.planning.engine import compute_company_plan
from wennuan.planning.models import MeterReading
from wennuan.planning.weather import LOCAL_TZ, store_series
from wennuan.registry.models import City
from wennuan.workorders import actions
from wennuan.workorders.choices import Category, Channel, Verdict
from wennuan.workorders.models import Visit, WorkOrder

from .conftest import NOW, PLAN_DAY, weather_for

YESTERDAY = PLAN_DAY - timedelta(days=1)
MORNING = datetime(2026, 12, 15, 8, 0, tzinfo=LOCAL_TZ)
EARLY = datetime(2026, 12, 15, 6, 0, tzinfo=LOCAL_TZ)


def at(day, hour):
    return datetime(day.year, day.month, day.day, hour, tzinfo=LOCAL_TZ)


def order(city, personas, name, when, channel=Channel.HOTLINE_12345):
    return actions.do_create_order(
        personas["bureau_operator"],
        text="暖气不热",
        phone="13853011111",
        channel=channel,
        category=Category.NOT_WARM,
        community=city.communities[name],
        now=when,
    )


@pytest.fixture
def report_data(plan_city, personas):
    north = plan_city.north
    past = compute_company_plan(north, YESTERDAY, weather_for(YESTERDAY, -1.0), now=NOW)
    approve_plan(past, personas["dispatch_engineer"], now=NOW)
    today = compute_company_plan(north, PLAN_DAY, weather_for(PLAN_DAY, -2.0), now=NOW)
    stamps = [at(YESTERDAY, 0) + timedelta(hours=h) for h in range(24)]
    temps = [-3.0 + 6.0 * h / 23 for h in range(24)]
    store_series(
        City.objects.get(), WeatherKind.OBSERVED, WeatherProvider.CLIMATE, stamps[-1], stamps, temps
    )
    station = north.substations.get()
    MeterReading.objects.bulk_create(
        MeterReading(substation=station, timestamp=t, heat_kw=1000.0, origin=MeterOrigin.DEMO)
        for t in stamps
    )
    received = [order(plan_city, personas, "剑桥学府", at(YESTERDAY, 9 + i)) for i in range(3)]
    order(plan_city, personas, "金盾小区", at(YESTERDAY, 11), channel=Channel.PROACTIVE)
    order(plan_city, personas, "金鼎小区", at(YESTERDAY, 12))
    WorkOrder.objects.filter(pk=received[0].pk).update(resolved_at=at(YESTERDAY, 18))
    late = order(plan_city, personas, "金盾小区", at(YESTERDAY - timedelta(days=4), 9))
    on_time = order(plan_city, personas, "金盾小区", at(YESTERDAY - timedelta(days=4), 10))
    deadline = at(YESTERDAY - timedelta(days=2), 9)
    WorkOrder.objects.filter(pk=late.pk).update(resolve_deadline=deadline)
    WorkOrder.objects.filter(pk=on_time.pk).update(
        resolve_deadline=deadline, resolved_at=deadline - timedelta(days=1)
    )
    for verdict, o in zip(
        (Verdict.COMPLIANT, Verdict.NON_COMPLIANT, Verdict.INVALID), received, strict=True
    ):
        Visit.objects.create(
            order=o,
            technician=personas["technician"],
            visited_at=at(YESTERDAY, 15),
            verdict=verdict,
        )
    return {"past": past, "today": today}


def test_report_figures_per_company(report_data, plan_city):
    report = collect(PLAN_DAY)
    assert report.yesterday == YESTERDAY and report.weather_source == "实测气温"
    assert (report.outdoor_min_c, report.outdoor_max_c) == (pytest.approx(-3.0), pytest.approx(3.0))
    north, south = report.rows
    assert north.company == plan_city.north
    assert north.planned_mwh == pytest.approx(report_data["past"].total_heat_kwh / 1000)
    assert north.planned_status == "已批准"
    assert north.delivered_mwh == pytest.approx(24.0) and north.metered_substations == 1
    assert (north.visits_valid, north.visits_compliant, north.compliance_pct) == (2, 1, 50.0)
    assert (north.received, north.proactive, north.resolved, north.overdue) == (3, 1, 1, 1)
    assert (south.received, south.resolved, south.overdue, south.delivered_mwh) == (1, 0, 0, None)
    assert north.today_plan == report_data["today"] and south.today_plan is None
    assert report.totals["received"] == 4 and report.totals["overdue"] == 1


def test_weather_falls_back_to_the_plans_forecast(plan_city, personas):
    compute_company_plan(plan_city.north, YESTERDAY, weather_for(YESTERDAY, -1.5), now=NOW)
    report = collect(PLAN_DAY)
    assert report.outdoor_min_c == pytest.approx(-1.5) and "预报" in report.weather_source


def test_public_page_is_published_in_the_morning(report_data, client):
    with time_machine.travel(EARLY, tick=False):
        assert latest_report_date() == YESTERDAY
        assert client.get(f"/reports/daily/{PLAN_DAY}/").status_code == 404
        page = client.get("/reports/daily/").content.decode()
        assert "2026年12月14日" in page
    with time_machine.travel(MORNING, tick=False):
        response = client.get("/reports/daily/")
        page = response.content.decode()
        assert response.status_code == 200 and "用热日报 · 2026年12月15日" in page
        dated = client.get(f"/reports/daily/{PLAN_DAY}/").content.decode()
        assert "用热日报 · 2026年12月15日" in dated and 'aria-current="page">12月15日' in dated
        assert 'class="company-row"' in page and "24.0" in page and "50%" in page
        assert "<svg" in page and "下载 PDF" in page
        for bad in ("2026-02-30", "2026-12-16"):
            assert client.get(f"/reports/daily/{bad}/").status_code == 404
        assert client.get("/reports/daily/15-12-2026/").status_code == 404


def test_pdf_and_excel(report_data, client):
    with time_machine.travel(MORNING, tick=False):
        pdf = client.get(reverse("planning_public:daily_report_file", args=[str(PLAN_DAY), "pdf"]))
        xlsx = client.get(
            reverse("planning_public:daily_report_file", args=[str(PLAN_DAY), "xlsx"])
        )
        future = client.get(f"/reports/daily/{PLAN_DAY + timedelta(days=1)}.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF") and len(pdf.content) > 5000
    assert "daily-report-2026-12-15.pdf" in pdf["Content-Disposition"]
    assert future.status_code == 404
    book = load_workbook(BytesIO(xlsx.content))
    assert book.sheetnames == ["概况", "逐时气温", "供热量", "室温与投诉", "今日计划"]
    heat = list(book["供热量"].iter_rows(values_only=True))
    assert heat[1][0] == "北城热力" and heat[1][3] == 24.0
    complaints = list(book["室温与投诉"].iter_rows(values_only=True))
    assert complaints[1][1:] == (2, 1, 50.0, 3, 1, 1, 1)
    assert len(list(book["逐时气温"].iter_rows())) == 25


def test_daily_reports_are_in_the_atom_feed(report_data, client):
    with time_machine.travel(MORNING, tick=False):
        feed = client.get("/feed.atom").content.decode()
    assert "用热日报 2026-12-15" in feed and "用热日报 2026-12-14" in feed
    assert "/reports/daily/2026-12-15/" in feed and "受理投诉 4 件" in feed
    assert "用热日报 2026-12-16" not in feed


def test_pdf_is_rendered_once_per_content(report_data):
    from unittest import mock

    import weasyprint
    from django.core.cache import cache

    from wennuan.planning.daily_report import render_pdf

    cache.clear()
    try:
        with mock.patch.object(
            weasyprint.HTML, "write_pdf", autospec=True, return_value=b"%PDF-test"
        ) as write:
            assert render_pdf(collect(PLAN_DAY)) == render_pdf(collect(PLAN_DAY)) == b"%PDF-test"
            assert write.call_count == 1
            MeterReading.objects.update(heat_kw=2000.0)  # a late correction changes the file
            render_pdf(collect(PLAN_DAY))
            assert write.call_count == 2
    finally:
        cache.clear()


def test_a_feed_report_without_a_plan_says_so_in_the_feeds_language(plan_city, personas, client):
    """No plan that day read "计划供热 — MWh" (a dash and a unit); now it is said in words."""
    order(plan_city, personas, "剑桥学府", at(PLAN_DAY, 7))
    with time_machine.travel(MORNING, tick=False):
        feed = client.get("/feed.atom").content.decode()
        assert "用热日报 2026-12-15" in feed
        assert "当日没有供热计划" in feed and "— MWh" not in feed
        client.cookies["django_language"] = "en"
        feed = client.get("/feed.atom").content.decode()
    assert "No heating plan for the day" in feed and "— MWh" not in feed
    assert "complaints received" in feed and "计划" not in feed

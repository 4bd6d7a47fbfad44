"""The weekly report (周报): on demand by the bureau, every Monday by the worker, stored."""

import io
from datetime import datetime, timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from wennuan.lib.report_rendering import bar_svg
from wennuan.lib.scheduling import run_due_tasks
from wennuan.reports import periodic
from wennuan.reports.models import WeeklyReport
from wennuan.reports.rates import week_start
from wennuan.reports.weekly import collect, generate_weekly_report
from wennuan.workorders import actions
from wennuan.workorders.choices import Category


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def last_monday():
    return week_start(timezone.localdate()) - timedelta(days=7)


@pytest.fixture
def week_orders(make_order, personas, last_monday, small_city):
    at = timezone.make_aware(datetime.combine(last_monday, datetime.min.time())) + timedelta(
        hours=10
    )
    leak = make_order(category=Category.LEAK, text="漏水", now=at)
    actions.do_accept(leak, personas["dispatcher"], now=at + timedelta(minutes=10))
    make_order(now=at + timedelta(days=1))
    make_order(community=small_city.communities["金鼎小区"], now=at + timedelta(days=2))
    return at


def test_collect_has_the_weeks_figures_and_readiness(week_orders, last_monday):
    figures = collect(last_monday)
    assert figures["received"] == 3
    by_company = {r["company"]: r for r in figures["rates"]}
    assert by_company["北城热力"]["orders"] == 2
    assert by_company["北城热力"]["response"] == "50.0%"
    assert [c.name for c in figures["worst"]][:1] in (["剑桥学府"], ["金鼎小区"])
    assert sum(n for _d, n in figures["per_day"]) == 3 and len(figures["per_day"]) == 7
    # The readiness app provides its progress: one row per company.
    assert [row["公司"] for row in figures["readiness"]] == ["北城热力", "南城热力"]


def test_generated_report_has_excel_and_pdf(week_orders, last_monday, personas):
    report = generate_weekly_report(last_monday, user=personas["supervisor"])
    book = load_workbook(io.BytesIO(report.xlsx.read()))
    assert {"概况", "三率", "每日投诉", "问题小区", "访民问暖", "供热准备"} <= set(book.sheetnames)
    rates = [[c.value for c in row] for row in book["三率"].iter_rows(min_row=2)]
    assert ["北城热力", 2, "50.0%"] == rates[0][:3]
    assert book["供热准备"]["A1"].value == "公司"
    pdf = report.pdf.read()
    assert pdf.startswith(b"%PDF") and len(pdf) > 5000
    # Regenerating replaces the files of the same week.
    again = generate_weekly_report(last_monday)
    assert again.pk == report.pk
    assert WeeklyReport.objects.count() == 1


def test_bar_chart_svg_is_well_formed():
    from xml.etree import ElementTree

    svg = bar_svg(["11-23", "<b>"], [3, 0], unit="%")
    root = ElementTree.fromstring(svg)
    assert root.tag.endswith("svg")
    assert "&lt;b&gt;" in svg


def test_bureau_generates_and_downloads_on_demand(client, personas, week_orders, last_monday):
    client.force_login(personas["supervisor"])
    response = client.post("/console/reports/weekly/generate/", {"week": last_monday.isoformat()})
    assert response.status_code == 302
    report = WeeklyReport.objects.get(week_start=last_monday)
    page = client.get("/console/reports/weekly/").content.decode()
    assert last_monday.isoformat() in page
    download = client.get(f"/console/reports/weekly/{report.pk}/pdf/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    xlsx = client.get(f"/console/reports/weekly/{report.pk}/xlsx/")
    assert xlsx["Content-Disposition"].startswith("attachment")


def test_weekly_report_refuses_bad_weeks_and_non_bureau_users(client, personas, season):
    client.force_login(personas["supervisor"])
    response = client.post("/console/reports/weekly/generate/", {"week": "下周"})
    assert response.status_code == 400
    assert "日期格式" in response.content.decode()
    future = timezone.localdate() + timedelta(days=8)
    response = client.post("/console/reports/weekly/generate/", {"week": future.isoformat()})
    assert response.status_code == 400
    assert "未来" in response.content.decode()
    assert WeeklyReport.objects.count() == 0
    for persona in ("dispatcher", "bureau_operator", "outsider"):
        client.force_login(personas[persona])
        assert client.get("/console/reports/weekly/").status_code == 403
        assert (
            client.post("/console/reports/weekly/generate/", {"week": "2026-11-23"}).status_code
            == 403
        )


WEEKLY = [t for t in periodic.TASKS if t.name == "reports.weekly_report"]


def test_worker_makes_last_weeks_report_once_from_monday_morning(season):
    monday = week_start(timezone.localdate())
    early = timezone.make_aware(datetime.combine(monday, datetime.min.time())) + timedelta(hours=5)
    assert periodic.weekly_report_due(early) is None
    later = early + timedelta(hours=2)
    assert periodic.weekly_report_due(later) == (monday - timedelta(days=7)).isoformat()
    done = run_due_tasks(later, tasks=WEEKLY)
    assert len(done) == 1 and "已生成" in done[0]
    assert run_due_tasks(later + timedelta(days=1), tasks=WEEKLY) == []
    report = WeeklyReport.objects.get()
    assert report.week_start == monday - timedelta(days=7)
    assert report.generated_by is None

"""Browser tests (Chromium via Playwright): a dispatch engineer opens a plan in the console,
sorts the substation table, limits a source, re-runs and approves; a citizen reads the public
daily heating report and downloads its PDF.

Borrows the Chromium and phone-viewport settings of tests/browser/conftest.py."""

import importlib.util
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from wennuan.planning.choices import MeterOrigin, PlanStatus
from wennuan.planning.daily_report import latest_report_date
from wennuan.planning.engine import compute_company_plan
from wennuan.planning.models import MeterReading, Plan
from wennuan.planning.weather import local_day_start
from wennuan.registry.choices import Terminal
from wennuan.registry.models import NetworkJunction, Substation

from ..conftest import PASSWORD, make_community  # noqa: TID252
from .conftest import NOW, PLAN_DAY, weather_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

_spec = importlib.util.spec_from_file_location(
    "wennuan_browser_conftest", Path(__file__).parents[2] / "browser" / "conftest.py"
)
_browser = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_browser)
browser_type_launch_args = _browser.browser_type_launch_args
browser_context_args = _browser.browser_context_args


@pytest.fixture
def three_station_plan(plan_city):
    """The north company with three substations of different sizes on its network."""
    north = plan_city.north
    first = Substation.objects.get(code="N-S001")
    manager = first.communities.first().manager
    for code, name, junction, area in (
        ("N-S002", "北二站", "J1", 20000),
        ("N-S003", "北三站", "J0", 150000),
    ):
        station = Substation.objects.create(
            code=code,
            name=name,
            company=north,
            source=first.source,
            latitude=35.21,
            longitude=115.41,
            design_load_kw=area * 0.05,
            terminal=Terminal.RADIATOR,
            junction=NetworkJunction.objects.get(company=north, code=junction),
        )
        make_community(f"{name}小区", north, station, manager, heated_area_m2=area)
    return compute_company_plan(north, PLAN_DAY, weather_for(PLAN_DAY, -3.0), now=NOW)


def login(page, live_server, username):
    page.goto(f"{live_server.url}/console/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit], form input[type=submit]").last.click()


def codes(page):
    return page.locator("#substation-table tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.code)"
    )


def test_engineer_sorts_limits_a_source_reruns_and_approves(
    page, live_server, three_station_plan, personas
):
    login(page, live_server, "dispatch_engineer")
    page.goto(f"{live_server.url}/console/dispatch/")
    page.get_by_role("link", name="2026-12-15").click()
    expect(page.locator("h1")).to_contain_text("调度台")
    expect(page.locator("#demand-chart .main-svg").first).to_be_visible(timeout=30_000)
    expect(page.locator("#network-chart .main-svg").first).to_be_visible()
    assert codes(page) == ["N-S001", "N-S002", "N-S003"]

    header = page.locator("#substation-table th", has_text="日供热")
    by_heat = [
        row.substation.code
        for row in three_station_plan.substation_results.select_related("substation").order_by(
            "total_heat_kwh"
        )
    ]
    assert by_heat == ["N-S002", "N-S001", "N-S003"]
    header.click()
    assert codes(page) == by_heat  # smallest first
    header.click()
    assert codes(page) == by_heat[::-1]
    expect(header).to_have_attribute("aria-sort", "descending")

    form = page.locator("#source-form")
    form.get_by_label("开始小时").fill("6")
    form.get_by_label("结束小时").fill("30")
    form.get_by_label("出力上限 (kW)").fill("2000")
    form.get_by_label("原因").fill("1号机组检修")
    form.get_by_role("button", name="限制热源出力并重新计算").click()
    expect(page.locator("#source-form .errorlist")).to_contain_text("小时应在 0–23 之间")
    assert Plan.objects.count() == 1

    form = page.locator("#source-form")
    form.get_by_label("结束小时").fill("9")
    form.get_by_role("button", name="限制热源出力并重新计算").click()
    expect(page.locator(".messages")).to_contain_text("生成草稿 v2")
    expect(page.locator("#adjustments")).to_contain_text("1号机组检修")
    expect(page.locator("#plan-status")).to_have_text("草稿")
    assert int(page.locator("#at-risk-count").inner_text()) > 0

    page.get_by_role("button", name="批准此版本").click()
    expect(page.locator("h1")).to_contain_text("确认批准")
    assert Plan.objects.get(version=2).status == PlanStatus.DRAFT
    page.get_by_role("button", name="确认批准").click()
    expect(page.locator("#plan-status")).to_have_text("已批准")
    expect(page.locator(".messages")).to_contain_text("已批准 v2")
    latest = Plan.objects.get(version=2)
    assert latest.status == PlanStatus.APPROVED and latest.adjustments.get().last_hour == 9
    page.screenshot(path="/tmp/wennuan-console.png", full_page=True)


def test_citizen_reads_the_daily_report_and_downloads_the_pdf(page, live_server, plan_city):
    yesterday = latest_report_date() - timedelta(days=1)
    compute_company_plan(plan_city.north, yesterday, weather_for(yesterday, -1.0), now=NOW)
    station = plan_city.north.substations.get()
    start = local_day_start(yesterday)
    MeterReading.objects.bulk_create(
        MeterReading(
            substation=station,
            timestamp=start + timedelta(hours=h),
            heat_kw=500.0,
            origin=MeterOrigin.DEMO,
        )
        for h in range(24)
    )
    page.goto(f"{live_server.url}/reports/daily/")
    expect(page.locator("h1")).to_contain_text("用热日报")
    north_row = page.locator("#heat-table tr.company-row", has_text="北城热力")
    expect(north_row).to_contain_text("12.0")  # 24 h × 500 kW
    expect(page.locator("#weather-summary")).to_contain_text("预报")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载 PDF").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    assert Path(download.path()).read_bytes().startswith(b"%PDF")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390

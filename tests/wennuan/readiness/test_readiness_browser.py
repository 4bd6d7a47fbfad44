"""A company's engineer reports a finished step from a phone; the bureau sees the progress."""

import importlib.util
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from wennuan.readiness.checklists import generate_checklists
from wennuan.readiness.models import ReadinessItem
from wennuan.registry.models import HeatingSeason

from ..conftest import PASSWORD  # noqa: TID252

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

_spec = importlib.util.spec_from_file_location(
    "wennuan_browser_conftest", Path(__file__).parents[2] / "browser" / "conftest.py"
)
_browser = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_browser)
browser_type_launch_args = _browser.browser_type_launch_args
browser_context_args = _browser.browser_context_args


@pytest.fixture
def season_in_ten_days(small_city):
    today = timezone.localdate()
    season = HeatingSeason.objects.create(
        name="下一供热季",
        start_date=today + timedelta(days=10),
        end_date=today + timedelta(days=130),
        residential_tariff_yuan_m2=Decimal("22.00"),
        non_residential_tariff_yuan_m2=Decimal("30.00"),
        base_fee_share=Decimal("0.30"),
    )
    generate_checklists(season)
    return season


def login(page, live_server, username):
    page.goto(f"{live_server.url}/console/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit], form input[type=submit]").last.click()


def test_company_engineer_updates_readiness_on_a_phone(
    page, live_server, personas, season_in_ten_days
):
    login(page, live_server, "dispatch_engineer")
    page.goto(f"{live_server.url}/console/")
    page.get_by_role("link", name="供热准备").click()
    # the engineer lands on the own company's checklist, sees no other company
    expect(page.get_by_role("heading", name="北城热力 · 供热准备")).to_be_visible()
    expect(page.get_by_text("南一站")).to_have_count(0)
    commissioning = ReadinessItem.objects.get(substation__code="N-S001", task="commissioning")
    row = page.locator(f'[data-item="{commissioning.pk}"]')
    expect(row).to_contain_text("未完成")
    row.get_by_role("link", name="更新").click()
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    page.get_by_label("完成日期").fill(tomorrow)
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".field-error")).to_contain_text("完成日期不能晚于今天")
    today = timezone.localdate()
    page.get_by_label("完成日期").fill(today.isoformat())
    page.get_by_label("情况说明").fill("板换、循环泵调试正常")
    page.get_by_role("button", name="保存").click()
    row = page.locator(f'[data-item="{commissioning.pk}"]')
    expect(row).to_contain_text(f"{today.month}月{today.day}日 完成")
    expect(row).to_contain_text("板换、循环泵调试正常")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    commissioning.refresh_from_db()
    assert commissioning.done_on == today

    # the bureau sees it in the company's progress
    page.context.clear_cookies()
    login(page, live_server, "supervisor")
    page.goto(f"{live_server.url}/console/readiness/?season={season_in_ten_days.pk}")
    north_row = page.locator(".company-progress", has_text="北城热力")
    expect(north_row).to_contain_text("1/8")

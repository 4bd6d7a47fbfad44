"""A technician records a home visit on a phone; the verdict is computed, not chosen.

Lives beside the work-order tests for their personas and fixtures; borrows the Chromium and
phone-viewport settings of tests/browser/conftest.py."""

import importlib.util
from pathlib import Path

import pytest
from playwright.sync_api import expect

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
def assigned_order(make_order, personas):
    from wennuan.workorders import actions

    order = actions.do_accept(make_order(), personas["dispatcher"])
    return actions.do_assign(order, personas["dispatcher"], personas["technician"])


def test_technician_records_a_visit_on_a_phone(page, live_server, assigned_order):
    page.goto(f"{live_server.url}/console/login/")
    page.fill("input[name=username]", "technician")
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit], form input[type=submit]").last.click()
    page.goto(f"{live_server.url}/console/orders/")
    page.get_by_role("link", name=assigned_order.number).click()
    page.get_by_role("link", name="记录入户").click()
    page.get_by_label("门窗已关闭30分钟以上").check()
    page.get_by_label("房间中央、离地1.4–1.5米").check()
    page.get_by_label("稳定10分钟后读数").check()
    page.get_by_label("室温 1", exact=True).fill("18.7")
    page.get_by_label("室温 2", exact=True).fill("19.5")
    page.get_by_label("开窗通风").check()
    page.get_by_label("室外温度 (°C)").fill("3")
    page.get_by_role("button", name="保存入户记录").click()
    expect(page.locator(".verdict")).to_have_text("无效测温")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390

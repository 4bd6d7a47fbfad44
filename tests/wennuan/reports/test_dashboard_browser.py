"""A supervisor follows a number on the dashboard to the orders behind it (phone viewport)."""

import importlib.util
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
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


def log_in(page, live_server, username):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/console/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit], form input[type=submit]").last.click()


def test_drill_down_from_a_rate_number_to_its_orders(page, live_server, make_order, personas):
    from wennuan.workorders import actions
    from wennuan.workorders.choices import Category

    now = timezone.now()
    on_time = make_order(category=Category.LEAK, text="漏水", now=now - timedelta(hours=5))
    actions.do_accept(on_time, personas["dispatcher"], now=now - timedelta(hours=5, minutes=-5))
    late = make_order(
        category=Category.LEAK, text="漏水", phone="13853012222", now=now - timedelta(hours=4)
    )
    actions.do_accept(late, personas["dispatcher"], now=now - timedelta(hours=2))

    log_in(page, live_server, "supervisor")
    page.goto(f"{live_server.url}/console/reports/")
    expect(page.locator("#daily-chart .plot-container")).to_be_visible()
    row = page.locator("table.rates tbody tr[data-company='北城热力']").first
    expect(row.locator("a[data-metric=response]")).to_have_count(0)
    missed = row.locator("a[data-metric=sign_missed]")
    expect(missed).to_have_text("1")
    missed.click()
    # The drill-down lists exactly that order and says what it shows (its header's `drill`).
    expect(page).to_have_url(
        re.compile(re.escape(f"{live_server.url}/console/orders/?ids={late.pk}&all=1&drill="))
    )
    expect(page.get_by_role("link", name=late.number)).to_be_visible()
    expect(page.get_by_role("link", name=on_time.number)).to_have_count(0)

    # The same drill-down as a company user shows only that company's orders.
    log_in(page, live_server, "south_dispatcher")
    page.goto(f"{live_server.url}/console/reports/")
    expect(page.locator("table.rates")).not_to_contain_text("北城热力")


def test_the_chart_has_no_mode_bar_over_its_bars_on_a_phone(page, live_server, make_order):
    """On a phone (390×844) plotly's mode bar covered the bars; on a desktop it stays."""
    make_order()
    log_in(page, live_server, "supervisor")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/console/reports/")
    chart = page.locator("#daily-chart .plot-container")
    expect(chart).to_be_visible()
    chart.hover()
    expect(page.locator("#daily-chart .modebar")).to_have_count(0)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.reload()
    expect(chart).to_be_visible()
    chart.hover()
    expect(page.locator("#daily-chart .modebar")).not_to_have_count(0)

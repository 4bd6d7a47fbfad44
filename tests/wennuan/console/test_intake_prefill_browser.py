"""An operator types the caller's words; the form fills itself (HTMX, debounced)."""

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


def test_operator_form_fills_while_typing(page, live_server, personas, season):
    page.goto(f"{live_server.url}/console/login/")
    page.fill("input[name=username]", "bureau_operator")
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit], form input[type=submit]").last.click()
    page.goto(f"{live_server.url}/console/orders/new/")
    page.fill("input[name=caller_name]", "王小明")
    page.locator("#id_text").press_sequentially("剑桥学府3号楼2单元501暖气不热，屋里16度", delay=20)
    expect(page.locator("#id_community")).to_have_value("剑桥学府", timeout=10_000)
    expect(page.locator("input[name=room]")).to_have_value("501")
    expect(page.locator("#id_temp")).to_have_value("16")
    expect(page.locator("#id_category")).to_have_value("not_warm")
    expect(page.locator("input[name=caller_name]")).to_have_value("王小明")
    page.fill("#id_phone", "13853011111")
    page.get_by_role("button", name="受理并派单").click()
    expect(page.locator("h1")).to_contain_text("GN")

"""A citizen works out the heating fee on a phone: with JavaScript (htmx swaps the result in
place) and without it (the plain form round-trip gives the same answer)."""

import importlib.util
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

_spec = importlib.util.spec_from_file_location(
    "wennuan_browser_conftest", Path(__file__).parents[2] / "browser" / "conftest.py"
)
_browser = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_browser)
browser_type_launch_args = _browser.browser_type_launch_args
browser_context_args = _browser.browser_context_args


def test_fee_calculator_on_a_phone(page, live_server, fee_standard):
    page.goto(f"{live_server.url}/info/")
    page.get_by_role("link", name="收费标准·算热费").click()
    expect(page.get_by_role("heading", name="算一算我家的热费")).to_be_visible()
    page.get_by_label("供热面积（平方米）").fill("-20")
    page.get_by_role("button", name="计算热费").click()
    expect(page.get_by_role("alert")).to_contain_text("面积必须大于 0")
    page.evaluate("window.stillTheSamePage = true")
    page.get_by_label("供热面积（平方米）").fill("89.5")
    page.get_by_label("报停（不用暖）").check()
    page.get_by_role("button", name="计算热费").click()
    expect(page.locator(".fee-amount")).to_have_text("590.70")
    expect(page.get_by_role("alert")).to_have_count(0)
    # htmx replaced only the result (no page load); the address still lets the citizen share it
    assert page.evaluate("window.stillTheSamePage") is True
    assert "area=89.5" in page.url
    page.get_by_label("非居民").check()
    page.get_by_label("正常供暖").check()
    page.get_by_label("供热面积（平方米）").fill("一百")
    page.get_by_role("button", name="计算热费").click()
    expect(page.get_by_role("alert")).to_contain_text("不是数字")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_fee_calculator_without_javascript(browser, live_server, fee_standard):
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 390, "height": 844}, locale="zh-CN"
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/info/fees/")
    page.get_by_label("供热面积（平方米）").fill("100")
    page.get_by_role("button", name="计算热费").click()
    expect(page.locator(".fee-amount")).to_have_text("2200.00")
    context.close()

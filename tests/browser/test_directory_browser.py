"""A citizen on a phone finds their community's company and manager in the directory."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_city(transactional_db, demo_register_csv):
    from django.core.management import call_command

    call_command("load_demo", register_csv=str(demo_register_csv))


def test_citizen_finds_jianqiao_by_typing_on_a_phone(page, live_server, demo_city):
    page.goto(f"{live_server.url}/directory/")
    expect(page.get_by_role("heading", name="小区供热查询")).to_be_visible()
    page.get_by_label("小区名称、别名或拼音首字母").fill("剑桥")
    result = page.locator("li.result").first
    expect(result).to_contain_text("剑桥学府", timeout=5000)
    expect(result.locator(".company")).to_have_text("菏泽永恒热力有限公司")
    phone = result.locator("a.manager-phone")
    expect(phone).to_have_text(re.compile(r"^1[3-9]\d{9}$"))
    expect(phone).to_have_attribute("href", re.compile(r"^tel:1[3-9]\d{9}$"))
    # The live search updated the address bar, so the result can be shared or reloaded.
    assert "q=" in page.url
    # Everything fits the phone's width: no sideways scrolling.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390


def test_pinyin_initials_and_a_useful_message_when_nothing_matches(page, live_server, demo_city):
    page.goto(f"{live_server.url}/directory/?q=jqxf")
    expect(page.locator("li.result").first).to_contain_text("剑桥学府")
    page.get_by_label("小区名称、别名或拼音首字母").fill("火星小区")
    expect(page.get_by_role("alert")).to_contain_text("没有找到")


def test_directory_works_in_english(page, live_server, demo_city):
    page.goto(f"{live_server.url}/directory/")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Community heating lookup")).to_be_visible()
    # The choice sticks: the next page is English too.
    page.goto(f"{live_server.url}/directory/?q=jqxf")
    expect(page.locator("li.result").first.locator("dt").first).to_have_text("Heating company")

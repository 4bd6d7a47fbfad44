"""访民问暖 in the browser: from the ranking to a visit, its plan, the company's report and the
bureau's closing, to the public summary."""

import importlib.util
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


def test_from_ranking_to_plan_to_closed_items(page, live_server, make_order, personas):
    make_order()
    make_order(phone="13853012222")
    today = timezone.localdate()

    log_in(page, live_server, "supervisor")
    page.goto(f"{live_server.url}/console/outreach/")
    first = page.locator("tr.ranking-row").first
    expect(first).to_have_attribute("data-community", "剑桥学府")
    first.get_by_role("link", name="安排走访").click()
    page.get_by_label("参加人员").fill("局长 王某，供热科 李某")
    page.get_by_label("入户户数").fill("5")
    page.get_by_label("发现的问题").fill("3号楼顶层室温偏低")
    page.get_by_role("button", name="保存走访").click()
    expect(page.locator("h1")).to_contain_text("剑桥学府")

    page.get_by_label("问题", exact=True).fill("顶层散热器存气")
    page.get_by_label("解决措施").fill("逐户排气")
    page.get_by_label("完成期限").fill((today - timedelta(days=1)).isoformat())
    page.get_by_role("button", name="添加事项").click()
    expect(page.get_by_role("alert")).to_contain_text("已经过去")
    page.get_by_label("完成期限").fill((today + timedelta(days=7)).isoformat())
    page.get_by_role("button", name="添加事项").click()
    item = page.locator(".plan-item").first
    expect(item.locator(".status")).to_have_text("整改中")
    visit_url = page.url

    log_in(page, live_server, "dispatcher")
    page.goto(visit_url)
    item = page.locator(".plan-item").first
    item.get_by_label("完成情况").fill("已逐户排气，复测20℃")
    item.get_by_role("button", name="报告已完成").click()
    expect(page.locator(".plan-item .status").first).to_have_text("已完成待核查")

    log_in(page, live_server, "supervisor")
    page.goto(visit_url)
    item = page.locator(".plan-item").first
    item.get_by_label("核查意见").fill("抽查两户合格")
    item.get_by_role("button", name="核查通过，销号").click()
    expect(page.locator(".plan-item .status").first).to_have_text("已核查销号")

    # Public only once the reviewer has read the masked preview and published it.
    expect(page.get_by_role("link", name="公开摘要")).to_have_count(0)
    expect(page.locator(".masked-preview")).to_contain_text("顶层散热器存气")
    page.get_by_role("button", name="审核通过，公开").click()
    page.get_by_role("link", name="公开摘要").click()
    expect(page.locator("#progress-count")).to_have_text("1/1")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390

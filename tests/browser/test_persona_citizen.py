"""The citizen's day (design §2): a cold home, the complaint form on a phone or a computer,
a wrong phone corrected without retyping, the number, the status looked up through the link
that carries it, and the published replies."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONES = {"phone": "13953017701", "desktop": "13953017702"}


def test_citizen_reports_a_cold_home_and_follows_it(desk):
    from wennuan.workorders.models import WorkOrder

    page = desk.page
    desk.go("/")
    page.get_by_role("link", name="反映供热问题").click()
    expect(page.get_by_role("heading", name="供热投诉")).to_be_visible()
    page.get_by_label("反映的问题").fill("剑桥学府3号楼2单元501暖气不热，屋里16度")
    page.get_by_label("手机号或座机（必填）").fill("12345")  # the hotline, not the caller's phone
    page.get_by_label("姓名").fill("王大明")
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_role("alert")).to_contain_text("请填写能回电联系到您的手机号")
    # Nothing typed was lost.
    expect(page.get_by_label("反映的问题")).to_have_value("剑桥学府3号楼2单元501暖气不热，屋里16度")
    expect(page.get_by_label("姓名")).to_have_value("王大明")
    assert desk.fits_width()

    page.get_by_label("手机号或座机（必填）").fill(PHONES[desk.viewport])
    page.get_by_role("button", name="提交").dblclick()  # an impatient double tap
    expect(page.get_by_role("heading", name="已受理")).to_be_visible()
    number = page.locator(".order-number").inner_text()
    # Back and submit again: the same order, said so, and still one order for this phone.
    page.go_back()
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_role("status")).to_contain_text("已经提交过，没有重复受理")
    expect(page.locator(".order-number")).to_have_text(number)
    assert WorkOrder.objects.filter(phone=PHONES[desk.viewport]).count() == 1
    expect(page.locator("body")).to_contain_text("菏泽永恒热力有限公司")
    expect(page.locator(".deadline.onsite")).to_contain_text("前上门测温")
    order = WorkOrder.objects.get(number=number)
    assert order.community.name == "剑桥学府" and order.room == "501"
    assert order.company.short_name == "永恒热力" and order.onsite_deadline is not None
    desk.screenshot("citizen")

    # The link carries the number: only the last four digits are left to type.
    page.locator("a.lookup-link").click()
    expect(page.get_by_label("工单号")).to_have_value(number)
    # A Chinese keyboard types full-width digits ("１２３４"): they are the digits.
    wide = PHONES[desk.viewport][-4:].translate({ord(d): ord(d) + 0xFEE0 for d in "0123456789"})
    page.get_by_label("手机号后四位").fill(wide)
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_role("heading", name=re.compile(number))).to_contain_text("派单")
    expect(page.locator("body")).to_contain_text("剑桥学府")
    assert desk.fits_width()

    # The published replies, masked: never a caller's full phone.
    desk.go("/replies/")
    expect(page.locator("body")).to_contain_text("答复")
    assert not re.search(r"1[3-9]\d{9}", page.locator("main").inner_text())


def test_citizen_who_cannot_name_the_community_is_asked_then_routed_by_the_bureau(desk):
    from wennuan.workorders.models import WorkOrder

    page = desk.page
    desk.go("/complaint/")
    page.get_by_label("反映的问题").fill("家里暖气一直不热，屋里15度")
    page.get_by_label("手机号或座机（必填）").fill("6692" + ("571" if desk.phone else "572"))
    page.get_by_role("button", name="提交").click()
    expect(page.locator("#ask-community")).to_be_visible()
    expect(page.get_by_label("反映的问题")).to_have_value("家里暖气一直不热，屋里15度")
    page.get_by_label("不清楚小区名称，请市供热主管部门转办").check()
    page.get_by_role("button", name="提交").click()
    expect(page.locator(".deadline.routing")).to_contain_text("市供热主管部门将于")
    number = page.locator(".order-number").inner_text()
    order = WorkOrder.objects.get(number=number)
    # A local landline completed with the area code; in the bureau's queue with a deadline.
    assert order.phone.startswith("05306692") and order.company is None
    assert order.routing_deadline is not None and order.due_at == order.routing_deadline


def test_citizen_reads_the_daily_heating_report_on_a_phone(desk):
    """The public daily report's charts fit the screen (they were fixed at 640 px)."""
    page = desk.page
    desk.go("/reports/daily/")
    charts = page.locator("main svg")
    expect(charts.first).to_be_visible()
    viewport_width = page.viewport_size["width"]
    for chart in charts.all():
        assert chart.bounding_box()["width"] <= viewport_width
    assert desk.fits_width()
    # The favicon is declared and served.
    icon = page.locator("link[rel=icon]").get_attribute("href")
    assert page.request.get(f"{desk.base_url}{icon}").ok

"""The hotline operator's day: a caller on the line; the operator finds the caller's earlier
orders by phone, takes the complaint (the text prefills the form), saves it and reads the
confirmation back; complaints no company can be told for are at the top of the list."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CALLERS = {"phone": "13853017711", "desktop": "13853017712"}


def test_operator_takes_a_call_and_reads_back_the_confirmation(desk):
    from wennuan.workorders.models import CallerHistoryView, WorkOrder

    page = desk.page
    caller = CALLERS[desk.viewport]
    desk.log_in("operator")
    # The login lands on the operator's desk: 受理来电.
    assert page.url.endswith("/console/orders/new/"), page.url
    page.get_by_label("诉求内容").fill("来电反映金色华府5号楼1单元302暖气不热，屋里15度")
    page.get_by_label("联系电话").fill(caller)
    page.get_by_label("来电人").fill("赵女士")
    page.get_by_role("button", name="读取内容并预填").click()
    expect(page.get_by_label("反映室温 (°C)")).to_have_value("15")
    expect(page.get_by_label("诉求内容")).to_have_value(
        "来电反映金色华府5号楼1单元302暖气不热，屋里15度"
    )
    # The caller corrects: "15,5" (a decimal comma) is 15.5.
    page.get_by_label("反映室温 (°C)").fill("15,5")
    page.get_by_role("button", name="受理并派单").dblclick()  # a double click saves once

    expect(page.get_by_role("status")).to_contain_text("已受理")
    number = page.locator("h1").inner_text().split(" ")[0]
    order = WorkOrder.objects.get(number=number)
    assert order.phone == caller and order.caller_name == "赵女士"
    assert order.company is not None and order.stated_temp_c == 15.5
    assert WorkOrder.objects.filter(phone=caller).count() == 1
    # Back and save again: the first order, said so; still one order.
    page.go_back()
    page.get_by_role("button", name="受理并派单").click()
    expect(page.get_by_role("status")).to_contain_text(f"没有重复建单：工单 {number}")
    assert WorkOrder.objects.filter(phone=caller).count() == 1
    assert desk.fits_width()

    # The caller calls again: the operator finds the order by phone (the look-up is audited).
    desk.go("/console/orders/")
    page.get_by_label("查找工单：工单号、12345编号或电话").fill(caller)
    page.get_by_role("button", name="筛选").click()
    expect(page.get_by_role("link", name=number)).to_be_visible()
    assert CallerHistoryView.objects.filter(phone=caller).exists()
    desk.screenshot("operator")


def test_unroutable_complaints_are_at_the_top_of_the_operators_list(desk):
    from wennuan.workorders import actions
    from wennuan.workorders.choices import Category, Channel
    from wennuan.workorders.models import WorkOrder

    order = actions.do_create_order(
        None,
        text="家里没有暖气，不知道小区叫什么",
        phone=CALLERS[desk.viewport],
        channel=Channel.HOTLINE_12345,
        category=Category.NO_HEAT,
    )
    page = desk.page
    desk.log_in("operator")
    desk.go("/console/orders/")
    queue = page.locator(".routing-queue")
    expect(queue).to_contain_text("待转办")
    expect(queue.get_by_role("link", name=order.number)).to_be_visible()
    # Above the main list.
    queue_top = queue.bounding_box()["y"]
    table_top = page.locator("table").bounding_box()["y"]
    assert queue_top < table_top

    # The operator finds the community and dispatches it.
    queue.get_by_role("link", name=order.number).click()
    form = page.locator("form[data-action=dispatch]")
    form.get_by_label("小区").fill("剑桥学府")
    form.get_by_role("button", name="派单").click()
    expect(page.locator("h1")).to_contain_text("派单")
    order = WorkOrder.objects.get(pk=order.pk)
    assert order.company.short_name == "永恒热力" and order.routing_deadline is not None

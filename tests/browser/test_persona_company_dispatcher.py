"""The company dispatcher's day: the queue of the company's orders, sign for one (签收),
assign a technician, later reply and close the loop; another company's orders never appear."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONES = {"phone": "13853017721", "desktop": "13853017722"}


@pytest.fixture
def fresh_order(desk):
    from wennuan.registry.models import Community
    from wennuan.workorders import actions
    from wennuan.workorders.choices import Category, Channel

    return actions.do_create_order(
        None,
        text="剑桥学府2号楼1单元201暖气片上半截凉",
        phone=PHONES[desk.viewport],
        channel=Channel.HOTLINE_12345,
        category=Category.NOT_WARM,
        community=Community.objects.get(name="剑桥学府"),
        building="2",
        unit="1",
        room="201",
    )


def test_dispatcher_signs_assigns_and_replies(desk, fresh_order):
    from wennuan.workorders.choices import State
    from wennuan.workorders.models import WorkOrder

    page = desk.page
    desk.log_in("yongheng-dispatcher")
    # The login lands on the dispatcher's desk, the queue.
    assert page.url.endswith("/console/orders/"), page.url
    expect(page.get_by_role("heading", name="派单队列")).to_be_visible()
    # Every order link and button is a thumb's tap target on a phone.
    assert desk.small_tap_targets("tr.order-row td.lead a, main button, main .button") == []
    # So are the desk's tools (答复模板, Excel, CSV) and the filters' selects.
    assert desk.small_tap_targets(".desk-tools a, .exports a, main select") == []
    page.get_by_label("查找工单：工单号、12345编号或电话").fill(fresh_order.number)
    page.get_by_role("button", name="筛选").click()
    page.get_by_role("link", name=fresh_order.number).click()
    expect(page.locator("h1")).to_contain_text("派单")
    assert desk.small_tap_targets("main button, main .button, main a[href^='tel:']") == []
    desk.screenshot("company_dispatcher")

    # Sign for it and assign the technician in one step.
    accept = page.locator("form[data-action=accept]")
    accept.get_by_label("签收后指派给").select_option(label="永恒热力维修工")
    accept.get_by_role("button", name="签收").click()
    expect(page.locator("dl")).to_contain_text("永恒热力维修工")
    order = WorkOrder.objects.get(pk=fresh_order.pk)
    assert order.state == State.IN_PROGRESS and order.assignee.username == "yongheng-technician"
    assert order.accepted_at is not None
    assert desk.fits_width()

    # Replying before the home visit is refused (室温类 orders need a measurement first); the
    # typed reply survives and the address is the order's, not /act/….
    reply = page.locator("form[data-action=reply]")
    reply.get_by_label("答复内容").fill("已安排维修人员上门排气")
    reply.get_by_role("button", name="答复办结").click()
    expect(page.get_by_role("alert")).to_contain_text("须先入户测温")
    expect(page.get_by_label("答复内容")).to_have_value("已安排维修人员上门排气")
    assert page.url.endswith(f"/console/orders/{order.number}/")
    assert WorkOrder.objects.get(pk=order.pk).reply == ""

    # The technician measures 16.2 °C (not compliant). The dispatcher picks the company's
    # template, finds the community, date and temperature filled in, edits and sends it.
    from wennuan.workorders import actions

    actions.do_record_visit(
        order,
        order.assignee,
        readings=[("客厅", "living", 16.2), ("主卧", "bedroom", 16.8)],
        closed_30_min=True,
        centre_height_ok=True,
        read_after_10_min=True,
        outdoor_temp_c=1.0,
        causes=["hydraulic_imbalance"],
        home_area_m2=92.0,
    )
    desk.go(f"/console/orders/{order.number}/")
    picker = page.locator("form.template-pick")
    picker.get_by_label("答复模板").select_option(label="室温未达标·已调节")
    picker.get_by_role("button", name="套用模板").click()
    box = page.locator("form[data-action=reply]").get_by_label("答复内容")
    expect(box).to_contain_text("剑桥学府该户最低室温16.2°C")
    assert "{" not in box.input_value()
    box.fill(box.input_value() + "如有问题请拨打热线。")
    page.locator("form[data-action=reply]").get_by_role("button", name="答复办结").click()
    expect(page.locator("dd.reply")).to_contain_text("如有问题请拨打热线。")
    # The reply promises a reduction, and the rule gives one: at least a day, never 0.00 元.
    fee = page.locator("dd.fee")
    expect(fee).to_contain_text("1 天 × 92.0 m²")
    assert not fee.inner_text().startswith("0.00")
    assert WorkOrder.objects.get(pk=order.pk).state == State.RESOLVED


def test_dispatcher_never_sees_another_companys_orders(desk):
    from wennuan.workorders.models import WorkOrder

    page = desk.page
    desk.log_in("minsheng-dispatcher")
    desk.go("/console/orders/?all=1")
    numbers = page.locator("tr.order-row td.lead a").all_inner_texts()
    assert numbers, "the demo gives 民生 orders"
    companies = set(
        WorkOrder.objects.filter(number__in=numbers).values_list("company__short_name", flat=True)
    )
    assert companies == {"民生热力"}


def test_one_long_word_never_widens_the_page(desk, fresh_order):
    """A reply pasted without spaces (5,000 characters, one word) wraps on the order page and
    on the citizen's lookup page instead of making them 42,500 px wide."""
    from wennuan.workorders.models import WorkOrder

    long_word = "x" * 5000
    WorkOrder.objects.filter(pk=fresh_order.pk).update(reply=long_word, text="暖" + long_word)
    page = desk.page
    desk.log_in("yongheng-dispatcher")
    desk.go(f"/console/orders/{fresh_order.number}/")
    expect(page.locator("dd.reply")).to_contain_text(long_word[:100])
    assert desk.fits_width()
    desk.go(f"/lookup/?number={fresh_order.number}&last4={fresh_order.phone[-4:]}")
    expect(page.locator("main")).to_contain_text(long_word[:100])
    assert desk.fits_width()

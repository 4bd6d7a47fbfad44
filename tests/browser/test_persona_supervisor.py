"""The bureau supervisor's day: the dashboard's figures open the orders behind them; press an
order that is slow; call a citizen back — no answer is recorded as 未接通, not as 满意."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def slow_and_answered(desk):
    from django.contrib.auth import get_user_model

    from wennuan.registry.models import Community
    from wennuan.workorders import actions
    from wennuan.workorders.choices import Category, Channel

    dispatcher = get_user_model().objects.get(username="minsheng-dispatcher")
    community = Community.objects.filter(company__code="minsheng").order_by("name").first()
    suffix = "1" if desk.phone else "2"

    def create(text, category):
        return actions.do_create_order(
            None,
            text=text,
            phone=f"1385301774{suffix}",
            channel=Channel.HOTLINE_12345,
            category=category,
            community=community,
        )

    slow = create("暖气不热，已经两天没人来", Category.NOT_WARM)
    answered = actions.do_accept(create("问一下停暖日期", Category.CONSULT), dispatcher)
    answered = actions.do_reply(answered, dispatcher, "本季停暖日期为3月15日")
    return slow, answered


def test_supervisor_presses_and_calls_back(desk, slow_and_answered):
    from wennuan.workorders.choices import OPEN_STATES
    from wennuan.workorders.models import Callback, WorkOrder

    OPEN = [state.value for state in OPEN_STATES]  # noqa: N806
    slow, answered = slow_and_answered
    page = desk.page
    desk.log_in("supervisor")
    # The login lands on the supervisor's desk: the dashboard.
    assert page.url.endswith("/console/reports/"), page.url
    expect(page.get_by_role("heading", name="监管看板")).to_be_visible()
    # KPI tiles first, each with its change against the week before.
    tiles = page.locator(".kpi-tile")
    expect(tiles).to_have_count(5)
    expect(tiles.first).to_be_in_viewport()
    expect(page.locator(".kpi-open .kpi-change")).to_contain_text("较上周")
    overdue_now = WorkOrder.objects.filter(overdue=True, state__in=OPEN).count()
    expect(page.locator(".kpi-overdue .kpi-value")).to_have_text(str(overdue_now))
    intake = page.locator("#intake h2 a.num")
    assert int(intake.inner_text()) >= 2  # today's intake includes this walk's orders
    expect(page.locator("#open")).to_contain_text("民生热力")
    assert desk.fits_width()
    desk.screenshot("supervisor")

    # The open-orders figure of 民生 opens the orders behind it, under a header saying so.
    page.locator("#open tr", has_text="民生热力").locator("a.num").first.click()
    expect(page.locator("tr.order-row").first).to_be_visible()
    expect(page.locator(".drill-header")).to_contain_text("民生热力 · 未办结的工单")
    # So does a tile.
    desk.go("/console/reports/")
    page.locator(".kpi-overdue a").click()
    expect(page.locator(".drill-header")).to_contain_text("现在超期的工单")
    expect(page.locator(".drill-header")).to_contain_text(f"共 {overdue_now} 件")

    desk.go(f"/console/orders/{slow.number}/")
    press = page.locator("form[data-action=press]")
    press.get_by_label("理由").fill("请今天上门")
    press.get_by_role("button", name="催办").click()
    expect(page.locator(".tag", has_text="催办")).to_be_visible()
    assert WorkOrder.objects.get(pk=slow.pk).pressed

    # 督办 without a deadline: the browser asks for it before anything is sent.
    supervise = page.locator("form[data-action=supervise]")
    assert supervise.get_by_label("督办时限").evaluate("(el) => el.required")

    desk.go(f"/console/orders/{answered.number}/")
    callback = page.locator("form[data-action=callback]")
    expect(callback.get_by_label("满意度")).to_have_value("")  # no answer chosen for them
    callback.get_by_label("满意度").select_option(label="未接通")
    callback.get_by_label("回访记录").fill("两次无人接听")
    callback.get_by_role("button", name="回访").click()
    expect(page.locator("h1")).to_contain_text(re.compile("办结|答复"))
    record = Callback.objects.get(order=answered)
    assert record.satisfaction == "not_reached" and record.note == "两次无人接听"

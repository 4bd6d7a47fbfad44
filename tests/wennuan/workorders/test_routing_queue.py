"""Issue 16 items 3 and 9: the routing queue's clock, and the 超期 flag follows the current
deadline."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from wennuan.workorders import actions
from wennuan.workorders.choices import State
from wennuan.workorders.models import WorkOrder


def test_an_unroutable_order_is_pressed_then_goes_overdue_then_routing_clears_it(
    make_order, personas, small_city
):
    order = make_order(community_name="火星小区", category="leak", text="楼道漏水")
    assert order.company is None and order.state == State.RECEIVED
    assert order.routing_deadline - order.created_at == timedelta(minutes=30)

    with time_machine.travel(order.created_at + timedelta(minutes=25), tick=False):
        assert actions.sweep() == (1, 0)
    with time_machine.travel(order.created_at + timedelta(minutes=31), tick=False):
        assert actions.sweep() == (0, 1)
    order.refresh_from_db()
    assert order.pressed and order.overdue

    # Routed: the company's fresh sign-for deadline is not overdue.
    with time_machine.travel(order.created_at + timedelta(minutes=40), tick=False):
        order = actions.do_dispatch(
            order, personas["bureau_operator"], small_city.communities["剑桥学府"]
        )
    assert order.state == State.DISPATCHED and not order.overdue
    assert WorkOrder.objects.filter(overdue=True).count() == 0


def test_overdue_clears_when_the_order_moves_to_a_new_deadline(make_order, personas):
    order = make_order()
    with time_machine.travel(order.sign_deadline + timedelta(minutes=1), tick=False):
        actions.sweep()
        order.refresh_from_db()
        assert order.overdue
        order = actions.do_accept(order, personas["dispatcher"])
    # The resolve/on-site deadline is days away: not 超期, and not in the 仅超期 filter.
    assert not order.overdue and order.due_at > timezone.now()


def test_supervise_without_a_deadline_says_it_is_required(make_order, personas):
    order = make_order()
    with pytest.raises(actions.ActionError) as error:
        actions.do_supervise(order, personas["supervisor"], None, "请加快")
    assert error.value.code == "required" and "请填写督办时限" in error.value.message


def test_a_callback_that_does_not_reach_the_citizen_is_recorded_and_can_be_tried_again(
    make_order, personas
):
    from wennuan.workorders.models import Callback

    order = actions.do_accept(make_order(category="consult"), personas["dispatcher"])
    order = actions.do_reply(order, personas["dispatcher"], "已电话答复")
    actions.do_callback(order, personas["supervisor"], "not_reached", "无人接听")
    order.refresh_from_db()
    assert order.state == State.RESOLVED
    assert Callback.objects.get(order=order).get_satisfaction_display() == "未接通"
    actions.do_callback(order, personas["supervisor"], "satisfied", "第二次回访")
    order.refresh_from_db()
    assert order.state == State.CALLBACK_DONE


def test_the_callback_form_has_no_default_satisfaction(client, make_order, personas):
    order = actions.do_accept(make_order(category="consult"), personas["dispatcher"])
    actions.do_reply(order, personas["dispatcher"], "已电话答复")
    client.force_login(personas["supervisor"])
    page = client.get(f"/console/orders/{order.number}/").content.decode()
    form = page.split('data-action="callback"')[1].split("</form>")[0]
    assert '<option value="">请选择回访结果</option>' in form and " selected" not in form
    assert 'value="not_reached">未接通' in form
    # Sent without a choice: refused, the note typed is kept, the address is the order's.
    response = client.post(
        f"/console/orders/{order.number}/act/callback/", {"satisfaction": "", "note": "打了两次"}
    )
    page = response.content.decode()
    assert response.status_code == 400 and "请选择满意度" in page
    assert 'value="打了两次"' in page
    assert f'history.replaceState(null, "", "/console/orders/{order.number}/")' in page


def test_a_failed_reply_keeps_the_typed_reply(client, make_order, personas):
    order = make_order()
    client.force_login(personas["dispatcher"])
    # Another desk signed in the meantime: this one's reply attempt fails, the text stays.
    actions.do_accept(order, personas["dispatcher"])
    response = client.post(
        f"/console/orders/{order.number}/act/reply/",
        {"reply": "已上门排气，室温恢复到20度", "expected_state": "dispatched"},
    )
    assert response.status_code in (400, 409)
    assert "已上门排气，室温恢复到20度</textarea>" in response.content.decode()


def test_the_bureau_routes_an_order_from_the_queue_over_http(client, make_order, personas):
    order = make_order(community_name="火星小区", category="no_heat", text="家里没有暖气")
    client.force_login(personas["bureau_operator"])
    page = client.get(f"/console/orders/{order.number}/").content.decode()
    assert 'data-action="dispatch"' in page
    response = client.post(
        f"/console/orders/{order.number}/act/dispatch/", {"community": "火星"}
    )  # a name the register does not know: refused, the typed name kept
    assert response.status_code == 400 and 'value="火星"' in response.content.decode()
    response = client.post(
        f"/console/orders/{order.number}/act/dispatch/", {"community": "金鼎小区"}
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.state == State.DISPATCHED and order.company.short_name == "南城热力"

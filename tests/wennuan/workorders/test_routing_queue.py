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

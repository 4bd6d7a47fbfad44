"""The order list tells how long is left before (or how long since) each order's deadline."""

import re
from datetime import timedelta

import time_machine
from django.utils import timezone

from wennuan.workorders import actions


def clock_text(client):
    body = client.get("/console/orders/").content.decode()
    return re.sub(r"\s+", " ", re.search(r'<span class="muted clock">(.*?)</span>', body).group(1))


def test_time_left_and_time_over_are_counted_from_now(client, make_order, personas):
    start = timezone.now().replace(microsecond=0)
    with time_machine.travel(start, tick=False):
        order = make_order()
        order = actions.do_accept(order, personas["dispatcher"])
        order = actions.do_assign(order, personas["dispatcher"], personas["technician"])
    client.force_login(personas["technician"])
    # Three hours before the deadline: "剩 3 小时" (the list showed "剩 0 分钟" for every
    # order not yet due: the filter measured from the deadline to now).
    with time_machine.travel(order.due_at - timedelta(hours=3, minutes=10), tick=False):
        assert clock_text(client).startswith("剩 3 小时")
    with time_machine.travel(order.due_at + timedelta(hours=5, minutes=1), tick=False):
        assert clock_text(client).startswith("已超 5 小时")

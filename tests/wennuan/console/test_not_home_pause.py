"""A not-at-home visit pauses the on-site clock (design §4.3), driven as the technician would."""

from datetime import timedelta

import time_machine
from django.utils import timezone

from wennuan.workorders import actions
from wennuan.workorders.models import WorkOrder


def post_visit(client, order, **data):
    return client.post(f"/console/orders/{order.number}/visit/", data)


def test_not_home_pauses_the_onsite_clock_until_the_next_visit(client, make_order, personas):
    start = timezone.now().replace(microsecond=0)
    with time_machine.travel(start, tick=False):
        order = make_order()
        order = actions.do_accept(order, personas["dispatcher"])
        order = actions.do_assign(order, personas["dispatcher"], personas["technician"])
    onsite = order.onsite_deadline
    assert order.due_at == onsite  # 24 h on site comes before 72 h to resolve

    client.force_login(personas["technician"])
    with time_machine.travel(start + timedelta(hours=3), tick=False):
        response = post_visit(client, order, not_home="on", actions_taken="敲门无人应答")
        assert response.status_code == 302
    order = WorkOrder.objects.get(pk=order.pk)
    assert order.onsite_paused_at == start + timedelta(hours=3)
    assert order.first_visit_at is None
    # Only the resolve clock runs while the household is away.
    assert order.due_at == order.resolve_deadline
    assert order.visits.get().verdict == "not_home"
    assert order.events.last().data["onsite_clock"] == "paused"
    page = client.get(f"/console/orders/{order.number}/").content.decode()
    assert "入户计时暂停" in page

    # A second not-at-home visit keeps the original pause.
    with time_machine.travel(start + timedelta(hours=10), tick=False):
        assert post_visit(client, order, not_home="on").status_code == 302
    order.refresh_from_db()
    assert order.onsite_paused_at == start + timedelta(hours=3)

    with time_machine.travel(start + timedelta(hours=30), tick=False):
        response = post_visit(
            client,
            order,
            closed_30_min="on",
            centre_height_ok="on",
            read_after_10_min="on",
            room_0="客厅",
            kind_0="living",
            temp_0="19",
        )
        assert response.status_code == 302
    order.refresh_from_db()
    # 27 h waited: the on-site deadline moves by that much and was met (visit at 30 h).
    assert order.onsite_paused_at is None
    assert order.onsite_deadline == onsite + timedelta(hours=27)
    assert order.first_visit_at == start + timedelta(hours=30) <= order.onsite_deadline
    assert order.events.last().data == {
        "verdict": "compliant",
        "lowest_reading_c": 19.0,
        "causes": [],
        "onsite_clock": "resumed",
        "waited_minutes": 27 * 60,
    }

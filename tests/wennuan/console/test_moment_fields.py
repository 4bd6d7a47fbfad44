"""Issue 18 item 1: the console's supervise deadline and extension ``until`` refuse offsets
beyond ±15:59 (PostgreSQL's limit, a 500 there) with a message naming the format."""

import pytest

from wennuan.lib.moments import parse_moment
from wennuan.workorders.models import Event


@pytest.mark.parametrize(
    "action, field, extra",
    [("supervise", "deadline", {}), ("request_extension", "until", {})],
)
def test_out_of_range_offsets_are_form_errors(client, personas, make_order, action, field, extra):
    order = make_order()
    persona = "supervisor" if action == "supervise" else "dispatcher"
    client.force_login(personas[persona])
    if action == "request_extension":
        client.post(f"/console/orders/{order.number}/act/accept/", {})
    events = Event.objects.filter(order=order).count()
    response = client.post(
        f"/console/orders/{order.number}/act/{action}/",
        {field: "2030-01-01T00:00:00-16:00", "reason": "测试", **extra},
    )
    assert response.status_code == 400
    assert "时间格式不正确" in response.content.decode()
    assert Event.objects.filter(order=order).count() == events


@pytest.mark.parametrize(
    "text",
    ["2026-01-01T00:00:00-16:00", "2026-01-01T00:00:00+16:00", "2026-01-01T00:00:00+08:00:30",
     "0001-01-01T00:00", "9999-12-31T23:59+15:00", "2026-13-45T99:00", "", "soon"],
)  # fmt: skip
def test_parse_moment_refuses_what_a_database_cannot_hold(text):
    assert parse_moment(text) is None


def test_parse_moment_accepts_real_offsets_and_local_time():
    assert parse_moment("2026-01-01T00:00:00-15:59").utcoffset().total_seconds() == 0
    assert parse_moment("2026-01-01T08:00").isoformat() == "2026-01-01T00:00:00+00:00"

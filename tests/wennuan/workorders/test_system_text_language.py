"""The worker's press reason and its actor "系统" read in the reader's language (issue 16): they
are stored untranslated, whatever language the worker ran in."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import translation

from wennuan.workorders import actions
from wennuan.workorders.models import Event

REASON = "时限已过80%，系统自动催办"


def english(msgid: str) -> str:
    with translation.override("en"):
        return translation.gettext(msgid)


def order_page(client, order, language) -> str:
    client.cookies["django_language"] = language
    response = client.get(f"/console/orders/{order.number}/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("worker_language", ["zh-hans", "en"])
def test_an_auto_press_reads_in_the_page_language(make_order, personas, client, worker_language):
    order = make_order()
    with time_machine.travel(order.clock_started_at + timedelta(minutes=49), tick=False):
        with translation.override(worker_language):
            assert actions.sweep() == (1, 0)
    press = Event.objects.get(order=order, action="press")
    assert (press.actor_label, press.reason) == ("系统", REASON)  # the source, not a translation
    assert english(REASON) != REASON and english("系统") != "系统"

    client.force_login(personas["supervisor"])
    body = order_page(client, order, "en")
    assert f"{english('系统')} · " in body and english(REASON) in body
    assert REASON not in body and ">系统" not in body
    body = order_page(client, order, "zh-hans")
    assert "系统 · " in body and REASON in body and english(REASON) not in body


def test_a_staff_reason_is_shown_as_typed(make_order, personas, client):
    order = make_order()
    actions.do_press(order, personas["supervisor"], reason="市民反复来电，请尽快处理 today")
    client.force_login(personas["supervisor"])
    assert "市民反复来电，请尽快处理 today" in order_page(client, order, "en")

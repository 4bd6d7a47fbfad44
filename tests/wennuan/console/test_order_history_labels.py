"""An order's history reads as Chinese (and English) words, never as internal codes."""

import re

from wennuan.workorders import actions
from wennuan.workorders.choices import Action


def history_items(client, order, language="zh-hans"):
    client.cookies["django_language"] = language
    body = client.get(f"/console/orders/{order.number}/").content.decode()
    events = re.search(r'<ol class="events">(.*?)</ol>', body, re.S).group(1)
    return [
        re.sub(r"<[^>]+>|\s+", " ", item).strip() for item in re.findall(r"<li>(.*?)</li>", events)
    ]


def test_history_shows_action_and_state_labels(client, make_order, personas):
    order = make_order()
    order = actions.do_accept(order, personas["dispatcher"])
    order = actions.do_press(order, personas["supervisor"], "请尽快上门")
    client.force_login(personas["dispatcher"])
    items = history_items(client, order)
    assert [item.split(" · ", 1)[1] for item in items] == [
        "受理 · — → 受理",
        "派单 · 受理 → 派单",
        "签收 · 派单 → 签收",
        "催办 · 请尽快上门",
    ]
    english = history_items(client, order, "en")
    assert english[2].endswith("Accepted · Dispatched → Accepted"), english
    for item in items + english:
        assert not re.search(
            r"\b(create|dispatch|accept|press|received|dispatched|accepted)\b", item
        )


def test_every_action_has_a_label():
    assert all(action.label and action.label != action.value for action in Action)

"""The reader's doubts on the operator's screens (issue 15): not about heating (one-click 退单),
an unsure category (its two likeliest to choose from), a look-alike community (是否指…?)."""

import re

from wennuan.workorders.choices import State
from wennuan.workorders.models import Event

NOT_HEATING_TEXT = "小区门口的路灯坏了一个多月了，晚上黑乎乎的，也没人修，希望尽快处理。"


def prefill(client, **fields):
    data = {"text": "", "phone": "", "community": "", "category": "", "channel": "12319"}
    data.update(fields)
    return client.post("/console/orders/new/prefill/", data, HTTP_HX_REQUEST="true")


def test_intake_says_when_a_text_is_not_about_heating(client, personas, season):
    client.force_login(personas["bureau_operator"])
    html = prefill(client, text=NOT_HEATING_TEXT).content.decode()
    assert 'data-reading="not-heating"' in html and "可能不属于供热" in html
    html = prefill(client, text="剑桥学府3号楼暖气不热，屋里16度").content.decode()
    assert "可能不属于供热" not in html


def test_intake_asks_about_a_look_alike_community_instead_of_filling_it(client, personas, season):
    client.force_login(personas["bureau_operator"])
    html = prefill(client, text="剑桥新城3号楼暖气不热，屋里16度").content.decode()
    assert 'name="community" value=""' in html  # never a silent fill
    assert "是否指“剑桥学府”？" in html
    # The operator's yes fills it.
    html = prefill(
        client, text="剑桥新城3号楼暖气不热，屋里16度", community="剑桥学府"
    ).content.decode()
    assert 'name="community" value="剑桥学府"' in html


def test_intake_offers_the_two_likeliest_categories_when_unsure(client, personas, season):
    client.force_login(personas["bureau_operator"])
    html = prefill(client, text="家里暖气有点问题").content.decode()
    choices = re.findall(r'data-category="(\w+)"', html)
    assert len(choices) == 2 and choices[0] != choices[1]
    assert "类别不确定" in html
    sure = prefill(client, text="剑桥学府3号楼2单元501暖气不热，屋里才16度").content.decode()
    assert "类别不确定" not in sure


def test_order_page_returns_a_non_heating_order_in_one_click(client, personas, make_order):
    order = make_order(text=NOT_HEATING_TEXT)
    client.force_login(personas["dispatcher"])
    page = client.get(f"/console/orders/{order.number}/").content.decode()
    assert "退单：不属于供热" in page
    form = re.search(
        r'<div class="notice" data-reading="not-heating">.*?<form method="post" action="([^"]+)">'
        r'.*?name="reason" value="([^"]+)"',
        page,
        re.S,
    )
    response = client.post(form.group(1), {"expected_state": order.state, "reason": form.group(2)})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.state == State.RETURNED
    assert "不属于供热" in Event.objects.filter(order=order).last().reason


def test_order_page_of_a_heating_order_offers_no_such_return(client, personas, make_order):
    order = make_order()
    client.force_login(personas["dispatcher"])
    assert "退单：不属于供热" not in client.get(f"/console/orders/{order.number}/").content.decode()

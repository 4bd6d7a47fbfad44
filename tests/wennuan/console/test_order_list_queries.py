"""The order lists cost the same number of queries for 10 rows as for 50 (no N+1)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wennuan.workorders import actions
from wennuan.workorders.choices import Category


def make_rows(make_order, personas, count):
    for index in range(count):
        order = make_order(
            room=str(100 + index),
            category=[Category.NOT_WARM, Category.LEAK, Category.BILLING][index % 3],
        )
        if index % 2:
            order = actions.do_accept(order, personas["dispatcher"])
            order = actions.do_assign(order, personas["dispatcher"], personas["technician"])
        if index % 3 == 0:
            actions.do_press(order, personas["supervisor"], "请尽快")


def queries_for(client, user, url):
    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content.decode()


@pytest.mark.parametrize(
    "who,url",
    [
        ("dispatcher", "/console/orders/"),
        ("supervisor", "/console/orders/?all=1"),
        ("supervisor", "/console/orders/?company=north&category=not_warm"),
        ("technician", "/console/orders/"),
    ],
)
def test_list_queries_do_not_grow_with_rows(client, make_order, personas, who, url):
    make_rows(make_order, personas, 10)
    few, page = queries_for(client, personas[who], url)
    assert page.count('class="order-row') >= 3
    make_rows(make_order, personas, 40)
    many, page = queries_for(client, personas[who], url)
    assert page.count('class="order-row') > 10
    assert many == few

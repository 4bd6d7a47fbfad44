"""/lookup/ refuses for a while after repeated failures, per address and per order number."""

from datetime import timedelta

import time_machine
from django.utils import timezone


def lookup(client, number, last4, ip="10.0.0.1"):
    return client.get("/lookup/", {"number": number, "last4": last4}, REMOTE_ADDR=ip)


def test_guessing_the_last_four_digits_is_stopped_per_number(client, make_order):
    order = make_order(phone="13853011111")
    for guess in range(5):  # five wrong guesses from five addresses
        response = lookup(client, order.number, f"{guess:04d}", ip=f"10.0.1.{guess}")
        assert response.status_code == 404
    # Even the right digits are refused now, from any address, with a clear message.
    response = lookup(client, order.number, "1111", ip="10.0.2.1")
    assert response.status_code == 429
    page = response.content.decode()
    assert "查询失败次数过多" in page and "分钟后再试" in page
    assert "13853011111" not in page and order.get_state_display() not in page
    # An hour later the citizen can look the order up again.
    with time_machine.travel(timezone.now() + timedelta(minutes=61)):
        response = lookup(client, order.number, "1111", ip="10.0.2.1")
    assert response.status_code == 200
    assert order.number in response.content.decode()


def test_one_address_trying_many_numbers_is_stopped(client, make_order):
    order = make_order(phone="13853011111")
    for index in range(10):
        assert lookup(client, f"GN20260101{index:05d}", "0000").status_code == 404
    assert lookup(client, order.number, "1111").status_code == 429
    # Another address is not affected.
    assert lookup(client, order.number, "1111", ip="10.9.9.9").status_code == 200


def test_successful_lookups_do_not_count(client, make_order):
    order = make_order(phone="13853011111")
    for _ in range(20):
        assert lookup(client, order.number, "1111").status_code == 200

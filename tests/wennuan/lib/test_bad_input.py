"""Bad input at the edges: refused in the user's language, never a server error."""

import pytest

from wennuan.workorders.models import WorkOrder

pytestmark = pytest.mark.django_db

FORM = {
    "text": "暖气不热，屋里16度",
    "phone": "13953012345",
    "community": "金鼎小区",
}


def test_a_form_with_a_nul_is_cleaned_and_kept_not_refused(client, season):
    """A NUL cannot be stored on PostgreSQL; the person's complaint goes on without it."""
    response = client.post("/complaint/", {**FORM, "text": "暖气不热\x00，屋里16度"})
    assert response.status_code == 200
    assert WorkOrder.objects.get().text == "暖气不热，屋里16度"


def test_a_query_with_a_nul_is_cleaned_not_a_server_error(client, small_city):
    assert client.get("/directory/", {"q": "金鼎\x00"}).status_code == 200
    assert client.get("/directory/", {"q": "金鼎"}).status_code == 200


def test_a_staff_form_with_a_nul_goes_on_without_it(client, make_order, personas):
    order = make_order()
    client.force_login(personas["dispatcher"])
    response = client.post(
        f"/console/orders/{order.number}/act/return/",
        {"reason": "不属于\x00本公司", "expected_state": order.state},
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.state == "returned"
    assert order.events.last().reason == "不属于本公司"


def test_an_impossible_date_in_a_staff_form_is_a_clear_error(client, make_order, personas):
    """datetime-local fields post "2026-13-45T99:00" when a browser lets it through or a
    script posts it: parse_datetime raises on such text (it was a server error)."""
    from wennuan.workorders import actions

    order = actions.do_accept(make_order(), personas["dispatcher"])
    client.force_login(personas["dispatcher"])
    response = client.post(
        f"/console/orders/{order.number}/act/request_extension/",
        {"until": "2026-13-45T99:00", "reason": "配件未到", "expected_state": order.state},
    )
    assert response.status_code == 400
    order.refresh_from_db()
    assert not order.extension_requested and order.requested_extension_until is None


def test_digits_that_int_cannot_read_are_not_ids_or_phones(client, personas, season):
    """ "²".isdigit() is true but int("²") raises: ids and phones are decimal (ASCII) digits."""
    from wennuan.lib.phones import is_valid_phone

    assert not is_valid_phone("1385301111²")
    client.force_login(personas["supervisor"])
    for url in ("/console/reports/?season=²", "/console/readiness/?season=²"):
        assert client.get(url, follow=True).status_code == 200, url
    response = client.post("/console/outreach/visits/new/", {"community": "²"})
    assert response.status_code in (200, 400)


def test_a_technician_that_is_not_an_id_is_a_clear_error(client, make_order, personas):
    from wennuan.workorders import actions

    order = actions.do_accept(make_order(), personas["dispatcher"])
    client.force_login(personas["dispatcher"])
    for junk in ("abc", "nan", "1e309"):
        response = client.post(
            f"/console/orders/{order.number}/act/assign/",
            {"technician": junk, "expected_state": order.state},
        )
        assert response.status_code == 400 and "请选择维修人员" in response.content.decode()

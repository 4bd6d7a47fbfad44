"""Issue 16.11: a double-submitted complaint (double click; Back and submit again) makes ONE
order, on the public form and on the operator's 受理来电; the second submit shows the first
order's number."""

import re

from wennuan.workorders.form_tokens import create_once
from wennuan.workorders.models import FormSubmission, WorkOrder

from .test_complaints import FORM


def _token(page: str) -> str:
    return re.search(r'name="form_token" value="([0-9a-f]{32})"', page).group(1)


def test_the_public_form_submitted_twice_makes_one_order(client, season, small_city):
    token = _token(client.get("/complaint/").content.decode())
    first = client.post("/complaint/", {**FORM, "form_token": token})
    again = client.post("/complaint/", {**FORM, "form_token": token})
    order = WorkOrder.objects.get()
    assert first.status_code == again.status_code == 200
    assert order.number in again.content.decode()
    assert "已经提交过，没有重复受理" in again.content.decode()
    # A new visit to the form is a new complaint.
    other = _token(client.get("/complaint/").content.decode())
    assert other != token
    client.post("/complaint/", {**FORM, "phone": "13953012346", "form_token": other})
    assert WorkOrder.objects.count() == 2


def test_the_token_survives_a_failed_submit(client, season, small_city):
    token = _token(client.get("/complaint/").content.decode())
    failed = client.post("/complaint/", {**FORM, "phone": "12345", "form_token": token})
    assert failed.status_code == 400 and _token(failed.content.decode()) == token
    client.post("/complaint/", {**FORM, "form_token": token})
    client.post("/complaint/", {**FORM, "form_token": token})
    assert WorkOrder.objects.count() == 1


def test_the_operator_saving_a_call_twice_makes_one_order(client, personas, season):
    client.force_login(personas["operator"])
    token = _token(client.get("/console/orders/new/").content.decode())
    call = {
        "text": "剑桥学府3号楼2单元502屋里15度",
        "phone": "13953015555",
        "community": "剑桥学府",
        "channel": "12319",
        "form_token": token,
    }
    first = client.post("/console/orders/new/", call)
    again = client.post("/console/orders/new/", call, follow=True)
    order = WorkOrder.objects.get()
    assert first["Location"] == f"/console/orders/{order.number}/"
    assert again.redirect_chain[-1][0] == f"/console/orders/{order.number}/"
    assert f"这通来电已经受理过，没有重复建单：工单 {order.number}" in again.content.decode()


def test_a_submit_racing_the_first_gets_the_first_order(make_order):
    """Two requests with one token at once: the slower one's insert of the token fails on
    the unique index, its order is rolled back and the first order is returned."""
    first = make_order()
    token = "ab" * 16
    # The other request committed the token after this one's check found nothing.
    FormSubmission.objects.create(token=token, order=first)
    order, made_now = create_once(token, lambda: make_order(phone="13953019999"))
    assert order == first and made_now is False
    assert list(WorkOrder.objects.all()) == [first]


def test_back_and_submit_again_with_a_fresh_token_makes_one_order(client, season, small_city):
    """An outsider's phone: Back re-fetched the form (a new token) and restored what was typed;
    submitting again made a second order. The same words from the same phone minutes apart are
    the first complaint."""
    first = client.post(
        "/complaint/", {**FORM, "form_token": _token(client.get("/complaint/").content.decode())}
    )
    again = client.post(
        "/complaint/", {**FORM, "form_token": _token(client.get("/complaint/").content.decode())}
    )
    order = WorkOrder.objects.get()
    assert first.status_code == again.status_code == 200
    assert order.number in again.content.decode() and "已经提交过" in again.content.decode()
    # Other words from the same phone are another complaint.
    other = {**FORM, "text": FORM["text"] + "，楼道也漏水"}
    client.post(
        "/complaint/", {**other, "form_token": _token(client.get("/complaint/").content.decode())}
    )
    assert WorkOrder.objects.count() == 2

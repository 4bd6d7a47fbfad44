"""Issue 16 items 2–3: the public form takes only a phone the citizen can be called back on,
and asks which community when it cannot tell; an unroutable complaint waits in the bureau's
routing queue on a clock of its own."""

import pytest

from wennuan.registry.models import City
from wennuan.workorders.choices import State
from wennuan.workorders.models import WorkOrder

FORM = {
    "text": "暖气不热，屋里16度",
    "phone": "13953012345",
    "caller_name": "王大明",
    "community": "金鼎小区",
    "building": "2",
    "unit": "1",
    "room": "302",
}


@pytest.mark.parametrize("phone", ["12345", "12319", "1395301", "23853011111", "0530-12"])
def test_a_hotline_or_a_short_number_is_not_the_callers_phone(client, season, phone):
    response = client.post("/complaint/", {**FORM, "phone": phone})
    page = response.content.decode()
    assert response.status_code == 400
    assert "请填写能回电联系到您的手机号" in page or "联系电话格式不正确" in page
    assert "手机号或座机：" in page  # led by the field's label, like every other error
    # Everything typed is still there.
    assert "暖气不热，屋里16度" in page and 'value="王大明"' in page and 'value="302"' in page
    assert f'value="{phone}"' in page
    assert not WorkOrder.objects.exists()


def test_a_local_landline_is_completed_with_the_citys_area_code(client, season):
    City.objects.update_or_create(
        pk=City.objects.values_list("pk", flat=True).first(),
        defaults={"name": "菏泽市", "area_code": "0530"},
    )
    response = client.post("/complaint/", {**FORM, "phone": "6692571"})
    assert response.status_code == 200
    assert WorkOrder.objects.get().phone == "05306692571"


def test_the_phone_error_is_in_english_in_english_mode(client, season):
    client.cookies["django_language"] = "en"
    response = client.post("/complaint/", {**FORM, "phone": "12345"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "a mobile (11 digits) or a landline" in page


def test_the_form_asks_which_community_when_it_cannot_tell(client, season, small_city):
    form = {**FORM, "text": "家里暖气一直不热，屋里15度", "community": ""}
    response = client.post("/complaint/", form)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="ask-community"' in page
    # The directory's names are offered to choose from, and the text is kept.
    assert '<option value="金鼎小区">' in page and "家里暖气一直不热" in page
    assert not WorkOrder.objects.exists()

    # The citizen picks the community: the order goes straight to its company.
    response = client.post("/complaint/", {**form, "community": "金鼎小区"})
    assert response.status_code == 200
    assert WorkOrder.objects.get().company == small_city.south


def test_a_citizen_who_does_not_know_the_community_reaches_the_routing_queue(
    client, season, personas
):
    form = {**FORM, "text": "家里暖气一直不热，屋里15度", "community": "", "community_unknown": "1"}
    response = client.post("/complaint/", form)
    assert response.status_code == 200
    order = WorkOrder.objects.get()
    assert order.state == State.RECEIVED and order.company is None
    # The bureau's routing deadline (not_warm: 1 h on the season clock), stored and driving
    # the worker's press and overdue sweeps through due_at / press_at.
    assert order.routing_deadline is not None
    assert order.due_at == order.routing_deadline
    assert (order.routing_deadline - order.created_at).total_seconds() == 3600
    assert order.press_at is not None and order.press_at < order.due_at

    # The bureau's operator sees it above the list.
    client.force_login(personas["bureau_operator"])
    page = client.get("/console/orders/").content.decode()
    assert "待转办" in page
    assert page.index(order.number) < page.index("<table")


def test_errors_name_the_fields_as_the_public_form_labels_them(client, season):
    """The form says 姓名; its error said 来电人 (the operator's word), so a citizen could not
    tell which box was wrong."""
    response = client.post("/complaint/", {**FORM, "caller_name": "王" * 41})
    page = response.content.decode()
    assert response.status_code == 400
    assert "姓名：" in page and "来电人" not in page
    response = client.post("/complaint/", {**FORM, "text": ""})
    page = response.content.decode()
    assert response.status_code == 400 and "反映的问题：" in page

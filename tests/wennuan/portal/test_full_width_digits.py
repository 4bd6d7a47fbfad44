"""Issue 16.10: a Chinese input method types full-width digits ("１１１１"); every phone and
number field reads them as the digits they are (one normaliser, wennuan.lib.phones)."""

import re

from wennuan.lib.phones import is_valid_phone, normalize_phone
from wennuan.workorders.models import WorkOrder

from .test_complaints import FORM


def test_the_normaliser_reads_full_width_digits_and_separators():
    assert normalize_phone("１３８５３０１１１１１") == "13853011111"
    assert normalize_phone("（０５３０）－６６９２５７１") == "05306692571"
    assert is_valid_phone("１３８ ５３０１ １１１１")


def test_lookup_with_full_width_last_four_and_number(client, make_order):
    order = make_order()
    wide_number = order.number.translate({ord(c): ord(c) + 0xFEE0 for c in order.number})
    page = client.get("/lookup/", {"number": wide_number, "last4": "１１１１"})
    assert page.status_code == 200 and "派单" in page.content.decode()


def test_public_complaint_with_a_full_width_mobile(client, season, small_city):
    response = client.post("/complaint/", {**FORM, "phone": "１３９５３０１２３４５"})
    assert response.status_code == 200
    assert WorkOrder.objects.get().phone == "13953012345"


def test_operator_search_and_intake_with_full_width_digits(client, make_order, personas):
    order = make_order()
    client.force_login(personas["operator"])
    found = client.get("/console/orders/", {"q": "１３８５３０１１１１１"}).content.decode()
    assert order.number in found
    response = client.post(
        "/console/orders/new/",
        {
            "text": "剑桥学府3号楼2单元502屋里15度",
            "phone": "１３９５３０１５５５５",
            "community": "剑桥学府",
            "channel": "12319",
        },
    )
    assert response.status_code == 302, re.findall(
        r'data-field="[^"]*">[^<]*', response.content.decode()
    )
    assert WorkOrder.objects.filter(phone="13953015555").exists()

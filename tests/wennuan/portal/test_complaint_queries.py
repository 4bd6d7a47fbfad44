"""Issue 18: the public complaint form's intake runs a fixed number of queries (the register,
the city, the deadline policy and the season come from the lookup caches)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from wennuan.workorders.models import WorkOrder

FORM = {
    "text": "暖气不热，屋里16度",
    "caller_name": "王大明",
    "community": "金鼎小区",
    "building": "2",
    "unit": "1",
    "room": "302",
}


def test_the_form_intake_runs_a_fixed_number_of_queries(
    client, season, settings, django_assert_num_queries
):
    settings.WENNUAN_CITIZEN_NOTICES = True  # the acceptance SMS, as in production
    response = client.post("/complaint/", {**FORM, "phone": "13953012340"})  # warms the caches
    assert response.status_code == 200
    # The lookup fingerprint; the per-address, per-phone and per-home limits; the same words
    # from the same phone just now (Back and submit again); counter, order
    # (written once, dispatched), events create + dispatch (one INSERT), opt-out, SMS outbox,
    # event notify, the address's submission; the transaction's and the order insert's
    # savepoints.
    with django_assert_num_queries(17):
        response = client.post("/complaint/", {**FORM, "phone": "13953012341", "room": "303"})
    assert response.status_code == 200
    order = WorkOrder.objects.get(phone="13953012341")
    assert order.state == "dispatched" and order.community.name == "金鼎小区"
    with CaptureQueriesContext(connection) as queries:
        client.post("/complaint/", {**FORM, "phone": "13953012342", "room": "304"})
    assert len(queries) == 17
    register_reads = [q["sql"] for q in queries if 'FROM "registry_community"' in q["sql"]]
    assert all("WHERE" in sql or "COUNT(" in sql for sql in register_reads), register_reads

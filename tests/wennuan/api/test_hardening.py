"""Issue 18: what fuzzing, load and attackers found in the intake API, each pinned by a test."""

import json
from datetime import timedelta

import pytest
from django.db import OperationalError
from django.utils import timezone

from wennuan.api.middleware import MAX_BODY_BYTES, json_depth
from wennuan.api.models import ApiClient
from wennuan.lib import lookups
from wennuan.workorders import actions
from wennuan.workorders.models import IdempotencyKey, WorkOrder

URL = "/api/v1/workorders"
GOOD = {
    "text": "剑桥学府3号楼2单元501暖气不热，屋里16度",
    "phone": "13853011111",
    "channel": "12345",
    "community": "剑桥学府",
}


@pytest.fixture
def api(season, personas):
    client_row, token = ApiClient.issue("12345平台")
    return client_row, {"HTTP_AUTHORIZATION": f"Token {token}"}


def post(client, auth, payload, url=URL, **headers):
    body = payload if isinstance(payload, str | bytes) else json.dumps(payload, ensure_ascii=False)
    return client.post(url, data=body, content_type="application/json", **auth, **headers)


# -- item 1: offsets beyond ±15:59 (PostgreSQL's limit) are the caller's bad input


@pytest.mark.parametrize(
    "moment",
    [
        "2026-01-01T00:00:00-16:00",
        "2026-01-01T00:00:00+23:59",
        "0001-01-01T00:00:00+15:00",
        "9999-12-31T23:59:59-15:00",
    ],
)
def test_changed_since_out_of_range_is_a_400_naming_the_field(client, api, moment):
    _row, auth = api
    response = client.get(URL, {"changed_since": moment}, **auth)
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["field"] == "changed_since" and "±15:59" in error["message"]


def test_changed_since_with_an_extreme_but_valid_offset_works(client, api):
    _row, auth = api
    post(client, auth, GOOD)
    response = client.get(URL, {"changed_since": "2020-01-01T00:00:00-15:59"}, **auth)
    assert response.status_code == 200 and response.json()["count"] == 1


# -- item 2: depth and size limits answered as the API's JSON errors


@pytest.mark.parametrize("url_suffix", ["", "/GN2026010100001/actions/press"])
def test_deeply_nested_json_is_a_json_400(client, api, url_suffix):
    _row, auth = api
    response = post(client, auth, "[" * 1000 + "]" * 1000, url=URL + url_suffix)
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "too_deep"


def test_a_large_body_is_a_json_413(client, api):
    _row, auth = api
    response = post(client, auth, {**GOOD, "text": "暖" * (3 * 1024 * 1024 // 3)})
    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["errors"][0]["code"] == "too_large"
    assert WorkOrder.objects.count() == 0


def test_json_depth_skips_brackets_inside_strings():
    assert json_depth(b'{"text": "[[[[[[\\"[[[["}') == 1
    assert json_depth(b'[[{"a": [1]}]]') == 4
    assert MAX_BODY_BYTES >= 16 * 1024  # a 2,000-character complaint fits with room to spare


# -- item 3: order numbers from a counter row, never a conflict


def test_order_numbers_follow_a_counter_that_starts_after_stored_numbers(api, make_order):
    client_row, _auth = api
    now = timezone.now()
    first = make_order()
    prefix = first.number[:10]
    assert first.number == f"{prefix}00001"
    # A number written past the counter by a bulk load (the demo history) is skipped, not an
    # error: the counter moves past the stored numbers.
    WorkOrder.objects.create(
        number=f"{prefix}00002", text="x", phone="13853011112", channel="web", category="other"
    )
    values = dict(text="暖气不热", phone="13853011112", channel="12345", category="not_warm")
    numbers = [actions.do_create_order(client_row, now=now, **values).number for _ in range(3)]
    assert numbers == [f"{prefix}00003", f"{prefix}00004", f"{prefix}00005"]


# -- item 4: changed_since pages by (updated_at, id) with a next link


def test_changed_since_pages_through_ties_and_sees_later_orders(client, api):
    client_row, auth = api
    for index in range(5):
        post(client, auth, {**GOOD, "phone": f"1385301111{index}"})
    tie = timezone.now() - timedelta(minutes=5)
    WorkOrder.objects.update(updated_at=tie)  # one worker pass touched them all at once
    seen = []
    response = client.get(URL, {"changed_since": tie.isoformat(), "limit": 2}, **auth).json()
    for _page in range(5):
        seen += [order["number"] for order in response["results"]]
        response = client.get(response["next"], **auth).json()
    assert len(seen) == 5 == len(set(seen))
    assert response["results"] == []
    # An order created afterwards appears on the next poll of the same link.
    number = post(client, auth, {**GOOD, "phone": "13853019999"}).json()["number"]
    response = client.get(response["next"], **auth).json()
    assert [order["number"] for order in response["results"]] == [number]


def test_a_forged_cursor_is_a_field_error(client, api):
    _row, auth = api
    response = client.get(URL, {"cursor": "bm90IGEgY3Vyc29y"}, **auth)
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "cursor"


# -- item 5: keys kept whole; the same key with another body is 422


def test_keys_sharing_a_long_prefix_are_two_complaints(client, api):
    _row, auth = api
    prefix = "k" * 150
    first = post(client, auth, GOOD, HTTP_IDEMPOTENCY_KEY=prefix + "-1")
    second = post(
        client, auth, {**GOOD, "phone": "13853012222"}, HTTP_IDEMPOTENCY_KEY=prefix + "-2"
    )
    assert (first.status_code, second.status_code) == (201, 201)
    assert WorkOrder.objects.count() == 2
    assert all(len(row.key) == 64 for row in IdempotencyKey.objects.all())


def test_same_key_with_a_different_body_is_422_and_the_same_body_replays(client, api):
    _row, auth = api
    first = post(client, auth, GOOD, HTTP_IDEMPOTENCY_KEY="push-1")
    assert first.status_code == 201
    reordered = json.dumps(dict(reversed(list(GOOD.items()))), ensure_ascii=False)
    again = post(client, auth, reordered, HTTP_IDEMPOTENCY_KEY="push-1")
    assert again.status_code == 200 and again.json()["number"] == first.json()["number"]
    other = post(client, auth, {**GOOD, "text": "另一户漏水"}, HTTP_IDEMPOTENCY_KEY="push-1")
    assert other.status_code == 422
    assert other.json()["errors"][0]["code"] == "key_reused"
    assert WorkOrder.objects.count() == 1


def test_a_retry_after_the_register_changed_still_gets_its_order(client, api):
    """A client whose first answer was lost retries; meanwhile the community was renamed. The
    complaint was taken: the retry gets its order, not "没有找到小区" (an outsider's find)."""
    from wennuan.registry.models import Community

    _row, auth = api
    first = post(client, auth, GOOD, HTTP_IDEMPOTENCY_KEY="lost-answer")
    assert first.status_code == 201
    community = Community.objects.get(name="剑桥学府")
    community.name = "剑桥学府（一期）"
    community.save()
    again = post(client, auth, GOOD, HTTP_IDEMPOTENCY_KEY="lost-answer")
    assert again.status_code == 200 and again.json()["number"] == first.json()["number"]
    assert again.json()["reading"]["heating"] is True
    # Without the key, or with a new one, the body is refused as before; nothing is stored.
    new_key = post(client, auth, GOOD, HTTP_IDEMPOTENCY_KEY="new")
    assert new_key.status_code == 400 and new_key.json()["errors"][0]["code"] == "unknown"
    assert WorkOrder.objects.count() == 1


def test_one_json_number_written_two_ways_is_the_same_body(client, api):
    _row, auth = api
    first = post(client, auth, {**GOOD, "stated_temp_c": 16}, HTTP_IDEMPOTENCY_KEY="n")
    again = post(client, auth, {**GOOD, "stated_temp_c": 16.0}, HTTP_IDEMPOTENCY_KEY="n")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["reading"] == again.json()["reading"]
    other = post(client, auth, {**GOOD, "stated_temp_c": 16.5}, HTTP_IDEMPOTENCY_KEY="n")
    assert other.status_code == 422


# -- item 6: control characters refused at the edge


def test_a_control_character_in_json_is_refused(client, api):
    _row, auth = api
    response = post(client, auth, {**GOOD, "room": "3\x0101"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "invalid_character"
    assert WorkOrder.objects.count() == 0


@pytest.mark.parametrize(
    "body",
    [
        b'{"text": "\\ud800 cold", "phone": "13853011112"}',  # an escaped half of a UTF-16 pair
        '{"text": "冷", "phone": "13853011112"}'.encode()[:-2] + b'\xed\xa0\x80"}',  # raw CESU
    ],
    ids=["escaped", "raw-bytes"],
)
@pytest.mark.parametrize("with_key", [False, True])
def test_a_lone_surrogate_is_invalid_json_not_a_server_error(client, api, body, with_key):
    """An outsider's re-attack: half a surrogate pair passed the JSON parser and failed in the
    body hash (intake) or the database (actions) as an HTML 500."""
    _row, auth = api
    headers = {"HTTP_IDEMPOTENCY_KEY": "k-1"} if with_key else {}
    response = post(client, auth, body, **headers)
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "invalid_json"
    assert WorkOrder.objects.count() == 0


@pytest.mark.parametrize(
    ("payload", "field", "code"),
    [
        ({**GOOD, "comunity": "剑桥学府"}, "comunity", "unknown_field"),  # a misspelt field
        ({**GOOD, "text": 5}, "text", "invalid_type"),
        ({**GOOD, "phone": 13853011112}, "phone", "invalid_type"),
    ],
)
def test_a_body_of_the_wrong_shape_is_named_not_dropped(client, api, payload, field, code):
    """An outsider's re-attack: unknown fields were dropped without a word (a misspelt field is
    lost data) and a number as the text was answered "请填写诉求内容"."""
    _row, auth = api
    response = post(client, auth, payload)
    assert response.status_code == 400
    assert (field, code) in [(e["field"], e["code"]) for e in response.json()["errors"]]
    assert WorkOrder.objects.count() == 0


def test_an_action_with_an_unknown_field_is_refused(client, api):
    _row, auth = api
    number = post(client, auth, GOOD).json()["number"]
    response = post(client, auth, {"zzz": 5}, url=f"{URL}/{number}/actions/press")
    assert response.status_code == 400 and response.json()["errors"][0]["code"] == "unknown_field"
    assert not WorkOrder.objects.get(number=number).pressed


# -- item 13: database down → JSON 503


def test_database_outage_is_a_json_503(client, api, monkeypatch):
    _row, auth = api

    def down(*args, **kwargs):
        raise OperationalError("connection to server failed")

    # The request's first query (the lookup fingerprint, which also holds the token hashes).
    monkeypatch.setattr(lookups, "read_fingerprint", down)
    response = client.get(URL, {"changed_since": "2026-01-01T00:00:00+08:00"}, **auth)
    assert response.status_code == 503
    assert response["Retry-After"]
    assert response.json()["errors"][0]["code"] == "unavailable"


# -- intake cost: a fixed number of queries, the register not read per intake


def test_intake_runs_a_fixed_number_of_queries(client, api, django_assert_num_queries, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _row, auth = api
    settings.WENNUAN_CITIZEN_NOTICES = True  # the acceptance SMS, as in production
    post(client, auth, GOOD, HTTP_IDEMPOTENCY_KEY="warm-up")  # builds the reader's index
    bare = {"text": "金盾小区5号楼2单元301暖气不热，屋里15度", "phone": "13853012345"}
    # the lookup fingerprint (API tokens, register, city, policies, seasons, templates: one
    # query), counter, order (written once, already dispatched), events "create" and
    # "dispatch" (one INSERT), opt-out, SMS outbox, event "notify", key (its unique constraint
    # is the replay check: no look-up first); the view's transaction (here a savepoint and
    # its release) and the order insert's savepoint and release.
    with django_assert_num_queries(12):
        response = post(client, auth, bare, HTTP_IDEMPOTENCY_KEY="second")
    assert response.status_code == 201 and response.json()["community"] == "金盾小区"
    with CaptureQueriesContext(connection) as queries:
        post(client, auth, {**bare, "phone": "13853012346"}, HTTP_IDEMPOTENCY_KEY="third")
    assert len(queries) == 12
    # The register is not read row by row on each intake.
    register_reads = [q["sql"] for q in queries if 'FROM "registry_community"' in q["sql"]]
    assert all("WHERE" in sql or "COUNT(" in sql for sql in register_reads), register_reads


def test_a_register_change_reaches_the_reader(client, api):
    from wennuan.registry.models import Community

    _row, auth = api
    bare = {"text": "学府新城3号楼暖气不热", "phone": "13853012345"}
    assert post(client, auth, bare).json()["community"] is None
    community = Community.objects.get(name="学府名苑")
    community.aliases = ["学府新城"]
    community.save()
    body = post(client, auth, {**bare, "phone": "13853012346"}).json()
    assert body["community"] == "学府名苑"

"""The intake API of design §8: token, idempotency, field errors in Chinese, own orders only."""

import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from wennuan.api.auth import client_for_token
from wennuan.api.models import ApiClient
from wennuan.workorders import actions
from wennuan.workorders.models import Event, WorkOrder

URL = "/api/v1/workorders"


@pytest.fixture
def token(season, personas):
    _client, token = ApiClient.issue("12345平台")
    return token


def post(client, url, payload, token, **headers):
    return client.post(
        url,
        data=json.dumps(payload, ensure_ascii=False),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {token}",
        **headers,
    )


GOOD = {
    "text": "剑桥学府3号楼2单元501暖气不热，屋里16度",
    "phone": "138-5301-1111",
    "channel": "12345",
    "caller_name": "王小明",
    "community": "剑桥学府",
    "building": "3",
    "unit": "2",
    "room": "501",
    "category": "not_warm",
}


def test_create_routes_and_returns_deadlines(client, token, small_city):
    response = post(client, URL, GOOD, token)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"].startswith("GN") and len(body["number"]) == 15
    assert body["state"] == "dispatched"
    assert body["category"] == "not_warm"
    assert body["community"] == "剑桥学府"
    assert body["company"] == "北城热力有限公司"
    assert set(body["deadlines"]) == {"sign", "onsite", "resolve"}
    order = WorkOrder.objects.get(number=body["number"])
    assert order.phone == "13853011111"
    assert order.stated_temp_c == 16


def test_same_idempotency_key_returns_the_same_order(client, token):
    first = post(client, URL, GOOD, token, HTTP_IDEMPOTENCY_KEY="push-1")
    again = post(client, URL, GOOD, token, HTTP_IDEMPOTENCY_KEY="push-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["number"] == again.json()["number"]
    assert WorkOrder.objects.count() == 1
    other = post(client, URL, GOOD, token, HTTP_IDEMPOTENCY_KEY="push-2")
    assert other.status_code == 201 and WorkOrder.objects.count() == 2


def test_alias_and_text_prefill(client, token):
    response = post(client, URL, {**GOOD, "community": "剑桥", "category": None}, token)
    assert response.json()["community"] == "剑桥学府"
    assert response.json()["category"] == "not_warm"
    bare = {"text": "金盾小区5号楼暖气漏水了", "phone": "13853011112", "channel": "12345"}
    body = post(client, URL, bare, token).json()
    assert body["community"] == "金盾小区"
    assert body["category"] == "leak"


@pytest.mark.parametrize(
    "change, field, code, words",
    [
        ({"community": "火星小区"}, "community", "unknown", "没有找到小区"),
        ({"phone": "12345678"}, "phone", "invalid_phone", "联系电话格式不正确"),
        ({"phone": ""}, "phone", "required", "请填写联系电话"),
        ({"text": ""}, "text", "required", "请填写诉求内容"),
        ({"channel": "fax"}, "channel", "invalid_choice", "未知的来源渠道"),
        ({"category": "weather"}, "category", "invalid_choice", "未知的工单类别"),
        ({"stated_temp_c": 45}, "stated_temp_c", "out_of_range", "-10 到 40"),
        ({"stated_temp_c": -11}, "stated_temp_c", "out_of_range", "-10 到 40"),
    ],
)
def test_bad_input_gives_chinese_field_errors_and_creates_nothing(
    client, token, change, field, code, words
):
    response = post(client, URL, {**GOOD, **change}, token)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert {"field": field, "code": code} == {k: errors[0][k] for k in ("field", "code")}
    assert words in errors[0]["message"]
    assert WorkOrder.objects.count() == 0 and Event.objects.count() == 0


def test_not_json_is_a_field_error(client, token):
    response = client.post(
        URL, data="not json", content_type="application/json", HTTP_AUTHORIZATION=f"Token {token}"
    )
    assert response.status_code == 400 and response.json()["errors"][0]["code"] == "invalid_json"


def test_authentication_is_required(client, personas, token):
    assert client.post(URL, GOOD, content_type="application/json").status_code == 401
    assert post(client, URL, GOOD, "wrong-token").status_code == 401
    client.force_login(personas["supervisor"])  # a staff session is not an API token
    assert client.get(f"{URL}?changed_since=2020-01-01T00:00:00").status_code == 401
    assert post(client, URL, GOOD, token).status_code == 201
    # Revoked without a signal (a bulk update): the token is cached per process, and still
    # stops working at once.
    ApiClient.objects.update(is_active=False)
    assert post(client, URL, GOOD, token).status_code == 401


def test_a_new_or_reactivated_client_is_seen_at_the_next_request(client, token):
    assert post(client, URL, GOOD, token).status_code == 201
    ApiClient.objects.update(is_active=False)
    assert post(client, URL, GOOD, token).status_code == 401
    ApiClient.objects.update(is_active=True)
    assert post(client, URL, GOOD, token).status_code == 201
    _new, new_token = ApiClient.issue("新平台")
    assert post(client, URL, GOOD, new_token).status_code == 201


def test_read_act_and_list_changed(client, token, personas):
    number = post(client, URL, GOOD, token).json()["number"]
    auth = {"HTTP_AUTHORIZATION": f"Token {token}"}
    assert client.get(f"{URL}/{number}", **auth).json()["state"] == "dispatched"
    # A client acting on a stale view (it saw the order closed) is told so, nothing changes;
    # press itself is allowed in any open state, so only the client's expectation can refuse it.
    stale = {"reason": "市民再次来电", "expected_state": "closed"}
    response = post(client, f"{URL}/{number}/actions/press", stale, token)
    assert response.status_code == 409 and response.json()["errors"][0]["code"] == "conflict"
    assert not WorkOrder.objects.get(number=number).pressed
    response = post(client, f"{URL}/{number}/actions/press", {"reason": "市民再次来电"}, token)
    assert response.status_code == 200 and response.json()["flags"]["pressed"]
    # Callback before the reply: not allowed in this state, clear message, nothing changes.
    response = post(
        client, f"{URL}/{number}/actions/callback", {"satisfaction": "satisfied"}, token
    )
    assert response.status_code == 409
    assert "不能回访" in response.json()["errors"][0]["message"]
    response = post(client, f"{URL}/{number}/actions/accept", {}, token)
    assert response.status_code == 400  # a company's action, not the hotline's
    order = WorkOrder.objects.get(number=number)
    order = actions.do_accept(order, personas["dispatcher"])
    actions.do_assign(order, personas["dispatcher"], personas["technician"])
    order.refresh_from_db()
    actions.do_record_visit(
        order,
        personas["technician"],
        readings=[("客厅", "living", 21)],
        closed_30_min=True,
        centre_height_ok=True,
        read_after_10_min=True,
    )
    actions.do_reply(order, personas["dispatcher"], "已达标")
    since = (timezone.now() - timedelta(minutes=1)).isoformat()
    listed = client.get(URL, {"changed_since": since}, **auth).json()
    assert [o["number"] for o in listed["results"]] == [number]
    assert listed["results"][0]["reply"] == "已达标"
    response = post(
        client, f"{URL}/{number}/actions/callback", {"satisfaction": "satisfied"}, token
    )
    assert response.json()["state"] == "callback_done"
    assert post(client, f"{URL}/{number}/actions/close", {}, token).json()["state"] == "closed"
    later = (timezone.now() + timedelta(minutes=1)).isoformat()
    assert client.get(URL, {"changed_since": later}, **auth).json()["count"] == 0
    assert client.get(URL, {"changed_since": "yesterday"}, **auth).status_code == 400


def test_a_client_never_sees_another_clients_or_the_hotlines_orders(client, token, make_order):
    _other, other_token = ApiClient.issue("其他系统")
    number = post(client, URL, GOOD, token).json()["number"]
    hotline_order = make_order()
    for secret in (number, hotline_order.number):
        assert (
            client.get(f"{URL}/{secret}", HTTP_AUTHORIZATION=f"Token {other_token}").status_code
            == 404
        )
        assert post(client, f"{URL}/{secret}/actions/press", {}, other_token).status_code == 404
    listed = client.get(
        URL, {"changed_since": "2000-01-01T00:00:00"}, HTTP_AUTHORIZATION=f"Token {other_token}"
    )
    assert listed.json()["count"] == 0


def test_create_api_client_prints_a_token_once(db, capsys):
    call_command("create_api_client", "测试平台")
    token = capsys.readouterr().out.strip()
    assert client_for_token(token).name == "测试平台"
    assert token not in str(ApiClient.objects.values_list("token_hash", flat=True)[0])


def test_openapi_schema(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/workorders" in schema["paths"]


def test_impossible_changed_since_and_nul_characters_are_field_errors(client, token):
    auth = {"HTTP_AUTHORIZATION": f"Token {token}"}
    # Well-shaped but impossible: parse_datetime raises instead of returning None.
    response = client.get(URL, {"changed_since": "2026-13-45T99:00"}, **auth)
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "changed_since"
    # A NUL in a JSON string (PostgreSQL cannot store it): refused, nothing created.
    response = post(client, URL, {**GOOD, "text": "暖气不热\u0000"}, token)
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "invalid_character"
    assert "控制字符" in response.json()["errors"][0]["message"]
    assert WorkOrder.objects.count() == 0 and Event.objects.count() == 0

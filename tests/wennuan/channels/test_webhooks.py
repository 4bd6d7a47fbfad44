"""Push-back to the 12345 platform: a test endpoint on 127.0.0.1 receives every event of a full
order life, signed, in order, after answering 500 twice; nothing is sent for a rolled-back
change; the bureau's resend queues a delivery again."""

import hashlib
import hmac
import json
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import transaction
from django.utils import timezone

from wennuan.api.models import ApiClient
from wennuan.channels.models import WebhookDeliveryLog, WebhookSubscription
from wennuan.channels.webhooks import resend
from wennuan.lib.models import OutboxMessage
from wennuan.lib.outbox import deliver_due
from wennuan.workorders import actions

SECRET = "shared-secret-with-12345"


class PlatformEndpoint:
    """The 12345 platform's receiver: checks the signature as the platform would (HMAC-SHA256
    of "timestamp.body"), records each event, answers 500 to the first ``failures`` calls."""

    def __init__(self, failures=0):
        self.calls = []
        self.failures = failures
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                timestamp = self.headers["X-Wennuan-Timestamp"]
                expected = hmac.new(
                    SECRET.encode(), timestamp.encode() + b"." + body, hashlib.sha256
                ).hexdigest()
                endpoint.calls.append(
                    {
                        "signature_ok": self.headers["X-Wennuan-Signature"] == f"sha256={expected}",
                        "fresh": abs(time.time() - int(timestamp)) < 300,
                        "event": self.headers["X-Wennuan-Event"],
                        "delivery": self.headers["X-Wennuan-Delivery"],
                        "body": json.loads(body),
                    }
                )
                status = 500 if len(endpoint.calls) <= endpoint.failures else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/wennuan"

    def accepted(self):
        return [call for index, call in enumerate(self.calls) if index >= self.failures]

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def platform():
    endpoint = PlatformEndpoint(failures=2)
    yield endpoint
    endpoint.stop()


@pytest.fixture
def subscribed(season, personas, platform):
    client, _token = ApiClient.issue("12345平台")
    WebhookSubscription.objects.create(client=client, url=platform.url, secret=SECRET)
    return client


def pushed_order(client, small_city):
    return actions.do_create_order(
        client,
        text="剑桥学府3号楼2单元501暖气不热",
        phone="13853011111",
        channel="12345",
        category="not_warm",
        community=small_city.communities["剑桥学府"],
        building="3",
        unit="2",
        room="501",
    )


def deliver_until_quiet(start, minutes=30):
    for minute in range(minutes):
        deliver_due(now=start + timedelta(minutes=minute))


def test_full_order_life_reaches_the_platform_signed_in_order_after_two_500s(
    subscribed, platform, personas, small_city
):
    from wennuan_workorder_test_fixtures import good_visit

    dispatcher, supervisor = personas["dispatcher"], personas["supervisor"]
    order = pushed_order(subscribed, small_city)
    order = actions.do_return(order, dispatcher, "不属于本公司供热范围")
    order = actions.do_refuse_return(order, supervisor, "属于本公司")
    order = actions.do_accept(order, dispatcher)
    good_visit(order, dispatcher)
    order.refresh_from_db()
    until = order.resolve_deadline + timedelta(days=2)
    order = actions.do_request_extension(order, dispatcher, until, "需更换楼内立管")
    order = actions.do_decide_extension(order, supervisor, True, "同意")
    order = actions.do_reply(order, dispatcher, "已排气，室温21.5度，达标")
    actions.do_callback(order, supervisor, "satisfied")
    order.refresh_from_db()
    actions.do_close(order, supervisor)

    deliver_until_quiet(timezone.now())

    events = [call["event"] for call in platform.accepted()]
    assert events == [
        "returned",
        "signed",
        "visited",
        "extension_requested",
        "extension_decided",
        "replied",
        "closed",
    ]
    assert len(platform.calls) == 9  # two 500s, then each event once
    assert platform.calls[0]["delivery"] == platform.calls[2]["delivery"]  # the same retried
    assert all(call["signature_ok"] and call["fresh"] for call in platform.calls)
    bodies = [call["body"] for call in platform.accepted()]
    assert [b["event"] for b in bodies] == events
    assert all(b["order"]["number"] == order.number for b in bodies)
    assert [b["sequence"] for b in bodies] == sorted(b["sequence"] for b in bodies)
    assert bodies[-1]["order"]["state"] == "closed"
    assert bodies[5]["order"]["reply"] == "已排气，室温21.5度，达标"
    log = WebhookDeliveryLog.objects.order_by("id")
    assert [m.status for m in log] == ["sent"] * 7
    assert log.first().attempt_log.count() == 3


def test_rolled_back_change_and_other_clients_orders_send_nothing(
    subscribed, platform, personas, small_city
):
    order = pushed_order(subscribed, small_city)
    with pytest.raises(RuntimeError), transaction.atomic():
        actions.do_accept(order, personas["dispatcher"])
        raise RuntimeError("the request failed after the accept")
    other = actions.do_create_order(
        personas["bureau_operator"],
        text="金盾小区暖气不热",
        phone="13853012222",
        channel="12319",
        category="not_warm",
        community=small_city.communities["金盾小区"],
    )
    actions.do_accept(other, personas["dispatcher"])
    assert not OutboxMessage.objects.filter(channel="webhook").exists()


def test_subscription_events_filter_and_resend(subscribed, platform, personas, small_city):
    platform.failures = 0
    WebhookSubscription.objects.update(events=["closed", "signed"])
    order = pushed_order(subscribed, small_city)
    actions.do_return(order, personas["dispatcher"], "不归我司")
    order = actions.do_refuse_return(order, personas["supervisor"], "归你司")
    actions.do_accept(order, personas["dispatcher"])
    deliver_until_quiet(timezone.now(), minutes=2)
    assert [call["event"] for call in platform.calls] == ["signed"]
    assert resend(WebhookDeliveryLog.objects.all()) == 1
    deliver_until_quiet(timezone.now(), minutes=2)
    assert [call["event"] for call in platform.calls] == ["signed", "signed"]
    assert platform.calls[0]["delivery"] == platform.calls[1]["delivery"]


def test_openapi_describes_the_push_back_and_intake_keeps_the_12345_number(
    client, season, personas
):
    _client, token = ApiClient.issue("12345平台")
    schema = client.get("/api/v1/openapi.json").json()
    hook = schema["x-webhooks"]["orderEvent"]["post"]
    assert "X-Wennuan-Signature" in [p["name"] for p in hook["parameters"]]
    assert (
        "closed"
        in hook["requestBody"]["content"]["application/json"]["schema"]["properties"]["event"][
            "enum"
        ]
    )
    assert "external_id" in schema["components"]["schemas"]["Intake"]["properties"]
    payload = {
        "text": "剑桥学府暖气不热",
        "phone": "13853011111",
        "external_id": "HZ12345-20261203-0042",
    }
    response = client.post(
        "/api/v1/workorders",
        data=json.dumps(payload, ensure_ascii=False),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {token}",
    )
    assert response.status_code == 201, response.content
    assert response.json()["external_id"] == "HZ12345-20261203-0042"
    too_long = {**payload, "external_id": "x" * 61}
    refused = client.post(
        "/api/v1/workorders",
        data=json.dumps(too_long),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {token}",
    )
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["field"] == "external_id"


def test_bureau_finds_an_order_by_its_12345_number_and_resends_from_the_admin(
    client, subscribed, platform, personas, small_city, django_user_model
):
    order = pushed_order(subscribed, small_city)
    order.external_id = "HZ12345-0042"
    order.save(update_fields=["external_id"])
    actions.do_accept(order, personas["dispatcher"])
    admin_user = django_user_model.objects.create_superuser("root", password="pw-root-2026")
    client.force_login(admin_user)
    found = client.get("/admin/workorders/workorder/", {"q": "HZ12345-0042"})
    assert order.number in found.content.decode()
    log_page = client.get("/admin/channels/webhookdeliverylog/")
    assert log_page.status_code == 200 and "signed" in log_page.content.decode()
    message = WebhookDeliveryLog.objects.get()
    OutboxMessage.objects.filter(pk=message.pk).update(status="failed", attempts=8)
    response = client.post(
        "/admin/channels/webhookdeliverylog/",
        {"action": "resend_selected", "_selected_action": [message.pk]},
    )
    assert response.status_code == 302
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("pending", 0)

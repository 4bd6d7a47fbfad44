"""The citizen hears back: SMS (or WeChat) on acceptance, visit, reply and extension, each once
(even across a worker killed mid-send), in the order's history, with the bureau's templates,
quiet hours and opt-out; a simulated WeChat server creates an order through the callback and
receives its status messages."""

import json
import threading
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.utils import timezone

from wennuan.channels import wechat_send
from wennuan.channels.citizen import send_at
from wennuan.channels.models import CitizenNoticeTemplate, CitizenOptOut
from wennuan.lib import outbox
from wennuan.lib.models import OutboxMessage
from wennuan.workorders import actions, notify
from wennuan.workorders.models import Event, WorkOrder

from .test_wechat import OPENID, SimulatedWeChat  # noqa: TID252


class Gateway:
    def __init__(self):
        self.sent = []

    def send(self, phone, text):
        self.sent.append((phone, text))


@pytest.fixture
def notices_on(settings):
    settings.WENNUAN_CITIZEN_NOTICES = True
    settings.WENNUAN_NOTIFY_QUIET_HOURS = ""
    settings.WENNUAN_PUBLIC_URL = "https://heat.example.gov.cn"
    return settings


@pytest.fixture
def gateway(monkeypatch, notices_on):
    gateway = Gateway()
    monkeypatch.setattr(notify, "sms_backend", lambda: gateway)
    return gateway


def citizen_order(personas, small_city, phone="13853011111"):
    return actions.do_create_order(
        personas["bureau_operator"],
        text="剑桥学府3号楼2单元501暖气不热",
        phone=phone,
        channel="12319",
        category="not_warm",
        community=small_city.communities["剑桥学府"],
        building="3",
        unit="2",
        room="501",
    )


def life_until_reply(order, personas):
    dispatcher, supervisor = personas["dispatcher"], personas["supervisor"]
    order = actions.do_accept(order, dispatcher)
    order = actions.do_assign(order, dispatcher, personas["technician"])
    until = order.resolve_deadline + timedelta(days=1)
    order = actions.do_request_extension(order, dispatcher, until, "需更换立管")
    order = actions.do_decide_extension(order, supervisor, True, "同意")
    from wennuan_workorder_test_fixtures import good_visit

    good_visit(order, personas["technician"])
    order.refresh_from_db()
    return actions.do_reply(order, dispatcher, "已排气，室温达标")


def test_each_notice_is_sent_once_and_recorded_in_the_history(
    gateway, season, personas, small_city
):
    order = life_until_reply(citizen_order(personas, small_city), personas)
    assert gateway.sent == []  # nothing leaves inside the requests
    outbox.deliver_due()
    outbox.deliver_due()
    texts = [text for _phone, text in gateway.sent]
    assert {phone for phone, _t in gateway.sent} == {"13853011111"}
    assert len(texts) == 4
    assert texts[0].startswith(f"您反映的供热问题已受理，工单号{order.number}")
    assert "https://heat.example.gov.cn/lookup/" in texts[0]
    assert "北城热力已安排维修人员上门" in texts[1]
    assert "办理时限已延长至" in texts[2]
    assert "已排气，室温达标" in texts[3] and "是否满意" in texts[3]
    notes = Event.objects.filter(order=order, action="notify").order_by("id")
    assert [e.reason for e in notes] == texts
    assert [e.data["kind"] for e in notes] == ["accepted", "visit_arranged", "extended", "replied"]


def test_a_worker_killed_mid_send_does_not_send_twice(gateway, season, personas, small_city):
    citizen_order(personas, small_city)
    message = OutboxMessage.objects.get(channel="sms")
    now = timezone.now()
    assert outbox.claim(message.pk, "worker-killed", now)  # claimed, then the process died
    assert outbox.deliver_due(now + timedelta(minutes=1), worker="restarted") == (0, 0)
    later = now + outbox.LEASE + timedelta(seconds=1)
    assert outbox.deliver_due(later, worker="restarted") == (1, 0)
    assert outbox.deliver_due(later + timedelta(minutes=10), worker="restarted") == (0, 0)
    assert len(gateway.sent) == 1


def test_quiet_hours_hold_notices_until_morning(gateway, notices_on, season, personas, small_city):
    notices_on.WENNUAN_NOTIFY_QUIET_HOURS = "21:00-08:00"
    late = timezone.make_aware(datetime(2026, 12, 3, 23, 10))
    assert send_at(late) == timezone.make_aware(datetime(2026, 12, 4, 8, 0))
    early = timezone.make_aware(datetime(2026, 12, 4, 6, 0))
    assert send_at(early) == timezone.make_aware(datetime(2026, 12, 4, 8, 0))
    noon = timezone.make_aware(datetime(2026, 12, 4, 12, 0))
    assert send_at(noon) == noon
    with time_machine.travel(late, tick=False):
        citizen_order(personas, small_city)
    outbox.deliver_due(now=late + timedelta(minutes=30))
    assert gateway.sent == []
    outbox.deliver_due(now=timezone.make_aware(datetime(2026, 12, 4, 8, 1)))
    assert len(gateway.sent) == 1


def test_opt_out_and_bureau_templates(gateway, season, personas, small_city):
    CitizenOptOut.objects.create(contact="13853011111", source="phone")
    citizen_order(personas, small_city)
    assert not OutboxMessage.objects.exists()
    CitizenNoticeTemplate.objects.create(
        kind="accepted", text="【测试】诉求已受理：{number}，查询{lookup_url}"
    )
    order = citizen_order(personas, small_city, phone="13853012222")
    outbox.deliver_due()
    assert gateway.sent == [
        (
            "13853012222",
            f"【测试】诉求已受理：{order.number}，查询https://heat.example.gov.cn/lookup/",
        )
    ]
    CitizenNoticeTemplate.objects.filter(kind="accepted").update(is_active=False)
    citizen_order(personas, small_city, phone="13853013333")
    assert OutboxMessage.objects.count() == 1
    CitizenNoticeTemplate.objects.filter(kind="accepted").update(text="{oops}", is_active=True)
    citizen_order(personas, small_city, phone="13853014444")  # a broken template: the default
    assert OutboxMessage.objects.order_by("id").last().body.startswith("您反映的供热问题已受理")


def test_landlines_get_no_sms(gateway, season, personas, small_city):
    citizen_order(personas, small_city, phone="05305550123")
    assert not OutboxMessage.objects.exists()


class WeChatApi:
    """The Official Account API on 127.0.0.1: access token and message sending."""

    def __init__(self):
        self.token_requests = []
        self.messages = []
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _answer(self, payload):
                data = json.dumps(payload).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                url = urlsplit(self.path)
                query = parse_qs(url.query)
                if url.path == "/cgi-bin/token" and query["secret"] == ["app-secret"]:
                    api.token_requests.append(query["appid"][0])
                    return self._answer({"access_token": "ACCESS-1", "expires_in": 7200})
                return self._answer({"errcode": 40001, "errmsg": "invalid credential"})

            def do_POST(self):
                url = urlsplit(self.path)
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if parse_qs(url.query).get("access_token") != ["ACCESS-1"]:
                    return self._answer({"errcode": 40014, "errmsg": "invalid access_token"})
                api.messages.append((url.path, body))
                return self._answer({"errcode": 0, "errmsg": "ok"})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.base = f"http://127.0.0.1:{self.server.server_port}/cgi-bin/"

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def wechat_api(notices_on):
    from .test_wechat import AES_KEY, APPID, TOKEN  # noqa: TID252

    api = WeChatApi()
    notices_on.WENNUAN_WECHAT_TOKEN = TOKEN
    notices_on.WENNUAN_WECHAT_APPID = APPID
    notices_on.WENNUAN_WECHAT_AES_KEY = AES_KEY
    notices_on.WENNUAN_WECHAT_SECRET = "app-secret"
    notices_on.WENNUAN_WECHAT_API_BASE = api.base
    wechat_send._clients.clear()
    yield api
    api.stop()


def test_simulated_wechat_creates_an_order_and_receives_its_status_messages(
    client, wechat_api, notices_on, season, personas, small_city
):
    simulated = SimulatedWeChat(client, safe=True)
    reply = simulated.say("剑桥学府3号楼2单元501暖气不热")
    order = WorkOrder.objects.get()
    assert order.number in reply
    life_until_reply(order, personas)
    outbox.deliver_due()
    assert wechat_api.token_requests == ["wx0123456789abcdef"]  # one token, then cached
    paths = {path for path, _body in wechat_api.messages}
    assert paths == {"/cgi-bin/message/custom/send"}
    assert {body["touser"] for _p, body in wechat_api.messages} == {OPENID}
    texts = [body["text"]["content"] for _p, body in wechat_api.messages]
    assert len(texts) == 3  # visit, extension, reply (the acceptance was the callback's reply)
    assert "已安排维修人员上门" in texts[0] and "已排气，室温达标" in texts[2]
    assert not OutboxMessage.objects.filter(channel="sms").exists()

    notices_on.WENNUAN_WECHAT_TEMPLATE_ID = "TEMPLATE-1"
    assert "已退订" in simulated.say("退订")
    assert CitizenOptOut.objects.filter(contact=OPENID).exists()
    assert "已恢复" in simulated.say("订阅")
    actions.do_callback(WorkOrder.objects.get(), personas["supervisor"], "unsatisfied", "仍不热")
    order = actions.do_accept(WorkOrder.objects.get(), personas["dispatcher"])
    actions.do_assign(order, personas["dispatcher"], personas["technician"])
    outbox.deliver_due()
    path, body = wechat_api.messages[-1]
    assert path == "/cgi-bin/message/template/send" and body["template_id"] == "TEMPLATE-1"
    assert "已安排维修人员上门" in body["data"]["content"]["value"]


def test_changes_recorded_after_the_fact_notify_nobody(gateway, season, personas, small_city):
    last_week = timezone.now() - timedelta(days=7)
    actions.do_create_order(
        personas["bureau_operator"],
        text="剑桥学府暖气不热",
        phone="13853011111",
        channel="12319",
        category="not_warm",
        community=small_city.communities["剑桥学府"],
        now=last_week,
    )
    assert not OutboxMessage.objects.exists()

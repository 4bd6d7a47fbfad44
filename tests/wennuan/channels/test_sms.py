"""The Aliyun and Tencent SMS backends, through their official SDKs, against a local gateway on
127.0.0.1 that checks each request as the provider documents it: the signature (recomputed
here from the documents, not with the SDK), the action, version and parameters."""

import hashlib
import hmac
import json
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, quote, urlsplit

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils.timezone import now as django_now

from wennuan.channels.sms import CHINA, AliyunSmsBackend, SmsError, TencentSmsBackend
from wennuan.lib import outbox
from wennuan.lib.models import DeliveryAttempt
from wennuan.workorders.notify import sms_backend

ALIYUN_KEY_ID, ALIYUN_SECRET = "LTAI-test-key", "aliyun-test-secret"
TENCENT_ID, TENCENT_KEY = "AKID-test", "tencent-test-key"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def aliyun_signature(method, path, query, headers, body, signed_headers, secret) -> str:
    """ACS3-HMAC-SHA256 (Aliyun "V3 request signature" document): canonical request of method,
    URI, RFC 3986-encoded sorted query, signed headers (lower-case names, trimmed values),
    their list, and the payload's SHA-256; string to sign = algorithm + hash of it."""
    encode = lambda s: quote(s, safe="-_.~")  # noqa: E731
    canonical_query = "&".join(f"{encode(k)}={encode(v)}" for k, v in sorted(query))
    canonical_headers = "".join(f"{name}:{headers[name].strip()}\n" for name in signed_headers)
    canonical = "\n".join(
        [method, path, canonical_query, canonical_headers, ";".join(signed_headers), _sha256(body)]
    )
    to_sign = "ACS3-HMAC-SHA256\n" + _sha256(canonical.encode())
    return hmac.new(secret.encode(), to_sign.encode(), hashlib.sha256).hexdigest()


def tencent_signature(headers, body, signed_headers, timestamp, service, secret) -> str:
    """TC3-HMAC-SHA256 (Tencent Cloud API 3.0 "签名方法 v3"): canonical request POST / "" with
    the signed headers (lower-case names and values), derived key TC3+key → date → service →
    tc3_request."""
    canonical_headers = "".join(
        f"{name}:{headers[name].strip().lower()}\n" for name in signed_headers
    )
    canonical = "\n".join(
        ["POST", "/", "", canonical_headers, ";".join(signed_headers), _sha256(body)]
    )
    date = datetime.fromtimestamp(int(timestamp), tz=UTC).strftime("%Y-%m-%d")
    scope = f"{date}/{service}/tc3_request"
    to_sign = f"TC3-HMAC-SHA256\n{timestamp}\n{scope}\n{_sha256(canonical.encode())}"
    key = _hmac(_hmac(_hmac(("TC3" + secret).encode(), date), service), "tc3_request")
    return hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()


class Gateway:
    """A provider's SMS endpoint on 127.0.0.1: checks, records, answers like the provider;
    keeps the messages it accepted (phone, client id, when) and answers the provider's query
    for them (Aliyun QuerySendDetails, Tencent PullSmsSendStatusByPhoneNumber)."""

    def __init__(self, provider):
        self.provider = provider
        self.received = []
        self.accepted: list[dict] = []  # {"phone", "client_id", "at"} — at: aware datetime
        self.answer_code = None  # an error code to answer with instead of success
        self.query_code = None  # likewise for the query
        self.clock = lambda: datetime.now(UTC)  # when it accepts a message
        self.answer_delay_s = 0.0  # a slow gateway: seconds before it answers
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                time.sleep(gateway.answer_delay_s)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {k.lower(): v for k, v in self.headers.items()}
                check = gateway.check_aliyun if provider == "aliyun" else gateway.check_tencent
                status, answer = check(self.path, headers, body)
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}"

    def check_aliyun(self, path, headers, body):
        url = urlsplit(path)
        query = parse_qsl(url.query, keep_blank_values=True)
        algorithm, _sp, rest = headers["authorization"].partition(" ")
        fields = dict(part.split("=", 1) for part in rest.split(","))
        signed = fields["SignedHeaders"].split(";")
        expected = aliyun_signature(
            "POST", url.path or "/", query, headers, body, signed, ALIYUN_SECRET
        )
        problems = []
        if algorithm != "ACS3-HMAC-SHA256" or fields["Credential"] != ALIYUN_KEY_ID:
            problems.append("credential")
        if fields["Signature"] != expected:
            problems.append("signature")
        if headers.get("x-acs-content-sha256") != _sha256(body):
            problems.append("payload hash")
        if not {"host", "x-acs-action", "x-acs-date", "x-acs-signature-nonce"} <= set(signed):
            problems.append("signed headers")
        action = headers["x-acs-action"]
        if action not in ("SendSms", "QuerySendDetails") or headers["x-acs-version"] != (
            "2017-05-25"
        ):
            problems.append("action")
        params = dict(query)
        self.received.append({"action": action, "params": params, "problems": problems})
        if problems:
            return 400, {"Code": "SignatureDoesNotMatch", "Message": ", ".join(problems)}
        if action == "QuerySendDetails":
            return self.aliyun_query(params)
        if self.answer_code:
            return 200, {"Code": self.answer_code, "Message": "refused", "RequestId": "r1"}
        self.accept(params["PhoneNumbers"], params.get("OutId"))
        return 200, {
            "Code": "OK",
            "Message": "OK",
            "BizId": "900619746936498440^0",
            "RequestId": "r1",
        }

    def accept(self, phone, client_id):
        self.accepted.append({"phone": phone, "client_id": client_id, "at": self.clock()})

    def aliyun_query(self, params):
        """QuerySendDetails: one phone, one China-local SendDate, PageSize ≤ 50, CurrentPage."""
        if self.query_code:
            return 200, {"Code": self.query_code, "Message": "refused", "RequestId": "r3"}
        size, page = int(params["PageSize"]), int(params.get("CurrentPage", 1))
        assert 1 <= size <= 50 and len(params["SendDate"]) == 8
        found = [
            sent
            for sent in self.accepted
            if sent["phone"] == params["PhoneNumber"]
            and sent["at"].astimezone(CHINA).strftime("%Y%m%d") == params["SendDate"]
        ]
        details = [
            {
                "PhoneNum": sent["phone"],
                "SendStatus": 3,
                "ErrCode": "DELIVERED",
                "TemplateCode": "SMS_154950909",
                "Content": "【菏泽供热】…",
                "SendDate": sent["at"].astimezone(CHINA).strftime("%Y-%m-%d %H:%M:%S"),
                "ReceiveDate": sent["at"].astimezone(CHINA).strftime("%Y-%m-%d %H:%M:%S"),
                **({"OutId": sent["client_id"]} if sent["client_id"] else {}),
            }
            for sent in found[(page - 1) * size : page * size]
        ]
        return 200, {
            "Code": "OK",
            "Message": "OK",
            "RequestId": "r3",
            "TotalCount": len(found),
            "SmsSendDetailDTOs": {"SmsSendDetailDTO": details},
        }

    def check_tencent(self, path, headers, body):
        algorithm, _sp, rest = headers["authorization"].partition(" ")
        fields = dict(part.strip().split("=", 1) for part in rest.split(","))
        key_id, date, service, terminator = fields["Credential"].split("/")
        signed = fields["SignedHeaders"].split(";")
        timestamp = headers["x-tc-timestamp"]
        expected = tencent_signature(headers, body, signed, timestamp, service, TENCENT_KEY)
        problems = []
        if algorithm != "TC3-HMAC-SHA256" or key_id != TENCENT_ID or terminator != "tc3_request":
            problems.append("credential")
        if service != "sms" or fields["Signature"] != expected:
            problems.append("signature")
        if not {"content-type", "host"} <= set(signed):
            problems.append("signed headers")
        action = headers["x-tc-action"]
        if action not in ("SendSms", "PullSmsSendStatusByPhoneNumber") or headers[
            "x-tc-version"
        ] != ("2021-01-11"):
            problems.append("action")
        params = json.loads(body)
        self.received.append({"action": action, "params": params, "problems": problems})
        if problems:
            error = {"Code": "AuthFailure.SignatureFailure", "Message": ", ".join(problems)}
            return 200, {"Response": {"Error": error, "RequestId": "r2"}}
        if action == "PullSmsSendStatusByPhoneNumber":
            return self.tencent_pull(params)
        code = self.answer_code or "Ok"
        if code == "Ok":
            self.accept(params["PhoneNumberSet"][0], params.get("SessionContext"))
        status = {
            "SerialNo": "2433:3291",
            "PhoneNumber": params["PhoneNumberSet"][0],
            "Fee": 1,
            "SessionContext": "",
            "Code": code,
            "Message": "send success",
            "IsoCode": "CN",
        }
        return 200, {"Response": {"SendStatusSet": [status], "RequestId": "r2"}}

    def tencent_pull(self, params):
        """PullSmsSendStatusByPhoneNumber: the status reports of one phone between BeginTime and
        EndTime, at most Limit (≤ 100) of them, Offset fixed at 0."""
        if self.query_code:
            error = {"Code": self.query_code, "Message": "refused"}
            return 200, {"Response": {"Error": error, "RequestId": "r4"}}
        assert params["Offset"] == 0 and 1 <= params["Limit"] <= 100
        reports = [
            {
                "UserReceiveTime": int(sent["at"].timestamp()),
                "CountryCode": "86",
                "SubscriberNumber": sent["phone"][3:],
                "PhoneNumber": sent["phone"],
                "SerialNo": "2433:3291",
                "ReportStatus": "SUCCESS",
                "Description": "DELIVRD",
                "SessionContext": sent["client_id"] or "",
            }
            for sent in self.accepted
            if sent["phone"] == params["PhoneNumber"]
            and params["BeginTime"] <= sent["at"].timestamp() <= params["EndTime"]
        ]
        return 200, {
            "Response": {"PullSmsSendStatusSet": reports[: params["Limit"]], "RequestId": "r4"}
        }

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def aliyun(settings):
    gateway = Gateway("aliyun")
    settings.WENNUAN_SMS_BACKEND = "wennuan.channels.sms.AliyunSmsBackend"
    settings.WENNUAN_SMS_ALIYUN_ACCESS_KEY_ID = ALIYUN_KEY_ID
    settings.WENNUAN_SMS_ALIYUN_ACCESS_KEY_SECRET = ALIYUN_SECRET
    settings.WENNUAN_SMS_ALIYUN_ENDPOINT = gateway.url
    settings.WENNUAN_SMS_SIGN_NAME = "菏泽供热"
    settings.WENNUAN_SMS_TEMPLATES = {"default": "SMS_154950909", "accepted": "SMS_100000001"}
    yield gateway
    gateway.stop()


@pytest.fixture
def tencent(settings):
    gateway = Gateway("tencent")
    settings.WENNUAN_SMS_BACKEND = "wennuan.channels.sms.TencentSmsBackend"
    settings.WENNUAN_SMS_TENCENT_SECRET_ID = TENCENT_ID
    settings.WENNUAN_SMS_TENCENT_SECRET_KEY = TENCENT_KEY
    settings.WENNUAN_SMS_TENCENT_SDK_APP_ID = "1400006666"
    settings.WENNUAN_SMS_TENCENT_ENDPOINT = gateway.url
    settings.WENNUAN_SMS_SIGN_NAME = "菏泽供热"
    settings.WENNUAN_SMS_TEMPLATES = '{"default": "449739", "accepted": "449740"}'
    yield gateway
    gateway.stop()


def test_aliyun_request_is_signed_and_carries_template_and_signature(aliyun):
    backend = sms_backend()  # the setting picks the backend
    assert isinstance(backend, AliyunSmsBackend)
    receipt = backend.send("13853011111", "工单GN2026120300001已受理")
    [request] = aliyun.received
    assert request["problems"] == []
    assert request["params"] == {
        "PhoneNumbers": "13853011111",
        "SignName": "菏泽供热",
        "TemplateCode": "SMS_154950909",
        "TemplateParam": '{"content": "工单GN2026120300001已受理"}',
    }
    assert receipt.message_id == "900619746936498440^0"
    backend.send("13853011111", template="accepted", params={"number": "GN1"})
    assert aliyun.received[1]["params"]["TemplateCode"] == "SMS_100000001"


def test_aliyun_wrong_secret_and_refusals_are_errors(aliyun, settings):
    settings.WENNUAN_SMS_ALIYUN_ACCESS_KEY_SECRET = "not-the-secret"
    with pytest.raises(SmsError) as refused:
        AliyunSmsBackend().send("13853011111", "x")
    assert aliyun.received[0]["problems"] == ["signature"] and not refused.value.retryable
    settings.WENNUAN_SMS_ALIYUN_ACCESS_KEY_SECRET = ALIYUN_SECRET
    aliyun.answer_code = "isv.BUSINESS_LIMIT_CONTROL"  # throttled: try later
    with pytest.raises(SmsError) as throttled:
        AliyunSmsBackend().send("13853011111", "x")
    assert throttled.value.code == "isv.BUSINESS_LIMIT_CONTROL" and throttled.value.retryable
    aliyun.answer_code = "isv.MOBILE_NUMBER_ILLEGAL"
    with pytest.raises(SmsError) as wrong_number:
        AliyunSmsBackend().send("1385301", "x")
    assert not wrong_number.value.retryable


def test_tencent_request_is_signed_and_carries_template_and_signature(tencent):
    backend = sms_backend()
    assert isinstance(backend, TencentSmsBackend)
    receipt = backend.send("13853011111", "工单GN2026120300001已受理")
    [request] = tencent.received
    assert request["problems"] == []
    assert request["params"] == {
        "PhoneNumberSet": ["+8613853011111"],
        "SmsSdkAppId": "1400006666",
        "SignName": "菏泽供热",
        "TemplateId": "449739",
        "TemplateParamSet": ["工单GN2026120300001已受理"],
    }
    assert receipt.message_id == "2433:3291"


def test_tencent_wrong_key_and_refusals_are_errors(tencent, settings):
    settings.WENNUAN_SMS_TENCENT_SECRET_KEY = "not-the-key"
    with pytest.raises(SmsError) as refused:
        TencentSmsBackend().send("13853011111", "x")
    assert refused.value.code == "AuthFailure.SignatureFailure" and not refused.value.retryable
    settings.WENNUAN_SMS_TENCENT_SECRET_KEY = TENCENT_KEY
    tencent.answer_code = "LimitExceeded.PhoneNumberDailyLimit"
    with pytest.raises(SmsError) as limited:
        TencentSmsBackend().send("13853011111", "x")
    assert limited.value.retryable


@pytest.mark.parametrize("provider", ["aliyun", "tencent"])
def test_a_gateway_slower_than_the_timeout_setting_is_a_retryable_failure(
    provider, request, settings
):
    """WENNUAN_SMS_TIMEOUT_S bounds each call; a slow gateway is a failed attempt that the
    outbox retries (after asking the gateway), never a worker waiting past its lease."""
    gateway = request.getfixturevalue(provider)
    backend_class = AliyunSmsBackend if provider == "aliyun" else TencentSmsBackend
    settings.WENNUAN_SMS_TIMEOUT_S = 1
    gateway.answer_delay_s = 3
    with pytest.raises(SmsError) as raised:
        backend_class().send("13853011111", "工单已受理")
    assert raised.value.retryable
    gateway.answer_delay_s = 0
    assert backend_class().send("13853011111", "工单已受理").provider == provider


def test_missing_settings_say_which(settings):
    settings.WENNUAN_SMS_ALIYUN_ACCESS_KEY_ID = ""
    with pytest.raises(ImproperlyConfigured, match="WENNUAN_SMS_ALIYUN_ACCESS_KEY_ID"):
        AliyunSmsBackend()


# -- exactly once: the client message id goes with the message and can be asked for


def _window():
    now = datetime.now(UTC)
    return now - timedelta(minutes=5), now + timedelta(seconds=1)


def test_aliyun_sends_the_client_id_as_out_id_and_finds_it_again(aliyun):
    backend = AliyunSmsBackend()
    backend.send("13853011111", "工单已受理", client_id="wennuan-7-1796313600")
    assert aliyun.received[0]["params"]["OutId"] == "wennuan-7-1796313600"
    since, until = _window()
    assert backend.was_sent("13853011111", "wennuan-7-1796313600", since, until) is True
    query = aliyun.received[1]
    assert query["action"] == "QuerySendDetails" and query["problems"] == []
    assert query["params"]["PhoneNumber"] == "13853011111"
    assert query["params"]["SendDate"] == until.astimezone(CHINA).strftime("%Y%m%d")
    assert backend.was_sent("13853011111", "wennuan-8-1796313600", since, until) is False
    assert backend.was_sent("13853012222", "wennuan-7-1796313600", since, until) is False


def test_aliyun_pages_through_a_busy_number_and_asks_each_china_day(aliyun):
    backend = AliyunSmsBackend()
    after_midnight = datetime(2026, 12, 3, 16, 2, tzinfo=UTC)  # 00:02 on 4 December in Beijing
    aliyun.clock = lambda: after_midnight
    for index in range(120):  # a number with many messages that day: the id is on page 3
        backend.send("13853011111", "x", client_id=f"other-{index}")
    backend.send("13853011111", "工单已受理", client_id="wennuan-9-1")
    asked_from = len(aliyun.received)
    since = after_midnight - timedelta(minutes=1)
    assert backend.was_sent("13853011111", "wennuan-9-1", since, after_midnight) is True
    asked = [r["params"] for r in aliyun.received[asked_from:]]
    assert [(a["SendDate"], a["CurrentPage"], a["PageSize"]) for a in asked] == [
        ("20261204", "1", "50"),
        ("20261204", "2", "50"),
        ("20261204", "3", "50"),
    ]
    # A window over Beijing midnight asks both days (SendDate is China's day).
    asked_from = len(aliyun.received)
    since = after_midnight - timedelta(minutes=5)  # 23:57 on 3 December
    assert backend.was_sent("13853011111", "other-0", since, after_midnight) is True
    dates = [r["params"]["SendDate"] for r in aliyun.received[asked_from:]]
    assert dates == ["20261203", "20261204"]


def test_aliyun_query_refused_is_an_error(aliyun):
    aliyun.query_code = "isv.BUSINESS_LIMIT_CONTROL"
    with pytest.raises(SmsError):
        AliyunSmsBackend().was_sent("13853011111", "wennuan-1-1", *_window())


def test_tencent_sends_the_client_id_as_session_context_and_finds_it_again(tencent):
    backend = TencentSmsBackend()
    backend.send("13853011111", "工单已受理", client_id="wennuan-7-1796313600")
    assert tencent.received[0]["params"]["SessionContext"] == "wennuan-7-1796313600"
    since, until = _window()
    assert backend.was_sent("13853011111", "wennuan-7-1796313600", since, until) is True
    query = tencent.received[1]
    assert query["action"] == "PullSmsSendStatusByPhoneNumber" and query["problems"] == []
    assert query["params"] == {
        "BeginTime": int(since.timestamp()) - 60,
        "EndTime": int(until.timestamp()) + 60,
        "Offset": 0,
        "Limit": 100,
        "PhoneNumber": "+8613853011111",
        "SmsSdkAppId": "1400006666",
    }
    # Not among the reports is "cannot tell", never "no": a report comes only after delivery
    # (a phone that is off), so the outbox sends again — at least once with Tencent.
    assert backend.was_sent("13853011111", "wennuan-8-1796313600", since, until) is None
    # Reports from before the window (and its minute of clock skew) do not count.
    later = until + timedelta(minutes=2)
    assert backend.was_sent("13853011111", "wennuan-7-1796313600", later, later) is None


def test_tencent_cannot_tell_past_a_full_page_and_a_refused_query_is_an_error(tencent):
    backend = TencentSmsBackend()
    for index in range(100):
        backend.send("13853011111", "x", client_id=f"other-{index}")
    assert backend.was_sent("13853011111", "wennuan-1-1", *_window()) is None
    tencent.query_code = "RequestLimitExceeded"
    with pytest.raises(SmsError):
        backend.was_sent("13853011111", "wennuan-1-1", *_window())


@pytest.mark.parametrize("provider", ["aliyun", "tencent"])
def test_a_worker_killed_after_the_provider_accepted_sends_nothing_again(
    provider, request, monkeypatch, db
):
    """Through the outbox: the worker dies between the provider's answer and the mark; after
    the lease the next worker asks the provider (over HTTP) and sends nothing."""
    gateway = request.getfixturevalue(provider)
    backend_class = AliyunSmsBackend if provider == "aliyun" else TencentSmsBackend
    original_send = backend_class.send

    def send_then_die(self, *args, **kwargs):
        original_send(self, *args, **kwargs)
        raise SystemExit("kill -9")

    monkeypatch.setattr(backend_class, "send", send_then_die)
    message = outbox.enqueue("sms", "13853011111", "工单GN2026120300001已受理")
    now = django_now()
    with pytest.raises(SystemExit):
        outbox.deliver_due(now, worker="worker-a")
    monkeypatch.setattr(backend_class, "send", original_send)
    later = now + outbox.LEASE + timedelta(seconds=1)
    assert outbox.deliver_due(later, worker="worker-b") == (1, 0)
    assert [sent["client_id"] for sent in gateway.accepted] == [outbox.client_message_id(message)]
    [attempt] = DeliveryAttempt.objects.filter(message=message)
    assert attempt.note.startswith("reconciled")
    message.refresh_from_db()
    assert message.status == "sent"
    # A message the provider never got is sent, once.
    second = outbox.enqueue("sms", "13853012222", "工单GN2026120300002已受理", now=later)
    assert outbox.claim(second.pk, "worker-c", later)  # then killed before sending
    assert outbox.deliver_due(later + outbox.LEASE + timedelta(seconds=1)) == (1, 0)
    assert [sent["phone"][-11:] for sent in gateway.accepted] == ["13853011111", "13853012222"]

"""The Aliyun and Tencent SMS backends, through their official SDKs, against a local gateway on
127.0.0.1 that checks each request as the provider documents it: the signature (recomputed
here from the documents, not with the SDK), the action, version and parameters."""

import hashlib
import hmac
import json
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, quote, urlsplit

import pytest
from django.core.exceptions import ImproperlyConfigured

from wennuan.channels.sms import AliyunSmsBackend, SmsError, TencentSmsBackend
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
    """A provider's SMS endpoint on 127.0.0.1: checks, records, answers like the provider."""

    def __init__(self, provider):
        self.provider = provider
        self.received = []
        self.answer_code = None  # an error code to answer with instead of success
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
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
        if (headers["x-acs-action"], headers["x-acs-version"]) != ("SendSms", "2017-05-25"):
            problems.append("action")
        params = dict(query)
        self.received.append({"params": params, "problems": problems})
        if problems:
            return 400, {"Code": "SignatureDoesNotMatch", "Message": ", ".join(problems)}
        if self.answer_code:
            return 200, {"Code": self.answer_code, "Message": "refused", "RequestId": "r1"}
        return 200, {
            "Code": "OK",
            "Message": "OK",
            "BizId": "900619746936498440^0",
            "RequestId": "r1",
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
        if (headers["x-tc-action"], headers["x-tc-version"]) != ("SendSms", "2021-01-11"):
            problems.append("action")
        params = json.loads(body)
        self.received.append({"params": params, "problems": problems})
        if problems:
            error = {"Code": "AuthFailure.SignatureFailure", "Message": ", ".join(problems)}
            return 200, {"Response": {"Error": error, "RequestId": "r2"}}
        code = self.answer_code or "Ok"
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


def test_missing_settings_say_which(settings):
    settings.WENNUAN_SMS_ALIYUN_ACCESS_KEY_ID = ""
    with pytest.raises(ImproperlyConfigured, match="WENNUAN_SMS_ALIYUN_ACCESS_KEY_ID"):
        AliyunSmsBackend()

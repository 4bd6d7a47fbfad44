"""Real SMS gateways for ``WENNUAN_SMS_BACKEND``: Aliyun dysmsapi and Tencent Cloud SMS, each
through the provider's official SDK (which signs the request: ACS3-HMAC-SHA256 for Aliyun,
TC3-HMAC-SHA256 for Tencent).

Both providers send only approved templates under an approved signature (签名), so a message is
a template and its parameters, not free text. The backends keep the interface of
``wennuan.workorders.notify`` — ``send(phone, text)`` — by filling the template named
``default`` with the text; callers that know better pass ``template=`` and ``params=``.

Settings (all from the environment in production, see docs/integration.md):

    WENNUAN_SMS_BACKEND           wennuan.channels.sms.AliyunSmsBackend | …TencentSmsBackend
    WENNUAN_SMS_SIGN_NAME         the approved signature, e.g. 菏泽市供热服务
    WENNUAN_SMS_TEMPLATES         {"default": "SMS_1234", "accepted": "SMS_5678", …}
                                  (Tencent: template IDs)
    WENNUAN_SMS_ALIYUN_ACCESS_KEY_ID / _ACCESS_KEY_SECRET / _ENDPOINT
    WENNUAN_SMS_TENCENT_SECRET_ID / _SECRET_KEY / _SDK_APP_ID / _REGION / _ENDPOINT

An endpoint may carry a scheme (``http://127.0.0.1:9000`` for a local test gateway); without
one it is HTTPS.
"""

import json
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

log = logging.getLogger("wennuan.channels.sms")

ALIYUN_ENDPOINT = "dysmsapi.aliyuncs.com"
TENCENT_ENDPOINT = "sms.tencentcloudapi.com"


class SmsError(Exception):
    """The gateway refused or could not be reached. ``retryable``: worth trying again later
    (network, throttling, the provider's own errors), not for a wrong number or template."""

    def __init__(self, code: str, message: str, *, retryable: bool):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.retryable = retryable


@dataclass(frozen=True)
class SmsReceipt:
    """What the gateway answered: its id for the message (BizId / SerialNo)."""

    provider: str
    message_id: str


def _setting(name: str, default=None):
    value = getattr(settings, name, default)
    if value in (None, ""):
        raise ImproperlyConfigured(f"{name} is not set (needed by the SMS backend)")
    return value


def _split_endpoint(endpoint: str) -> tuple[str, str]:
    """("https", host[:port]) from "host" or "scheme://host[:port]"."""
    scheme, sep, host = endpoint.partition("://")
    return (scheme, host.rstrip("/")) if sep else ("https", endpoint.rstrip("/"))


def _template(name: str) -> str:
    templates = getattr(settings, "WENNUAN_SMS_TEMPLATES", {}) or {}
    if isinstance(templates, str):
        templates = json.loads(templates)
    code = templates.get(name)
    if not code:
        raise ImproperlyConfigured(f"WENNUAN_SMS_TEMPLATES has no template {name!r}")
    return code


# Aliyun error codes that a later try will not fix (wrong number, template, signature, key).
ALIYUN_FINAL_CODES = frozenset(
    {
        "isv.MOBILE_NUMBER_ILLEGAL",
        "isv.SMS_TEMPLATE_ILLEGAL",
        "isv.SMS_SIGNATURE_ILLEGAL",
        "isv.TEMPLATE_MISSING_PARAMETERS",
        "isv.INVALID_PARAMETERS",
        "isv.BLACK_KEY_CONTROL_LIMIT",
        "InvalidAccessKeyId.NotFound",
        "SignatureDoesNotMatch",
    }
)


class AliyunSmsBackend:
    """Aliyun SMS (dysmsapi 2017-05-25, action SendSms) through ``alibabacloud_dysmsapi20170525``.
    Template parameters are a JSON object: ``send(phone, text)`` fills ``{"content": text}``."""

    provider = "aliyun"

    def __init__(self):
        from alibabacloud_dysmsapi20170525.client import Client
        from alibabacloud_tea_openapi import models as openapi

        scheme, host = _split_endpoint(
            getattr(settings, "WENNUAN_SMS_ALIYUN_ENDPOINT", "") or ALIYUN_ENDPOINT
        )
        self.client = Client(
            openapi.Config(
                access_key_id=_setting("WENNUAN_SMS_ALIYUN_ACCESS_KEY_ID"),
                access_key_secret=_setting("WENNUAN_SMS_ALIYUN_ACCESS_KEY_SECRET"),
                endpoint=host,
                protocol=scheme,
                connect_timeout=5000,
                read_timeout=10000,
            )
        )

    def send(
        self, phone: str, text: str = "", *, template: str = "default", params=None
    ) -> SmsReceipt:
        from alibabacloud_dysmsapi20170525 import models

        params = params if params is not None else {"content": text}
        request = models.SendSmsRequest(
            phone_numbers=phone,
            sign_name=_setting("WENNUAN_SMS_SIGN_NAME"),
            template_code=_template(template),
            template_param=json.dumps(params, ensure_ascii=False),
        )
        try:
            response = self.client.send_sms(request)
        except Exception as error:  # noqa: BLE001 — the SDK raises its own TeaException etc.
            code = str(getattr(error, "code", "") or type(error).__name__)
            raise SmsError(
                code, str(error)[:200], retryable=code not in ALIYUN_FINAL_CODES
            ) from error
        body = response.body
        if body.code != "OK":
            raise SmsError(
                body.code, body.message or "", retryable=body.code not in ALIYUN_FINAL_CODES
            )
        log.info("aliyun sms to %s…%s sent: %s", phone[:3], phone[-4:], body.biz_id)
        return SmsReceipt(self.provider, body.biz_id or "")


# Tencent codes a later try will not fix.
TENCENT_FINAL_PREFIXES = (
    "FailedOperation.PhoneNumberInBlacklist",
    "InvalidParameterValue",
    "UnauthorizedOperation",
    "AuthFailure",
)


class TencentSmsBackend:
    """Tencent Cloud SMS (API 2021-01-11, action SendSms) through ``tencentcloud-sdk-python-sms``.
    Template parameters are a list of strings: ``send(phone, text)`` fills ``[text]``."""

    provider = "tencent"

    def __init__(self):
        from tencentcloud.common import credential
        from tencentcloud.common.profile.client_profile import ClientProfile
        from tencentcloud.common.profile.http_profile import HttpProfile
        from tencentcloud.sms.v20210111 import sms_client

        scheme, host = _split_endpoint(
            getattr(settings, "WENNUAN_SMS_TENCENT_ENDPOINT", "") or TENCENT_ENDPOINT
        )
        profile = ClientProfile(
            httpProfile=HttpProfile(protocol=scheme, endpoint=host, reqTimeout=10)
        )
        self.client = sms_client.SmsClient(
            credential.Credential(
                _setting("WENNUAN_SMS_TENCENT_SECRET_ID"),
                _setting("WENNUAN_SMS_TENCENT_SECRET_KEY"),
            ),
            getattr(settings, "WENNUAN_SMS_TENCENT_REGION", "") or "ap-guangzhou",
            profile,
        )

    def send(
        self, phone: str, text: str = "", *, template: str = "default", params=None
    ) -> SmsReceipt:
        from tencentcloud.common.exception.tencent_cloud_sdk_exception import (
            TencentCloudSDKException,
        )
        from tencentcloud.sms.v20210111 import models

        request = models.SendSmsRequest()
        # Tencent wants E.164; a Chinese mobile number without a country code gets +86.
        request.PhoneNumberSet = [phone if phone.startswith("+") else f"+86{phone}"]
        request.SmsSdkAppId = str(_setting("WENNUAN_SMS_TENCENT_SDK_APP_ID"))
        request.SignName = _setting("WENNUAN_SMS_SIGN_NAME")
        request.TemplateId = str(_template(template))
        request.TemplateParamSet = [str(p) for p in (params if params is not None else [text])]
        try:
            response = self.client.SendSms(request)
        except TencentCloudSDKException as error:
            code = error.get_code() or "TencentCloudSDKException"
            raise SmsError(
                code,
                error.get_message() or "",
                retryable=not code.startswith(TENCENT_FINAL_PREFIXES),
            ) from error
        [status] = response.SendStatusSet
        if status.Code != "Ok":
            raise SmsError(
                status.Code,
                status.Message or "",
                retryable=not status.Code.startswith(TENCENT_FINAL_PREFIXES),
            )
        log.info("tencent sms to %s…%s sent: %s", phone[:3], phone[-4:], status.SerialNo)
        return SmsReceipt(self.provider, status.SerialNo or "")

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

Exactly once. Neither provider deduplicates (Aliyun's SendSms documentation: no idempotence,
"做好幂等控制"; after a timeout "查看回执状态后再判断是否重试"), but both let the sender attach
its own id and ask for it later: Aliyun ``OutId`` (< 256 characters) found again in
``QuerySendDetails`` (one phone number, one send date yyyyMMdd, 50 records a page), Tencent
``SessionContext`` (< 512 bytes) returned by ``PullSmsSendStatusByPhoneNumber`` (one phone,
BeginTime/EndTime, at most 100 records, Offset fixed at 0). ``send(..., client_id=)`` attaches
the outbox's client message id and ``was_sent(phone, client_id, since, until)`` asks; the outbox
asks before it re-sends a message whose earlier attempt was interrupted (wennuan.lib.outbox).
Tencent's answer comes from delivery reports (状态回执), so a message accepted but not yet
reported counts as not sent.
"""

import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

log = logging.getLogger("wennuan.channels.sms")

ALIYUN_ENDPOINT = "dysmsapi.aliyuncs.com"
TENCENT_ENDPOINT = "sms.tencentcloudapi.com"
# The providers' send dates and days are China's (Aliyun's SendDate yyyyMMdd).
CHINA = ZoneInfo("Asia/Shanghai")
ALIYUN_PAGE_SIZE = 50  # QuerySendDetails' maximum
ALIYUN_MAX_PAGES = 20  # 1,000 messages to one phone in a day: past that, "cannot tell"
TENCENT_PULL_LIMIT = 100  # PullSmsSendStatusByPhoneNumber's maximum


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


def china_send_dates(since: datetime, until: datetime) -> list[str]:
    """The China-local days (yyyyMMdd) from ``since`` to ``until``, at most the 30 Aliyun keeps."""
    day, last = since.astimezone(CHINA).date(), until.astimezone(CHINA).date()
    days = []
    while day <= last and len(days) < 30:
        days.append(day.strftime("%Y%m%d"))
        day += timedelta(days=1)
    return days


def _template(name: str) -> str:
    templates = getattr(settings, "WENNUAN_SMS_TEMPLATES", {}) or {}
    if isinstance(templates, str):
        templates = json.loads(templates)
    code = templates.get(name)
    if not code:
        raise ImproperlyConfigured(f"WENNUAN_SMS_TEMPLATES has no template {name!r}")
    return code


def _timeout_s() -> int:
    """Seconds one gateway call may take (``WENNUAN_SMS_TIMEOUT_S``, checked in settings)."""
    return int(getattr(settings, "WENNUAN_SMS_TIMEOUT_S", 10))


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
                connect_timeout=min(5, _timeout_s()) * 1000,
                read_timeout=_timeout_s() * 1000,
            )
        )

    def send(
        self,
        phone: str,
        text: str = "",
        *,
        template: str = "default",
        params=None,
        client_id: str | None = None,
    ) -> SmsReceipt:
        from alibabacloud_dysmsapi20170525 import models

        params = params if params is not None else {"content": text}
        request = models.SendSmsRequest(
            phone_numbers=phone,
            sign_name=_setting("WENNUAN_SMS_SIGN_NAME"),
            template_code=_template(template),
            template_param=json.dumps(params, ensure_ascii=False),
            out_id=client_id,
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

    def was_sent(self, phone: str, client_id: str, since: datetime, until: datetime) -> bool:
        """Whether a message with ``OutId`` = ``client_id`` went to ``phone`` between ``since``
        and ``until``: QuerySendDetails for each China-local send date, page by page. Raises
        :class:`SmsError` when the gateway does not answer (the outbox then sends again)."""
        from alibabacloud_dysmsapi20170525 import models

        for send_date in china_send_dates(since, until):
            for page in range(1, ALIYUN_MAX_PAGES + 1):
                request = models.QuerySendDetailsRequest(
                    phone_number=phone,
                    send_date=send_date,
                    page_size=ALIYUN_PAGE_SIZE,
                    current_page=page,
                )
                try:
                    body = self.client.query_send_details(request).body
                except Exception as error:  # noqa: BLE001 — the SDK's TeaException etc.
                    code = str(getattr(error, "code", "") or type(error).__name__)
                    raise SmsError(code, str(error)[:200], retryable=True) from error
                if body.code != "OK":
                    raise SmsError(body.code, body.message or "", retryable=True)
                found = body.sms_send_detail_dtos and body.sms_send_detail_dtos.sms_send_detail_dto
                if any(detail.out_id == client_id for detail in found or []):
                    return True
                if not found or page * ALIYUN_PAGE_SIZE >= int(body.total_count or 0):
                    break
            else:
                raise SmsError(
                    "TooManyRecords", f"more than {page * ALIYUN_PAGE_SIZE}", retryable=True
                )
        return False


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
            httpProfile=HttpProfile(protocol=scheme, endpoint=host, reqTimeout=_timeout_s())
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
        self,
        phone: str,
        text: str = "",
        *,
        template: str = "default",
        params=None,
        client_id: str | None = None,
    ) -> SmsReceipt:
        from tencentcloud.common.exception.tencent_cloud_sdk_exception import (
            TencentCloudSDKException,
        )
        from tencentcloud.sms.v20210111 import models

        request = models.SendSmsRequest()
        request.PhoneNumberSet = [_e164(phone)]
        request.SmsSdkAppId = str(_setting("WENNUAN_SMS_TENCENT_SDK_APP_ID"))
        request.SignName = _setting("WENNUAN_SMS_SIGN_NAME")
        request.TemplateId = str(_template(template))
        request.TemplateParamSet = [str(p) for p in (params if params is not None else [text])]
        if client_id:
            request.SessionContext = client_id  # returned as is in the status reports
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

    def was_sent(self, phone: str, client_id: str, since: datetime, until: datetime) -> bool | None:
        """Whether a status report of a message with ``SessionContext`` = ``client_id`` to
        ``phone`` arrived between ``since`` (a minute earlier, for clock skew) and ``until``:
        PullSmsSendStatusByPhoneNumber; ``None`` (cannot tell) otherwise — reports arrive only
        after delivery, and Offset is fixed at 0 so a full page hides later ones. Raises
        :class:`SmsError` when the gateway does not answer."""
        from tencentcloud.common.exception.tencent_cloud_sdk_exception import (
            TencentCloudSDKException,
        )
        from tencentcloud.sms.v20210111 import models

        request = models.PullSmsSendStatusByPhoneNumberRequest()
        request.BeginTime = int(since.timestamp()) - 60
        request.EndTime = int(until.timestamp()) + 60
        request.Offset = 0
        request.Limit = TENCENT_PULL_LIMIT
        request.PhoneNumber = _e164(phone)
        request.SmsSdkAppId = str(_setting("WENNUAN_SMS_TENCENT_SDK_APP_ID"))
        try:
            response = self.client.PullSmsSendStatusByPhoneNumber(request)
        except TencentCloudSDKException as error:
            code = error.get_code() or "TencentCloudSDKException"
            raise SmsError(code, error.get_message() or "", retryable=True) from error
        reports = response.PullSmsSendStatusSet or []
        if any(report.SessionContext == client_id for report in reports):
            return True
        # No report is no proof: Tencent lists a message only once its delivery report has
        # come back, which for a phone that is off can take hours (an outsider's check: a
        # "not sent" here sent it twice). So Tencent cannot say "no": at least once.
        return None


def _e164(phone: str) -> str:
    """Tencent wants E.164; a Chinese mobile number without a country code gets +86."""
    return phone if phone.startswith("+") else f"+86{phone}"

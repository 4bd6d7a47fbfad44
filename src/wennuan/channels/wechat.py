"""WeChat Official Account (服务号) callback at ``/wechat/``.

GET: the server's URL check (signature of token, timestamp, nonce → echo ``echostr``).
POST: a message, in plain mode or in safe mode (``encrypt_type=aes``: AES-256-CBC with the
account's EncodingAESKey, signature ``msg_signature``), read by wechatpy.

A text message goes to the complaint reader (``wennuan.workorders.intake.read_text``): when the
community and the problem are clear an order is created and the reply gives its number;
otherwise one question goes back (which community? what problem?) and the next message is read
together with what was said before. After two unanswered questions the order is created anyway
and an operator routes it.

Refused, logged, nothing created: a wrong signature, a timestamp more than
``WENNUAN_WECHAT_MAX_AGE_S`` away from now, a nonce/timestamp pair seen before (a replay), a
body over ``MAX_BODY_BYTES``, a malformed OpenID. A text over ``MAX_TEXT_CHARS`` is answered
with a polite refusal. A retried message (same MsgId) gets the first answer again.

Settings (environment): ``WENNUAN_WECHAT_TOKEN``, ``WENNUAN_WECHAT_APPID``,
``WENNUAN_WECHAT_AES_KEY`` (safe mode; empty = plain mode only).
"""

import logging
import re
import time
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import (
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    HttpResponseNotFound,
)
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from wechatpy import parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
from wechatpy.replies import TextReply
from wechatpy.utils import check_signature

from wennuan.workorders import actions
from wennuan.workorders.access import CITIZEN
from wennuan.workorders.choices import Category, Channel
from wennuan.workorders.intake import read_text

from .models import CitizenOptOut, WechatConversation, WechatMessage

log = logging.getLogger("wennuan.channels.wechat")

MAX_BODY_BYTES = 16 * 1024
MAX_TEXT_CHARS = 600
MAX_QUESTIONS = 2
CONVERSATION_TTL = timedelta(hours=2)
OPT_OUT_WORDS = frozenset({"退订", "TD", "td"})
OPT_IN_WORDS = frozenset({"订阅", "恢复通知"})
# OpenIDs are URL-safe characters (28 on the Official Account); refuse anything else.
OPENID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class Refused(Exception):
    """A request that is not from WeChat or not acceptable: answered 400/403, logged."""

    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status = status
        self.reason = reason


def _setting(name: str) -> str:
    return getattr(settings, name, "") or ""


def _check_fresh(timestamp: str):
    try:
        sent = int(timestamp)
    except (TypeError, ValueError):
        raise Refused(400, "timestamp is not a number") from None
    max_age = int(getattr(settings, "WENNUAN_WECHAT_MAX_AGE_S", 300))
    if abs(time.time() - sent) > max_age:
        raise Refused(403, f"timestamp {timestamp} is more than {max_age} s away (replay?)")


@csrf_exempt
def callback(request):
    token = _setting("WENNUAN_WECHAT_TOKEN")
    if not token:
        # The channel is off: to the caller it does not exist.
        log.warning("wechat callback called but WENNUAN_WECHAT_TOKEN is not set")
        return HttpResponseNotFound("WeChat channel not configured")
    try:
        if request.method == "GET":
            return _url_check(request, token)
        if request.method == "POST":
            return _message(request, token)
        return HttpResponse(status=405)
    except Refused as refusal:
        log.warning(
            "wechat callback refused (%s) from %s: %s",
            refusal.status,
            request.META.get("REMOTE_ADDR"),
            refusal.reason,
        )
        if refusal.status == 403:
            return HttpResponseForbidden(refusal.reason)
        return HttpResponseBadRequest(refusal.reason)


def _url_check(request, token):
    params = request.GET
    try:
        check_signature(
            token, params.get("signature", ""), params.get("timestamp", ""), params.get("nonce", "")
        )
    except InvalidSignatureException:
        raise Refused(403, "invalid signature") from None
    return HttpResponse(params.get("echostr", ""), content_type="text/plain")


def _crypto(token) -> WeChatCrypto | None:
    aes_key = _setting("WENNUAN_WECHAT_AES_KEY")
    if not aes_key:
        return None
    return WeChatCrypto(token, aes_key, _setting("WENNUAN_WECHAT_APPID"))


def _message(request, token):
    params = request.GET
    timestamp, nonce = params.get("timestamp", ""), params.get("nonce", "")
    if len(request.body) > MAX_BODY_BYTES:
        raise Refused(400, f"body of {len(request.body)} bytes (limit {MAX_BODY_BYTES})")
    # The plain signature covers token, timestamp and nonce: WeChat sends it in both modes.
    try:
        check_signature(token, params.get("signature", ""), timestamp, nonce)
    except InvalidSignatureException:
        raise Refused(403, "invalid signature") from None
    _check_fresh(timestamp)
    crypto = None
    body = request.body
    if params.get("encrypt_type") == "aes":
        crypto = _crypto(token)
        if crypto is None:
            raise Refused(400, "safe mode message but WENNUAN_WECHAT_AES_KEY is not set")
        try:
            body = crypto.decrypt_message(body, params.get("msg_signature", ""), timestamp, nonce)
        except InvalidSignatureException:
            raise Refused(403, "invalid msg_signature") from None
        except InvalidAppIdException:
            raise Refused(403, "message for another AppID") from None
        except Exception as error:  # noqa: BLE001 — any decryption failure is a bad message
            raise Refused(400, f"cannot decrypt: {type(error).__name__}") from None
    try:
        message = parse_message(body)
    except Exception as error:  # noqa: BLE001 — malformed XML is the sender's fault
        raise Refused(400, f"malformed XML: {type(error).__name__}") from None
    if message is None or not OPENID.match(message.source or ""):
        raise Refused(400, "missing or malformed FromUserName (OpenID)")
    text = getattr(message, "content", "") if message.type == "text" else ""
    msg_id = str(getattr(message, "id", "") or "")
    earlier = WechatMessage.objects.filter(msg_id=msg_id).first() if msg_id else None
    if earlier is not None:
        # WeChat's own retry of a message we already answered: the same answer, nothing new.
        return _answer(message, earlier.reply, crypto, nonce, timestamp)
    try:
        with transaction.atomic():
            record = WechatMessage.objects.create(
                openid=message.source, msg_id=msg_id, nonce=nonce, timestamp=timestamp, text=text
            )
            if message.type == "text":
                reply, order = _converse(message.source, text)
            elif message.type == "event" and message.event == "subscribe":
                reply, order = _welcome(request), None
            elif message.type == "event":
                reply, order = "", None
            else:
                reply, order = (
                    _("请用文字描述您遇到的供热问题，例如：剑桥学府3号楼暖气不热。"),
                    None,
                )
            record.reply = reply
            record.order = order
            record.save(update_fields=["reply", "order"])
    except IntegrityError:
        raise Refused(
            403, f"nonce {nonce} with timestamp {timestamp} seen before (replay)"
        ) from None
    return _answer(message, reply, crypto, nonce, timestamp)


def _answer(message, reply: str, crypto, nonce, timestamp):
    if not reply:
        return HttpResponse("success", content_type="text/plain")
    xml = TextReply(message=message, content=reply).render()
    if crypto is not None:
        xml = crypto.encrypt_message(xml, nonce, timestamp)
    return HttpResponse(xml, content_type="application/xml; charset=utf-8")


def menu_links(base_url: str) -> list[tuple[str, str]]:
    """The account's menu (and the welcome text): the form, the lookup, the directory, the
    notices — each a page of the public site."""
    base = base_url.rstrip("/")
    return [
        (_("我要反映"), base + reverse("portal:complaint")),
        (_("工单查询"), base + reverse("portal:lookup")),
        (_("小区名录"), base + reverse("portal:directory")),
        (_("供热公告"), base + reverse("publicinfo_public:notices")),
    ]


def menu_definition(base_url: str) -> dict:
    """The menu as WeChat's ``menu/create`` API takes it (four "view" buttons)."""
    return {
        "button": [{"type": "view", "name": name, "url": url} for name, url in menu_links(base_url)]
    }


def _welcome(request) -> str:
    base = getattr(settings, "WENNUAN_PUBLIC_URL", "") or request.build_absolute_uri("/")
    lines = [_("感谢关注！直接发送文字即可反映供热问题，例如：剑桥学府3号楼2单元501暖气不热。")]
    lines += [f"{name}：{url}" for name, url in menu_links(base)]
    return "\n".join(lines)


def _converse(openid: str, text: str) -> tuple[str, object]:
    """Read the text (with what the subscriber said before); an order or one question."""
    text = (text or "").strip()
    if not text:
        return _("请用文字描述您遇到的供热问题。"), None
    if len(text) > MAX_TEXT_CHARS:
        log.warning("wechat text of %s characters from %s refused", len(text), openid)
        return (
            _("您的消息过长（最多%(n)s字），请简要描述问题、小区和楼号后重新发送。")
            % {"n": MAX_TEXT_CHARS},
            None,
        )
    if text in OPT_OUT_WORDS:
        CitizenOptOut.objects.get_or_create(contact=openid, defaults={"source": "wechat"})
        return _("已退订工单进度通知。如需恢复，请回复“订阅”。"), None
    if text in OPT_IN_WORDS:
        CitizenOptOut.objects.filter(contact=openid).delete()
        return _("已恢复工单进度通知。"), None
    conversation = WechatConversation.objects.select_for_update().filter(openid=openid).first()
    if conversation and timezone.now() - conversation.updated_at > CONVERSATION_TTL:
        conversation.delete()
        conversation = None
    combined = f"{conversation.pending_text} {text}".strip() if conversation else text
    reading = read_text(combined)
    problem_clear = reading.category not in (None, Category.OTHER)
    asked = conversation.questions_asked if conversation else 0
    if (reading.community is None or not problem_clear) and asked < MAX_QUESTIONS:
        if reading.community is None:
            question, reply = "community", _("请问是哪个小区？请回复小区名称（如：剑桥学府）。")
        else:
            question, reply = "problem", _("请问遇到了什么问题？（如：暖气不热、漏水、不供暖）")
        WechatConversation.objects.update_or_create(
            openid=openid,
            defaults={
                "pending_text": combined[: MAX_TEXT_CHARS * 2],
                "question": question,
                "questions_asked": asked + 1,
                "updated_at": timezone.now(),
            },
        )
        return reply, None
    order = actions.do_create_order(
        CITIZEN,
        text=combined[:2000],
        phone=reading.phone or "",
        phone_optional=True,
        channel=Channel.WEB,
        category=reading.category or Category.OTHER,
        community=reading.community,
        building=reading.building if reading.community else "",
        unit=reading.unit if reading.community else "",
        room=reading.room if reading.community else "",
        stated_temp_c=(
            reading.temperature_c
            if reading.temperature_c is not None and -10 <= reading.temperature_c <= 40
            else None
        ),
    )
    WechatConversation.objects.filter(openid=openid).delete()
    log.info("wechat order %s created for %s", order.number, openid)
    if order.community_id:
        reply = _(
            "已受理，工单号 %(n)s（%(c)s）。我们会尽快安排处理，进度可在“工单查询”中查看。"
        ) % {"n": order.number, "c": order.community.name}
    else:
        reply = _("已受理，工单号 %(n)s。工作人员将核实小区后派单，进度可在“工单查询”中查看。") % {
            "n": order.number
        }
    return reply, order

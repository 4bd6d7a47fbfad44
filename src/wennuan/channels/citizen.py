"""The citizen hears back: an SMS (or, for a complaint made through WeChat, a WeChat message)
when the order is accepted (受理: number and lookup link), when a visit is arranged (指派), when
the reply is given (with the satisfaction question) and when the deadline is extended.

Each notice is queued in the outbox inside the transaction of the change (``Event`` post_save),
so a rolled-back change sends nothing and the worker delivers it after the commit, with retries.
Each is also written into the order's history (an event ``notify`` whose reason is the text).

The bureau edits the texts (admin: 市民通知模板; the defaults below apply until then), and the
citizen can opt out (WeChat: send 退订; by phone: an operator records it in the admin). Notices
that fall in the quiet hours (``WENNUAN_NOTIFY_QUIET_HOURS``, default 21:00-08:00 local time)
wait until the quiet hours end.
"""

import logging
import re
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from wennuan.lib import lookups
from wennuan.lib.outbox import enqueue
from wennuan.workorders.models import Event

from .models import CitizenNoticeTemplate, CitizenOptOut, NoticeKind, WechatMessage

log = logging.getLogger("wennuan.channels.citizen")

STALE_AFTER = timedelta(hours=24)
MOBILE = re.compile(r"^1\d{10}$")  # only mobiles receive SMS

DEFAULT_TEXTS = {
    NoticeKind.ACCEPTED: "您反映的供热问题已受理，工单号{number}，进度查询：{lookup_url}",
    NoticeKind.VISIT_ARRANGED: "工单{number}：{company}已安排维修人员上门，请保持电话畅通。",
    NoticeKind.REPLIED: (
        "工单{number}已答复：{reply} 您对处理结果是否满意？请等待回访或在{lookup_url}查看。"
    ),
    NoticeKind.EXTENDED: "工单{number}的办理时限已延长至{deadline}，给您带来不便敬请谅解。",
}


def _kind(event: Event) -> str | None:
    if event.action == "create":
        return NoticeKind.ACCEPTED
    if event.action == "assign":
        return NoticeKind.VISIT_ARRANGED
    if event.action in ("reply", "resolve_immediately"):
        return NoticeKind.REPLIED
    if event.action == "decide_extension" and (event.data or {}).get("approved"):
        return NoticeKind.EXTENDED
    return None


def _templates() -> dict:
    templates = {}
    for template in CitizenNoticeTemplate.objects.order_by("-pk"):
        templates[template.kind] = template  # the first by the default order wins, as .first()
    return templates


def render(kind: str, order) -> str | None:
    """The notice text from the bureau's template (or the default); None when switched off."""
    template = lookups.get("notice_templates", _templates).get(kind)
    if template is not None and not template.is_active:
        return None
    text = template.text if template is not None else DEFAULT_TEXTS[kind]
    base = (getattr(settings, "WENNUAN_PUBLIC_URL", "") or "").rstrip("/")
    deadline = order.resolve_deadline
    values = {
        "number": order.number,
        "lookup_url": base + reverse("portal:lookup"),
        "community": order.community.name if order.community_id else "",
        "company": order.company.short_name if order.company_id else "供热公司",
        "reply": order.reply,
        "deadline": timezone.localtime(deadline).strftime("%m月%d日%H:%M") if deadline else "",
    }
    try:
        return text.format(**values)
    except (KeyError, IndexError, ValueError):
        # A template the bureau mistyped must not block the change; the default goes out.
        log.warning("citizen notice template %s is broken; default used", kind)
        return DEFAULT_TEXTS[kind].format(**values)


def quiet_hours() -> tuple[time, time] | None:
    raw = getattr(settings, "WENNUAN_NOTIFY_QUIET_HOURS", "21:00-08:00") or ""
    if not raw.strip():
        return None
    start, _sep, end = raw.partition("-")
    return time.fromisoformat(start.strip()), time.fromisoformat(end.strip())


def send_at(now: datetime) -> datetime:
    """``now``, or the end of the quiet hours when ``now`` falls inside them."""
    hours = quiet_hours()
    if hours is None:
        return now
    start, end = hours
    local = timezone.localtime(now)
    clock = local.time()
    inside = (start <= clock or clock < end) if start > end else (start <= clock < end)
    if not inside:
        return now
    day = local.date() if clock < end else local.date() + timedelta(days=1)
    return timezone.make_aware(datetime.combine(day, end))


def _wechat_openid(order, action: str) -> str | None:
    if action == "create":
        return None  # the order was made in this transaction: no message is linked to it yet
    message = WechatMessage.objects.filter(order=order).order_by("id").first()
    return message.openid if message else None


@receiver(post_save, sender=Event, dispatch_uid="channels-citizen-notices")
def queue_citizen_notice(sender, instance: Event, created: bool, **kwargs):
    if not created or not getattr(settings, "WENNUAN_CITIZEN_NOTICES", True):
        return
    kind = _kind(instance)
    if kind is None or timezone.now() - instance.at > STALE_AFTER:
        return  # a change recorded after the fact (history import, demo) is not news
    order = instance.order
    if order.channel == "proactive":
        return  # nobody complained: nobody to tell
    openid = _wechat_openid(order, instance.action)
    if openid:
        channel, recipient = "wechat", openid
    elif MOBILE.match(order.phone or ""):
        channel, recipient = "sms", order.phone
    else:
        # A WeChat complaint's acceptance is the callback's own reply (the link to its
        # message is made after the order); a landline gets no SMS.
        return
    if CitizenOptOut.objects.filter(contact=recipient).exists():
        return
    text = render(kind, order)
    if not text:
        return
    message = enqueue(
        channel,
        recipient,
        text,
        {"order": order.number, "kind": kind},
        send_after=send_at(instance.at),
    )
    Event.objects.create(
        order=order,
        actor=None,
        actor_label=gettext_noop("系统（市民通知）"),  # shown in the reader's language
        at=instance.at,
        action="notify",
        from_state=order.state,
        to_state=order.state,
        reason=text,
        data={"channel": channel, "kind": kind, "outbox": message.pk},
    )

"""What the channels keep: WeChat messages and conversations, 12345 webhook subscriptions (their
deliveries are outbox messages, ``wennuan.lib.outbox``)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wennuan.api.models import ApiClient
from wennuan.lib.models import OutboxMessage
from wennuan.workorders.models import WorkOrder


class WechatMessage(models.Model):
    """One message the WeChat server delivered to the callback, kept so that a replayed request
    (same nonce and timestamp) is refused and a retried message (same MsgId: WeChat retries
    three times when we are slow) gets the same answer instead of a second order."""

    openid = models.CharField(_("用户 OpenID"), max_length=64, db_index=True)
    msg_id = models.CharField(_("消息 ID"), max_length=64, blank=True)
    nonce = models.CharField(max_length=64)
    timestamp = models.CharField(max_length=20)
    received_at = models.DateTimeField(_("收到时间"), default=timezone.now, db_index=True)
    text = models.TextField(_("内容"), blank=True)
    reply = models.TextField(_("回复"), blank=True)
    order = models.ForeignKey(
        WorkOrder,
        verbose_name=_("工单"),
        related_name="wechat_messages",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )

    class Meta:
        verbose_name = _("微信消息")
        verbose_name_plural = _("微信消息")
        constraints = [
            models.UniqueConstraint(fields=["nonce", "timestamp"], name="wechat_nonce_once"),
            models.UniqueConstraint(
                fields=["msg_id"], condition=~models.Q(msg_id=""), name="wechat_msg_id_once"
            ),
        ]

    def __str__(self):
        return f"{self.openid} {self.received_at:%Y-%m-%d %H:%M}"


class WechatConversation(models.Model):
    """A subscriber's complaint still missing something: what they wrote so far and the one
    question we asked (which community? what problem?)."""

    openid = models.CharField(_("用户 OpenID"), max_length=64, unique=True)
    pending_text = models.TextField(_("已述内容"), blank=True)
    question = models.CharField(_("追问"), max_length=20, blank=True)
    questions_asked = models.PositiveSmallIntegerField(_("已追问次数"), default=0)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)

    class Meta:
        verbose_name = _("微信会话")
        verbose_name_plural = _("微信会话")

    def __str__(self):
        return self.openid


class WebhookEvent(models.TextChoices):
    """What the 12345 platform is told (its conventions: 签收 / 回复 / 延期申请 / 退单 …)."""

    SIGNED = "signed", _("签收")
    VISITED = "visited", _("入户")
    REPLIED = "replied", _("答复")
    EXTENSION_REQUESTED = "extension_requested", _("申请延期")
    EXTENSION_DECIDED = "extension_decided", _("延期审批")
    RETURNED = "returned", _("退单")
    CLOSED = "closed", _("归档")


class WebhookSubscription(models.Model):
    """Where an API client (the 12345 platform) wants to hear about the orders it pushed."""

    client = models.ForeignKey(
        ApiClient,
        verbose_name=_("接口客户端"),
        related_name="webhook_subscriptions",
        on_delete=models.CASCADE,
    )
    url = models.URLField(_("回调地址"), max_length=300)
    secret = models.CharField(_("签名密钥"), max_length=100)
    events = models.JSONField(_("事件"), default=list, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("回推订阅")
        verbose_name_plural = _("回推订阅")

    def __str__(self):
        return f"{self.client} → {self.url}"

    def wants(self, event: str) -> bool:
        return self.is_active and (not self.events or event in self.events)


class WebhookMessages(models.Manager):
    def get_queryset(self):
        return super().get_queryset().filter(channel="webhook")


class WebhookDeliveryLog(OutboxMessage):
    """The outbox's webhook messages (channel ``webhook``), as the bureau reads them in the
    admin: status, attempts, last error, and a resend action."""

    objects = WebhookMessages()

    class Meta:
        proxy = True
        verbose_name = _("回推记录")
        verbose_name_plural = _("回推记录")


class NoticeKind(models.TextChoices):
    ACCEPTED = "accepted", _("受理")
    VISIT_ARRANGED = "visit_arranged", _("已安排上门")
    REPLIED = "replied", _("已答复")
    EXTENDED = "extended", _("已延期")


class CitizenNoticeTemplate(models.Model):
    """The bureau's text of a citizen notice. Placeholders: {number}, {lookup_url},
    {community}, {company}, {reply}, {deadline} (the acceptance is written before the order is
    routed: its {community} and {company} are empty). Without a row the built-in text applies."""

    kind = models.CharField(_("通知"), max_length=20, choices=NoticeKind.choices, unique=True)
    text = models.TextField(
        _("内容"),
        help_text=_(
            "可用：{number} 工单号、{lookup_url} 查询链接、{community} 小区、"
            "{company} 供热公司、{reply} 答复、{deadline} 办结时限"
        ),
    )
    is_active = models.BooleanField(_("发送"), default=True)

    class Meta:
        verbose_name = _("市民通知模板")
        verbose_name_plural = _("市民通知模板")

    def __str__(self):
        return self.get_kind_display()


class CitizenOptOut(models.Model):
    """A phone number or WeChat OpenID that asked for no more notices."""

    contact = models.CharField(_("手机号或 OpenID"), max_length=64, unique=True)
    source = models.CharField(_("来源"), max_length=20, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("市民退订")
        verbose_name_plural = _("市民退订")

    def __str__(self):
        return self.contact

"""What the channels keep: WeChat messages and conversations, 12345 webhook subscriptions and
their delivery log."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wennuan.workorders.models import ApiClient, WorkOrder


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


class WebhookDelivery(models.Model):
    """One event for one subscription: the signed body, and how its delivery went (the
    delivery log the bureau reads)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        DELIVERED = "delivered", _("已送达")
        FAILED = "failed", _("失败")

    subscription = models.ForeignKey(
        WebhookSubscription,
        verbose_name=_("订阅"),
        related_name="deliveries",
        on_delete=models.CASCADE,
    )
    order = models.ForeignKey(
        WorkOrder, verbose_name=_("工单"), related_name="+", on_delete=models.CASCADE
    )
    event = models.CharField(_("事件"), max_length=30, choices=WebhookEvent.choices)
    body = models.JSONField(_("内容"))
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试"), default=timezone.now, db_index=True)
    last_status_code = models.PositiveIntegerField(_("最近响应码"), null=True, blank=True)
    last_error = models.CharField(_("最近错误"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, db_index=True)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("回推记录")
        verbose_name_plural = _("回推记录")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.event} {self.order_id} → {self.subscription_id}"

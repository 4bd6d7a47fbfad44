"""The bureau's view of the channels: the 12345 platform's webhook subscriptions and the
delivery log (every push with its attempts, last error and a resend action)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import WebhookDeliveryLog, WebhookSubscription, WechatMessage
from .webhooks import CHANNEL, resend


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin):
    list_display = ("client", "url", "events", "is_active", "created_at")
    list_filter = ("is_active", "client")


@admin.register(WebhookDeliveryLog)
class WebhookDeliveryLogAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "event",
        "order",
        "recipient",
        "status",
        "attempts",
        "sent_at",
        "last_error",
    )
    list_filter = ("status",)
    search_fields = ("recipient", "body")
    readonly_fields = [f.name for f in WebhookDeliveryLog._meta.fields]
    actions = ["resend_selected"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(channel=CHANNEL)

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("事件"))
    def event(self, message):
        return message.payload.get("event", "")

    @admin.display(description=_("工单"))
    def order(self, message):
        return message.payload.get("order", "")

    @admin.action(description=_("重新发送所选回推"))
    def resend_selected(self, request, queryset):
        count = resend(queryset)
        self.message_user(
            request,
            ngettext("%(n)d 条回推已重新排队", "%(n)d 条回推已重新排队", count) % {"n": count},
            messages.SUCCESS,
        )


@admin.register(WechatMessage)
class WechatMessageAdmin(admin.ModelAdmin):
    list_display = ("received_at", "openid", "text", "order")
    search_fields = ("openid", "text", "order__number")
    readonly_fields = [f.name for f in WechatMessage._meta.fields]

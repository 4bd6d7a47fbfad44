from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from wennuan.staff.access import staff_role
from wennuan.staff.choices import Role

from .actions import ActionError, do_publish_reply, do_withdraw_reply
from .models import (
    DeadlinePolicy,
    Event,
    FeeReductionRule,
    InboxMessage,
    LookupFailure,
    ManagerAccount,
    ReplyTemplate,
    WorkOrder,
)


class SystemAdministratorOnly:
    """Configuration of the work-order loop: the system administrator's (role admin), whatever
    the model permissions of the role groups say."""

    def _is_administrator(self, request) -> bool:
        return staff_role(request.user) == Role.ADMIN

    def has_module_permission(self, request):
        return self._is_administrator(request)

    def has_view_permission(self, request, obj=None):
        return self._is_administrator(request)

    def has_add_permission(self, request):
        return self._is_administrator(request)

    def has_change_permission(self, request, obj=None):
        return self._is_administrator(request)

    def has_delete_permission(self, request, obj=None):
        return self._is_administrator(request)


@admin.register(DeadlinePolicy)
class DeadlinePolicyAdmin(admin.ModelAdmin):
    list_display = ["category", "sign_minutes", "onsite_minutes", "resolve_minutes", "clock"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Orders change only through the actions; the admin shows them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(WorkOrder)
class WorkOrderAdmin(ReadOnlyAdmin):
    list_display = ["number", "category", "state", "company", "community", "due_at", "overdue"]
    list_filter = ["state", "category", "company", "overdue", "pressed", "supervised"]
    search_fields = ["number", "external_id"]  # external_id: the 12345 platform's number
    date_hierarchy = "created_at"
    actions = ["publish_replies", "unpublish_replies"]

    # Publishing is not a state change (design §4.5) but an audited action: the admin may
    # withdraw a reply that should not be public and publish it again; each leaves an Event.
    @admin.action(description=_("公开所选工单的答复"))
    def publish_replies(self, request, queryset):
        count = self._run_each(queryset, lambda order: do_publish_reply(order, request.user))
        self.message_user(request, ngettext("已公开 %d 条答复", "已公开 %d 条答复", count) % count)

    @admin.action(description=_("撤回所选工单的公开答复"))
    def unpublish_replies(self, request, queryset):
        reason = _("系统管理员在后台撤回")
        count = self._run_each(
            queryset, lambda order: do_withdraw_reply(order, request.user, str(reason))
        )
        self.message_user(
            request,
            ngettext("已撤回 %d 条公开答复", "已撤回 %d 条公开答复", count) % count,
            messages.WARNING,
        )

    @staticmethod
    def _run_each(queryset, action) -> int:
        """Run ``action`` on each order; the ones it refuses (no reply, already so) are skipped."""
        count = 0
        for order in queryset:
            try:
                action(order)
            except ActionError:
                continue
            count += 1
        return count

    def has_change_permission(self, request, obj=None):
        # The changelist needs it for its actions; the form itself stays read-only.
        return obj is None and staff_role(request.user) == Role.ADMIN


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["order", "action", "from_state", "to_state", "actor_label", "at"]


@admin.register(ManagerAccount)
class ManagerAccountAdmin(SystemAdministratorOnly, admin.ModelAdmin):
    """Which register entry a community manager's login stands for (scopes what they read)."""

    list_display = ["user", "manager"]
    autocomplete_fields = []
    raw_id_fields = ["user", "manager"]


@admin.register(FeeReductionRule)
class FeeReductionRuleAdmin(SystemAdministratorOnly, admin.ModelAdmin):
    """The fee reduction rule of design §4.4; exactly one is active."""

    list_display = [
        "name",
        "is_active",
        "small_shortfall_k",
        "small_ratio",
        "medium_shortfall_k",
        "medium_ratio",
        "large_ratio",
        "grace_hours",
    ]


@admin.register(InboxMessage)
class InboxMessageAdmin(SystemAdministratorOnly, admin.ModelAdmin):
    list_display = ["user", "text", "created_at", "read_at"]
    list_filter = ["read_at"]
    actions = ["mark_read"]

    @admin.action(description=_("标记为已读"))
    def mark_read(self, request, queryset):
        count = queryset.filter(read_at__isnull=True).update(read_at=timezone.now())
        self.message_user(request, ngettext("%d 条消息已读", "%d 条消息已读", count) % count)


@admin.register(LookupFailure)
class LookupFailureAdmin(SystemAdministratorOnly, admin.ModelAdmin):
    """Failed public look-ups; deleting them lifts a rate limit early."""

    list_display = ["ip", "number", "at"]
    search_fields = ["ip", "number"]
    actions = ["lift_limit"]

    @admin.action(description=_("解除所选记录的查询限制"))
    def lift_limit(self, request, queryset):
        count, _deleted = queryset.delete()
        self.message_user(request, ngettext("已删除 %d 条记录", "已删除 %d 条记录", count) % count)


@admin.register(ReplyTemplate)
class ReplyTemplateAdmin(SystemAdministratorOnly, admin.ModelAdmin):
    """Reply templates of every company (companies keep their own on the console page)."""

    list_display = ["title", "company", "category", "is_active"]
    list_filter = ["company", "category", "is_active"]
    search_fields = ["title", "text"]

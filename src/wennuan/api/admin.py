from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import ApiClient


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    """Tokens are issued by `wennuan manage create_api_client NAME`; here only (de)activated."""

    list_display = ["name", "is_active", "created_at"]
    fields = ["name", "is_active"]
    actions = ["deactivate_clients", "activate_clients"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("停用所选接口客户端（令牌立即失效）"))
    def deactivate_clients(self, request, queryset):
        count = queryset.update(is_active=False)
        self.message_user(
            request, ngettext("已停用 %d 个客户端", "已停用 %d 个客户端", count) % count
        )

    @admin.action(description=_("启用所选接口客户端"))
    def activate_clients(self, request, queryset):
        count = queryset.update(is_active=True)
        self.message_user(
            request, ngettext("已启用 %d 个客户端", "已启用 %d 个客户端", count) % count
        )

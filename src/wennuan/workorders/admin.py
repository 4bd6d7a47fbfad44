from django.contrib import admin

from .models import ApiClient, DeadlinePolicy, Event, ManagerAccount, WorkOrder


@admin.register(DeadlinePolicy)
class DeadlinePolicyAdmin(admin.ModelAdmin):
    list_display = ["category", "sign_minutes", "onsite_minutes", "resolve_minutes", "clock"]


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    """Tokens are issued by `wennuan manage create_api_client NAME`; here only (de)activated."""

    list_display = ["name", "is_active", "created_at"]
    fields = ["name", "is_active"]

    def has_add_permission(self, request):
        return False


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
    list_filter = ["state", "category", "company", "overdue"]
    search_fields = ["number"]


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["order", "action", "from_state", "to_state", "actor_label", "at"]


@admin.register(ManagerAccount)
class ManagerAccountAdmin(admin.ModelAdmin):
    """Which register entry a community manager's login stands for (scopes what they read)."""

    list_display = ["user", "manager"]
    autocomplete_fields = []
    raw_id_fields = ["user", "manager"]

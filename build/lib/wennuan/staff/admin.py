"""The admin's user page carries the staff profile (role, company), like `wennuan createstaff`:
saving it puts the login in its role's group."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from .models import StaffProfile
from .roles import assign_role_group, sync_role_groups


class StaffProfileInline(admin.StackedInline):
    model = StaffProfile
    can_delete = False
    max_num = 1
    fields = ["role", "company", "display_name", "phone"]


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    inlines = [StaffProfileInline]
    list_display = ["username", "staff_role", "staff_company", "is_active", "last_login"]
    list_select_related = ["staff_profile__company"]

    @admin.display(description=_("角色"))
    def staff_role(self, user):
        profile = getattr(user, "staff_profile", None)
        return profile.get_role_display() if profile else "—"

    @admin.display(description=_("热力公司"))
    def staff_company(self, user):
        profile = getattr(user, "staff_profile", None)
        return profile.company if profile and profile.company else "—"

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        profile = StaffProfile.objects.filter(user=form.instance).first()
        if profile is not None:
            sync_role_groups()
            assign_role_group(form.instance, profile.role)

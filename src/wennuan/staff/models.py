"""Staff profiles: the role of each login and, for company staff, their company."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import COMPANY_ROLES, Role


class StaffProfile(models.Model):
    """The role of a staff login; company roles are scoped to exactly one company."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("账号"),
        related_name="staff_profile",
        on_delete=models.CASCADE,
    )
    role = models.CharField(_("角色"), max_length=30, choices=Role.choices)
    company = models.ForeignKey(
        "registry.HeatingCompany",
        verbose_name=_("热力公司"),
        related_name="staff",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("企业角色必填；主管部门人员留空"),
    )
    display_name = models.CharField(_("姓名"), max_length=40)
    phone = models.CharField(_("电话"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("工作人员")
        verbose_name_plural = _("工作人员")
        constraints = [
            models.CheckConstraint(
                name="company_roles_have_company",
                condition=~Q(role__in=sorted(COMPANY_ROLES)) | Q(company__isnull=False),
            ),
            models.CheckConstraint(
                name="city_roles_have_no_company",
                condition=~Q(role__in=["supervisor", "admin"]) | Q(company__isnull=True),
            ),
        ]

    def __str__(self):
        return f"{self.display_name} ({self.get_role_display()})"

    def clean(self):
        if self.role in COMPANY_ROLES and not self.company_id:
            raise ValidationError({"company": _("该角色必须属于一家热力公司")})
        if self.role in (Role.SUPERVISOR, Role.ADMIN) and self.company_id:
            raise ValidationError({"company": _("主管部门人员不属于热力公司")})


def staff_name(user) -> str:
    """How a staff login is named to people: its profile's name (王调度), never the login
    (yongheng-engineer) unless it has no profile (a superuser made by createsuperuser)."""
    if user is None:
        return ""
    profile = getattr(user, "staff_profile", None)
    return profile.display_name if profile is not None else user.get_username()

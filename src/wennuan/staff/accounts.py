"""Making a staff login with its role: `wennuan createstaff` and the admin's user page.

The role lives in the login's :class:`StaffProfile` (role, company); the group ``role:<code>``
follows it and carries the model permissions (wennuan.staff.roles). A community manager's
login is linked to the register's entry of the manager of the given communities, which scopes
what they read.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from wennuan.registry.models import Community, HeatingCompany
from wennuan.workorders.models import ManagerAccount

from .choices import COMPANY_ROLES, Role
from .models import StaffProfile
from .roles import assign_role_group, sync_role_groups


def _manager_of(community_names: list[str], company):
    """The one register manager of the named communities (of the login's company)."""
    communities = list(Community.objects.filter(name__in=community_names).select_related("manager"))
    missing = sorted(set(community_names) - {c.name for c in communities})
    if missing:
        raise ValidationError(f"小区不存在：{'、'.join(missing)}")
    if company is not None:
        foreign = [c.name for c in communities if c.company_id != company.pk]
        if foreign:
            raise ValidationError(f"小区不属于 {company.short_name}：{'、'.join(foreign)}")
    managers = {c.manager for c in communities}
    if None in managers:
        raise ValidationError("这些小区在登记表中没有小区管理员：请先在登记表中填写管理员")
    if len(managers) != 1:
        raise ValidationError(
            "这些小区的管理员不是同一人（" + "、".join(sorted(str(m) for m in managers if m)) + "）"
        )
    return managers.pop()


@transaction.atomic
def save_staff(
    username: str,
    role: str,
    *,
    company_code: str | None = None,
    communities: list[str] | None = None,
    display_name: str = "",
    phone: str = "",
    password: str | None = None,
):
    """Create or update the login ``username`` with its role; returns (user, created).

    Raises ValidationError with a message for the operator (bad role, unknown company, a
    company role without a company, communities with different managers)."""
    if role not in Role.values:
        raise ValidationError(f"未知角色“{role}”，可选：{', '.join(Role.values)}")
    company = None
    if company_code:
        try:
            company = HeatingCompany.objects.get(code=company_code)
        except HeatingCompany.DoesNotExist:
            codes = ", ".join(HeatingCompany.objects.values_list("code", flat=True)) or "（无）"
            raise ValidationError(
                f"没有代码为“{company_code}”的热力公司（已有：{codes}）"
            ) from None
    if role in COMPANY_ROLES and company is None:
        raise ValidationError(f"角色 {role} 属于一家热力公司：请用 --company 指定公司代码")
    if role in (Role.SUPERVISOR, Role.ADMIN) and company is not None:
        raise ValidationError(f"角色 {role} 属于主管部门，不能指定热力公司")
    if communities and role != Role.COMMUNITY_MANAGER:
        raise ValidationError("只有小区管理员 (community_manager) 可以指定小区")
    manager = _manager_of(communities, company) if communities else None

    sync_role_groups()  # a database migrated before the roles existed still gets them
    User = get_user_model()
    user, created = User.objects.get_or_create(username=username)
    if password is not None:
        user.set_password(password)
    elif created:
        user.set_unusable_password()
    # The Django admin is the register's tool: only system administrators enter it.
    user.is_superuser = role == Role.ADMIN
    user.save()
    profile = StaffProfile.objects.filter(user=user).first() or StaffProfile(user=user)
    profile.role = role
    profile.company = company
    profile.display_name = display_name or profile.display_name or username
    if phone:
        profile.phone = phone
    profile.full_clean()
    profile.save()
    assign_role_group(user, role)
    if manager is not None:
        ManagerAccount.objects.update_or_create(user=user, defaults={"manager": manager})
    return user, created

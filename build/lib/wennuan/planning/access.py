"""Who may see and change plans (design §2): company staff their company, the bureau and
supervisors every company; only dispatch engineers (and admins) compute, adjust, approve."""

from django.core.exceptions import PermissionDenied

from wennuan.registry.models import HeatingCompany
from wennuan.staff.access import sees_all_companies, staff_role, user_company_id
from wennuan.staff.choices import Role

PLAN_EDIT_ROLES = frozenset({Role.DISPATCH_ENGINEER, Role.ADMIN})


def visible_companies(user):
    """Companies whose plans ``user`` may read (none for non-staff)."""
    if staff_role(user) is None:
        return HeatingCompany.objects.none()
    if sees_all_companies(user):
        return HeatingCompany.objects.all()
    return HeatingCompany.objects.filter(id=user_company_id(user))


def can_edit_plans(user, company) -> bool:
    """Compute, adjust, re-run and approve plans of ``company``."""
    role = staff_role(user)
    if role == Role.ADMIN:
        return True
    return role == Role.DISPATCH_ENGINEER and user_company_id(user) == company.id


def require_plan_editor(user, company) -> None:
    if not can_edit_plans(user, company):
        raise PermissionDenied

"""Who may see and update readiness: every staff user sees (company staff only their own
company's rows); company staff update their own company's items; the bureau (supervisors,
admin) generates checklists and sees every company."""

from django.core.exceptions import PermissionDenied

from wennuan.staff.access import (
    scope_to_company,
    sees_all_companies,
    staff_role,
    user_company_id,
)
from wennuan.staff.choices import CITY_WIDE_ROLES, COMPANY_ROLES


def require_staff(user) -> str:
    role = staff_role(user)
    if role is None:
        raise PermissionDenied
    return role


def require_reader(user) -> int | None:
    """None for the bureau (every company's progress), the company id for company staff;
    403 for anyone else."""
    require_staff(user)
    if sees_all_companies(user):
        return None
    company_id = user_company_id(user)
    if company_id is None:
        raise PermissionDenied
    return company_id


def readiness_scope(queryset, user):
    return scope_to_company(queryset, user)


def may_update_company(user, company_id: int) -> bool:
    return staff_role(user) in COMPANY_ROLES and user_company_id(user) == company_id


def require_update(user, company_id: int) -> None:
    if not may_update_company(user, company_id):
        raise PermissionDenied


def is_bureau(user) -> bool:
    return staff_role(user) in CITY_WIDE_ROLES


def require_bureau(user) -> None:
    if not is_bureau(user):
        raise PermissionDenied

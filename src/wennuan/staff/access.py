"""Access helpers: the few functions every view and API endpoint asks about a user.

Company staff never see another company's data (design §2). Which companies, communities and
orders a user may see on each desk is ``wennuan.staff.scope``'s table; this module answers
only who the user is (role, company).
"""

from django.core.exceptions import PermissionDenied

from .choices import Role

# Roles a login can hold by group membership alone: they need no company (a bureau operator
# takes calls for the whole city). Company roles need the profile's company.
_GROUP_ONLY_ROLES = (Role.ADMIN, Role.SUPERVISOR, Role.OPERATOR)


def _role_from_groups(user) -> str | None:
    """The role of a login put in a ``role:<code>`` group without a staff profile."""
    cached = getattr(user, "_wennuan_group_role", False)
    if cached is not False:
        return cached
    names = set(user.groups.filter(name__startswith="role:").values_list("name", flat=True))
    role = next((r for r in _GROUP_ONLY_ROLES if f"role:{r}" in names), None)
    user._wennuan_group_role = role
    return role


def staff_role(user) -> str | None:
    """The role of a logged-in staff user, or None (anonymous, citizen, no role).

    The role is the login's StaffProfile (`wennuan createstaff`, the admin's user page); a login
    with no profile holds the role of its ``role:<code>`` group when that role needs no company.
    """
    if not getattr(user, "is_authenticated", False):
        return None
    profile = getattr(user, "staff_profile", None)
    if profile is None:
        return Role.ADMIN if user.is_superuser else _role_from_groups(user)
    return profile.role


def user_company_id(user) -> int | None:
    profile = getattr(user, "staff_profile", None)
    return profile.company_id if profile else None


def require_role(user, *roles: str) -> str:
    """The user's role if it is one of ``roles``; PermissionDenied otherwise."""
    role = staff_role(user)
    if role is None or (roles and role not in roles):
        raise PermissionDenied
    return role

"""Each role of design §2 is a Django group with model permissions.

Groups are (re)created after every migrate so that they exist in every database, and a
profile's role keeps the user's group membership in step.
"""

from django.contrib.auth.models import Group, Permission

from .choices import Role

_REGISTER_MODELS = [
    "city",
    "heatingcompany",
    "serviceline",
    "dutyshift",
    "heatsource",
    "substation",
    "manager",
    "community",
    "networkjunction",
    "networkpipe",
    "sourceconnection",
    "heatingseason",
]


def _register_perms(*actions: str) -> list[tuple[str, str]]:
    return [("registry", f"{action}_{model}") for model in _REGISTER_MODELS for action in actions]


ROLE_PERMISSIONS: dict[str, list[tuple[str, str]]] = {
    Role.ADMIN: _register_perms("view", "add", "change", "delete")
    + [("staff", f"{a}_staffprofile") for a in ("view", "add", "change", "delete")]
    + [("auth", f"{a}_user") for a in ("view", "add", "change")],
    Role.SUPERVISOR: _register_perms("view"),
    Role.OPERATOR: [("registry", "view_community"), ("registry", "view_heatingcompany")],
    Role.COMPANY_DISPATCHER: _register_perms("view"),
    Role.TECHNICIAN: [("registry", "view_community")],
    Role.COMMUNITY_MANAGER: [("registry", "view_community"), ("registry", "view_manager")],
    Role.DISPATCH_ENGINEER: _register_perms("view"),
}


_ORDER_MODELS = ["workorder", "event", "visit", "reading", "callback"]


def _order_perms(*actions: str) -> list[tuple[str, str]]:
    return [("workorders", f"{action}_{model}") for model in _ORDER_MODELS for action in actions]


# Orders change only through wennuan.workorders.actions; these model permissions say who may
# read them (and the admin edits the deadline policies and API clients).
for _role in (
    Role.SUPERVISOR,
    Role.OPERATOR,
    Role.COMPANY_DISPATCHER,
    Role.TECHNICIAN,
    Role.COMMUNITY_MANAGER,
):
    ROLE_PERMISSIONS[_role] = ROLE_PERMISSIONS[_role] + _order_perms("view")
ROLE_PERMISSIONS[Role.ADMIN] = (
    ROLE_PERMISSIONS[Role.ADMIN]
    + _order_perms("view")
    + [("workorders", f"{a}_deadlinepolicy") for a in ("view", "change")]
    + [("api", f"{a}_apiclient") for a in ("view", "change")]
)


def group_name(role: str) -> str:
    return f"role:{role}"


def sync_role_groups(**_kwargs) -> None:
    """Create every role group with exactly its permissions (idempotent)."""
    for role in Role:
        group, _created = Group.objects.get_or_create(name=group_name(role))
        wanted = ROLE_PERMISSIONS.get(role, [])
        permissions = [
            Permission.objects.get(content_type__app_label=app, codename=codename)
            for app, codename in wanted
            if Permission.objects.filter(content_type__app_label=app, codename=codename).exists()
        ]
        group.permissions.set(permissions)


def assign_role_group(user, role: str) -> None:
    """Put the user in the group of their role and out of every other role group.

    Only administrators use the Django admin (the register); every other role works in the
    console, so ``is_staff`` follows the role."""
    is_admin = role == Role.ADMIN
    if user.is_staff != is_admin:
        user.is_staff = is_admin
        user.save(update_fields=["is_staff"])
    role_groups = Group.objects.filter(name__startswith="role:")
    user.groups.remove(*role_groups.exclude(name=group_name(role)))
    user.groups.add(Group.objects.get(name=group_name(role)))

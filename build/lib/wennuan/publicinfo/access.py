"""Who may edit public information: the bureau's supervisors and the administrator."""

from django.core.exceptions import PermissionDenied

from wennuan.staff.access import staff_role
from wennuan.staff.choices import Role

EDITOR_ROLES = (Role.SUPERVISOR, Role.ADMIN)


def may_edit_content(user) -> bool:
    return staff_role(user) in EDITOR_ROLES


def require_editor(user) -> None:
    """PermissionDenied unless the user edits public content (other staff and outsiders: 403)."""
    if not may_edit_content(user):
        raise PermissionDenied

"""Who may update readiness. Who may read it (and generate checklists) is the scope table's
(``wennuan.staff.scope``, desks READINESS and READINESS_MANAGE): company staff update their
own company's items."""

from django.core.exceptions import PermissionDenied

from wennuan.staff.access import staff_role, user_company_id
from wennuan.staff.choices import COMPANY_ROLES


def may_update_company(user, company_id: int) -> bool:
    return staff_role(user) in COMPANY_ROLES and user_company_id(user) == company_id


def require_update(user, company_id: int) -> None:
    if not may_update_company(user, company_id):
        raise PermissionDenied

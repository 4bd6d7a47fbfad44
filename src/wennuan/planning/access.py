"""Who may change plans (design §2): only dispatch engineers (their company) and admins
compute, adjust, approve. Who reads plans is the scope table's (``wennuan.staff.scope``, desk
PLANS; computing is desk PLAN_COMPUTE)."""

from django.core.exceptions import PermissionDenied

from wennuan.registry.models import HeatingCompany
from wennuan.staff.scope import Desk, company_scope


def visible_companies(user):
    """Companies whose plans ``user`` may read (none for non-staff)."""
    return company_scope(user, Desk.PLANS, strict=False).companies(HeatingCompany.objects.all())


def compute_companies(user):
    """Companies whose plans ``user`` may compute, adjust and approve."""
    return company_scope(user, Desk.PLAN_COMPUTE, strict=False).companies(
        HeatingCompany.objects.order_by("code")
    )


def can_edit_plans(user, company) -> bool:
    """Compute, adjust, re-run and approve plans of ``company``."""
    return company_scope(user, Desk.PLAN_COMPUTE, strict=False).contains_company(company.id)


def require_plan_editor(user, company) -> None:
    if not can_edit_plans(user, company):
        raise PermissionDenied

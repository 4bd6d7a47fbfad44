"""Who may do what with outreach visits and plan items (design §2)."""

from django.core.exceptions import PermissionDenied

from wennuan.staff.access import staff_role, user_company_id
from wennuan.staff.choices import CITY_WIDE_ROLES, Role

from .models import OutreachVisit, PlanItem

# Company roles that answer for plan items (the desk and the managers on the ground).
ITEM_OWNER_ROLES = frozenset(
    {Role.COMPANY_DISPATCHER, Role.COMMUNITY_MANAGER, Role.DISPATCH_ENGINEER}
)


def is_bureau(user) -> bool:
    return staff_role(user) in CITY_WIDE_ROLES


def require_reader(user) -> int | None:
    """None for the bureau (sees everything), the company id for company staff; 403 else."""
    if is_bureau(user):
        return None
    company_id = user_company_id(user)
    if staff_role(user) is None or company_id is None:
        raise PermissionDenied
    return company_id


def visible_items(user):
    company_id = require_reader(user)
    items = PlanItem.objects.all()
    return items if company_id is None else items.filter(company_id=company_id)


def visible_visits(user):
    company_id = require_reader(user)
    visits = OutreachVisit.objects.all()
    if company_id is None:
        return visits
    return visits.filter(items__company_id=company_id).distinct()


def may_mark_done(user, item: PlanItem) -> bool:
    if is_bureau(user):
        return True
    return staff_role(user) in ITEM_OWNER_ROLES and user_company_id(user) == item.company_id


def require_bureau(user) -> None:
    if not is_bureau(user):
        raise PermissionDenied

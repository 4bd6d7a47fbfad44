"""Who may do what with outreach visits and plan items (design §2). Who reads them and who
manages them (records visits, adds, closes or sends back items) is the scope table's
(``wennuan.staff.scope``, desks OUTREACH and OUTREACH_MANAGE)."""

from wennuan.staff.access import staff_role, user_company_id
from wennuan.staff.choices import Role
from wennuan.staff.scope import Desk, company_scope, may_open

from .models import OutreachVisit, PlanItem

# Company roles that answer for plan items (the desk and the managers on the ground).
ITEM_OWNER_ROLES = frozenset(
    {Role.COMPANY_DISPATCHER, Role.COMMUNITY_MANAGER, Role.DISPATCH_ENGINEER}
)


def may_manage(user) -> bool:
    return may_open(user, Desk.OUTREACH_MANAGE)


def visible_items(user):
    return company_scope(user, Desk.OUTREACH).filter(PlanItem.objects.all())


def visible_visits(user):
    """Every visit for a city-wide reader; a company's readers the visits with an item of
    their company."""
    scope = company_scope(user, Desk.OUTREACH)
    visits = OutreachVisit.objects.all()
    if scope.sees_all:
        return visits
    return visits.filter(items__company_id=scope.company_id).distinct()


def may_mark_done(user, item: PlanItem) -> bool:
    if may_manage(user):
        return True
    return staff_role(user) in ITEM_OWNER_ROLES and user_company_id(user) == item.company_id

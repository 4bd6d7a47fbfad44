"""Who may see and do what with work orders, built on ``wennuan.staff.access``.

Views, the API and the actions ask these helpers; the permission-matrix tests cover them.
A company's users never see another company's orders (design §2); a technician sees the
orders assigned to them; an API client sees the orders it pushed.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from wennuan.staff.access import scope_to_company, sees_all_companies, staff_role, user_company_id
from wennuan.staff.choices import Role

from .models import ApiClient, WorkOrder
from .transitions import API_CLIENT_ACTIONS, CREATE_ROLES, TRANSITIONS

__all__ = ["API_CLIENT_ACTIONS", "ACTION_ROLES", "may_act", "require_action", "order_queryset"]

# Roles that may read orders at all (dispatch engineers plan heat; they do not handle orders).
ORDER_READERS = frozenset(
    {
        Role.SUPERVISOR,
        Role.ADMIN,
        Role.OPERATOR,
        Role.COMPANY_DISPATCHER,
        Role.TECHNICIAN,
        Role.COMMUNITY_MANAGER,
    }
)

# Which roles may run each action (design §2), from the transition table. The company /
# assignee check comes on top.
ACTION_ROLES: dict[str, frozenset[str]] = {
    "create": CREATE_ROLES,
    **{action: transition.roles for action, transition in TRANSITIONS.items()},
}


class Citizen:
    """An anonymous resident on the public complaint form: may only create an order."""

    label = "市民（网站）"


CITIZEN = Citizen()


def order_queryset(user):
    """The orders a staff user may read."""
    role = staff_role(user)
    if role not in ORDER_READERS:
        return WorkOrder.objects.none()
    orders = WorkOrder.objects.all()
    if role == Role.TECHNICIAN:
        return orders.filter(assignee=user, company_id=user_company_id(user))
    if role == Role.COMMUNITY_MANAGER:
        # Their own communities only (a login not yet linked to a manager sees none).
        return orders.filter(
            company_id=user_company_id(user), community__manager__login_account__user=user
        )
    return scope_to_company(orders, user)


def access_order(user, number: str) -> WorkOrder:
    """The order with that number if the user may read it; 404 otherwise (no existence leak)."""
    order = (
        order_queryset(user)
        .select_related("community", "company", "assignee", "master")
        .filter(number=number)
        .first()
    )
    if order is None:
        raise Http404
    return order


def may_act(actor, action: str, order: WorkOrder | None = None) -> bool:
    """Whether ``actor`` (a user, an ApiClient, or None for the system) may run ``action``."""
    if actor is None:  # the system: the worker presses, planning opens proactive orders
        return action in ("press", "create")
    if isinstance(actor, Citizen):
        return action == "create"
    if isinstance(actor, ApiClient):
        if action == "create":
            return actor.is_active
        return (
            actor.is_active
            and action in API_CLIENT_ACTIONS
            and (order is None or order.api_client_id == actor.pk)
        )
    role = staff_role(actor)
    if role is None or role not in ACTION_ROLES.get(action, ()):
        return False
    if order is None:
        return True
    if role == Role.TECHNICIAN and order.assignee_id != actor.pk:
        return False
    if sees_all_companies(actor):
        return True
    # Company staff act on their company's orders only; unrouted orders belong to the bureau.
    return order.company_id is not None and order.company_id == user_company_id(actor)


def require_action(actor, action: str, order: WorkOrder | None = None) -> None:
    if not may_act(actor, action, order):
        raise PermissionDenied

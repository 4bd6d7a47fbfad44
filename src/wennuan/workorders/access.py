"""Who may see and do what with work orders, built on ``wennuan.staff.access``.

Views, the API and the actions ask these helpers; the permission-matrix tests cover them.
A company's users never see another company's orders (design §2); a technician sees the
orders assigned to them; an API client sees the orders it pushed.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from wennuan.api.models import ApiClient
from wennuan.staff.access import staff_role
from wennuan.staff.scope import Desk, company_scope

from .models import WorkOrder
from .transitions import API_CLIENT_ACTIONS, CREATE_ROLES, TRANSITIONS

__all__ = ["API_CLIENT_ACTIONS", "ACTION_ROLES", "may_act", "require_action", "order_queryset"]

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
    """The orders a staff user may read (the scope table's ORDERS desk: a technician the
    orders assigned to them, a community manager those of its communities)."""
    scope = company_scope(user, Desk.ORDERS, strict=False)
    return scope.orders(WorkOrder.objects.all(), prefer_other_indexes=False)


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
    # On the orders they may read: a technician's assigned, a company's own; unrouted orders
    # belong to the bureau.
    return company_scope(actor, Desk.ORDERS, strict=False).contains_order(order)


def require_action(actor, action: str, order: WorkOrder | None = None) -> None:
    if not may_act(actor, action, order):
        raise PermissionDenied

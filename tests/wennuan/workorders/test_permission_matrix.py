"""The permission matrix of design §2, generated: every action of the transition table ×
every persona × an order of their own company and one of another company.

The expectation is written here from the design, not read from the table, so a table row
that gives the wrong roles fails; an action missing from this matrix fails too."""

import pytest

from wennuan.api.models import ApiClient
from wennuan.staff.choices import Role
from wennuan.workorders import actions
from wennuan.workorders.access import CITIZEN, may_act
from wennuan.workorders.models import Event, WorkOrder
from wennuan.workorders.transitions import TRANSITIONS

BUREAU_DESK = {"dispatch", "resolve_immediately", "merge", "reject"}
# Design §2: what each role may do on an order it may act on.
DESIGN = {
    Role.OPERATOR: BUREAU_DESK,
    Role.SUPERVISOR: BUREAU_DESK
    | {"decide_extension", "reroute", "refuse_return", "press", "supervise", "callback"}
    | {"close", "publish_reply", "withdraw_reply"},
    Role.COMPANY_DISPATCHER: {
        "accept",
        "assign",
        "record_visit",
        "reply",
        "request_extension",
        "return",
    },
    Role.TECHNICIAN: {"record_visit"},  # on the orders assigned to them
    Role.COMMUNITY_MANAGER: set(),
    Role.DISPATCH_ENGINEER: set(),
    Role.ADMIN: {"publish_reply", "withdraw_reply"},
}
# persona → (role, acts on every company's orders)
PERSONAS = {
    "supervisor": (Role.SUPERVISOR, True),
    "admin": (Role.ADMIN, True),
    "bureau_operator": (Role.OPERATOR, True),
    "operator": (Role.OPERATOR, False),  # a company's own hotline desk
    "dispatcher": (Role.COMPANY_DISPATCHER, False),
    "technician": (Role.TECHNICIAN, False),
    "community_manager": (Role.COMMUNITY_MANAGER, False),
    "dispatch_engineer": (Role.DISPATCH_ENGINEER, False),
    "south_dispatcher": (Role.COMPANY_DISPATCHER, False),
    "outsider": (None, False),
}
API_CLIENT = {"press", "callback", "close"}  # on the orders the client pushed


def test_the_matrix_covers_every_action_of_the_table():
    covered = set().union(*DESIGN.values())
    assert covered == set(TRANSITIONS), "add the new action to the design matrix"


@pytest.fixture
def orders(make_order, personas):
    """persona name → {"own": order, "other": order} (by the persona's company)."""
    north = make_order("剑桥学府")
    south = make_order("金鼎小区")
    WorkOrder.objects.filter(pk=north.pk).update(assignee=personas["technician"])
    WorkOrder.objects.filter(pk=south.pk).update(assignee=personas["technician"])
    north.refresh_from_db()
    south.refresh_from_db()
    return {
        name: {"own": south, "other": north}
        if name == "south_dispatcher"
        else {"own": north, "other": south}
        for name in PERSONAS
    }


@pytest.mark.parametrize("action", sorted(TRANSITIONS))
def test_every_persona_on_own_and_other_company(action, personas, orders, client):
    for name, (role, city_wide) in PERSONAS.items():
        for side in ("own", "other"):
            order = orders[name][side]
            expected = action in DESIGN.get(role, set()) and (city_wide or side == "own")
            assert may_act(personas[name], action, order) is expected, (name, action, side)
            if expected or (side == "own" and action in DESIGN.get(role, set())):
                continue
            # Over HTTP the refusal changes nothing (403, or 404 where the order is hidden);
            # checked once per persona and action (the other company's order where the role
            # has the right but not there).
            events = Event.objects.filter(order=order).count()
            client.force_login(personas[name])
            response = client.post(
                f"/console/orders/{order.number}/act/{action}/",
                {"reason": "x", "reply": "x", "expected_state": order.state},
            )
            assert response.status_code in (302, 403, 404), (name, action, side)
            assert response.status_code != 302 or response["Location"].startswith("/accounts/")
            assert Event.objects.filter(order=order).count() == events, (name, action, side)


@pytest.mark.parametrize("action", sorted(TRANSITIONS))
def test_api_clients_citizens_and_the_system(action, make_order):
    pusher, _token = ApiClient.issue("12345平台")
    stranger, _token = ApiClient.issue("其他平台")
    order = make_order()
    WorkOrder.objects.filter(pk=order.pk).update(api_client=pusher)
    order.refresh_from_db()
    assert may_act(pusher, action, order) is (action in API_CLIENT)
    assert not may_act(stranger, action, order)
    assert not may_act(CITIZEN, action, order)
    assert may_act(None, action, order) is (action == "press")  # the worker presses


def test_offers_follow_the_table(personas, make_order):
    """A screen offers an action only where the table's states and condition hold and the
    persona may run it; every offered action is runnable by the persona."""
    order = make_order()
    for name in PERSONAS:
        offered = actions.offered_actions(personas[name], order)
        for action in offered:
            assert may_act(personas[name], action, order)
            assert order.state in TRANSITIONS[action].from_states
    assert actions.offered_actions(personas["dispatcher"], order) == ["accept", "return"]
    assert "reject" in actions.offered_actions(personas["bureau_operator"], order)

"""The work-order state machine in one table (design §4.2): for each action on an existing
order, the states it may start from, the states it may lead to, the roles that may run it
(design §2), when a screen offers it, what the screen asks for and the button's words.

Everything else derives from this table: ``access.ACTION_ROLES`` and ``API_CLIENT_ACTIONS``,
the states each ``actions.do_<action>`` accepts, the console's offers, forms and buttons, the
API's action list, the demo history's checks and the generated permission matrix test.
Adding an action means a row here, its ``do_<action>`` change function in ``actions`` and its
test (see ``withdraw_reply``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from wennuan.staff.choices import Role

from .choices import IMMEDIATE_CATEGORIES, OPEN_STATES, State

# What a screen may ask for, by name; the console and the API parse each one the same way
# wherever it appears. ``do_<action>`` takes them positionally in the order of ``form``.
FORM_FIELDS = frozenset(
    {
        "technician",  # a technician of the order's company
        "reply",  # the reply text
        "community",  # a community name (routing)
        "until",  # a moment (an extension's end)
        "deadline",  # a moment (a supervision deadline)
        "approve",  # yes / no (two buttons)
        "reason",  # free text, required where the action says so
        "satisfaction",  # Satisfaction code
        "note",  # free text
        "master",  # another order's number
    }
)


def _always(order) -> bool:
    return True


@dataclass(frozen=True)
class Transition:
    from_states: frozenset[str]
    to_states: frozenset[str]  # empty: the order keeps its state
    roles: frozenset[str]
    button: str | Promise
    form: tuple[str, ...] = ()
    offered_if: Callable = _always
    api: bool = False  # another hotline system may run it on the orders it pushed
    expected_state: bool = True  # do_<action> checks the state the actor saw
    page: str = ""  # the console URL name of an action with its own page

    def offered_for(self, order) -> bool:
        return order.state in self.from_states and self.offered_if(order)


BUREAU_DESK = frozenset({Role.OPERATOR, Role.SUPERVISOR})
COMPANY_DESK = frozenset({Role.COMPANY_DISPATCHER})
SUPERVISOR = frozenset({Role.SUPERVISOR})
# The reviewer of publications (issue 16): the bureau, or the system administrator.
REVIEWERS = frozenset({Role.SUPERVISOR, Role.ADMIN})

WORKING = frozenset({State.ACCEPTED, State.IN_PROGRESS})
PRESSABLE = frozenset(OPEN_STATES - {State.RECEIVED, State.RETURNED})
# States in which an order carries a reply the public may see (a reopened order keeps its
# earlier reply public until a new one replaces it).
REPLIED = frozenset({State.RESOLVED, State.CALLBACK_DONE, State.CLOSED, State.REOPENED})


def _s(*states) -> frozenset[str]:
    return frozenset(states)


# Roles that may open an order (not a transition: there is no order yet).
CREATE_ROLES = BUREAU_DESK

TRANSITIONS: dict[str, Transition] = {
    "dispatch": Transition(
        _s(State.RECEIVED), _s(State.DISPATCHED), BUREAU_DESK, _("派单"), ("community",)
    ),
    "resolve_immediately": Transition(
        _s(State.RECEIVED, State.DISPATCHED),
        _s(State.RESOLVED),
        BUREAU_DESK,
        _("即时办结"),
        ("reply",),
        offered_if=lambda order: order.category in IMMEDIATE_CATEGORIES,
        expected_state=False,
    ),
    "accept": Transition(
        _s(State.DISPATCHED, State.REOPENED), _s(State.ACCEPTED), COMPANY_DESK, _("签收")
    ),
    "assign": Transition(WORKING, _s(State.IN_PROGRESS), COMPANY_DESK, _("指派"), ("technician",)),
    "record_visit": Transition(
        WORKING,
        _s(State.IN_PROGRESS),
        frozenset({Role.TECHNICIAN, Role.COMPANY_DISPATCHER}),
        _("记录入户"),
        page="console:order_visit",
    ),
    "reply": Transition(WORKING, _s(State.RESOLVED), COMPANY_DESK, _("答复办结"), ("reply",)),
    "return": Transition(
        _s(State.DISPATCHED, State.ACCEPTED),
        _s(State.RETURNED),
        COMPANY_DESK,
        _("退单"),
        ("reason",),
    ),
    "request_extension": Transition(
        WORKING,
        frozenset(),
        COMPANY_DESK,
        _("申请延期"),
        ("until", "reason"),
        offered_if=lambda order: not order.extension_requested,
    ),
    "decide_extension": Transition(
        WORKING,
        frozenset(),
        SUPERVISOR,
        _("审批延期"),
        ("approve", "reason"),
        offered_if=lambda order: order.extension_requested,
    ),
    "reroute": Transition(
        _s(State.RETURNED, State.DISPATCHED, State.ACCEPTED),
        _s(State.DISPATCHED),
        SUPERVISOR,
        _("改派"),
        ("community", "reason"),
    ),
    "refuse_return": Transition(
        _s(State.RETURNED), _s(State.DISPATCHED), SUPERVISOR, _("驳回退单"), ("reason",)
    ),
    "press": Transition(
        PRESSABLE, frozenset(), SUPERVISOR, _("催办"), ("reason",), api=True, expected_state=False
    ),
    "supervise": Transition(
        PRESSABLE,
        frozenset(),
        SUPERVISOR,
        _("督办"),
        ("deadline", "reason"),
        expected_state=False,
    ),
    "callback": Transition(
        _s(State.RESOLVED),
        _s(State.CALLBACK_DONE, State.REOPENED),
        SUPERVISOR,
        _("回访"),
        ("satisfaction", "note"),
        api=True,
    ),
    "close": Transition(_s(State.CALLBACK_DONE), _s(State.CLOSED), SUPERVISOR, _("归档"), api=True),
    "merge": Transition(
        _s(State.RECEIVED, State.DISPATCHED, State.ACCEPTED),
        _s(State.MERGED),
        BUREAU_DESK,
        _("合并"),
        ("master", "reason"),
    ),
    "reject": Transition(
        _s(State.RECEIVED, State.DISPATCHED),
        _s(State.REJECTED),
        BUREAU_DESK,
        _("不予受理"),
        ("reason",),
    ),
    "publish_reply": Transition(
        REPLIED,
        frozenset(),
        REVIEWERS,
        _("审核通过，公开答复"),
        offered_if=lambda order: bool(order.reply) and not order.is_published,
        expected_state=False,
    ),
    "withdraw_reply": Transition(
        REPLIED,
        frozenset(),
        REVIEWERS,
        _("撤回答复"),
        ("reason",),
        offered_if=lambda order: order.is_published,
        expected_state=False,
    ),
}

# What another hotline system may do on the orders it pushed (it presses and calls back).
API_CLIENT_ACTIONS = frozenset(action for action, t in TRANSITIONS.items() if t.api)

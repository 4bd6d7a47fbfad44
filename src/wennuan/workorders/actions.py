"""Every change of a work order's state is one ``do_*`` function here (design §4.2).

Each runs in one transaction, checks the actor's right through ``access``, changes the row
with a conditional UPDATE on the state the actor saw (so of two dispatchers signing at once
exactly one wins), and appends an immutable Event. No other code writes ``state``, the flags
or the deadline columns.

``actor`` is a staff user, an ``ApiClient`` (another hotline system), or None for the
system's own worker.
"""

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.db.models.signals import post_save
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from wennuan.api.models import ApiClient
from wennuan.registry.models import City
from wennuan.staff.access import staff_role
from wennuan.staff.models import staff_name

from . import changes
from .access import Citizen, may_act, require_action
from .changes import VISIT_REQUIRED, ActionError, Change, Context, require_reason
from .choices import (
    HEAT_COMPLAINTS,
    OPEN_STATES,
    Action,
    State,
)
from .models import Callback, Event, OrderNumberCounter, Reading, Visit, WorkOrder
from .notify import notify_order_staff
from .rules import order_fee_reduction, promise_beyond_rule, reply_promises_reduction
from .transitions import TRANSITIONS

ACTION_LABELS = {action.value: action.label for action in Action}


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def _actor_columns(actor) -> tuple:
    # The label is stored untranslated (the source string): it is shown in the reader's
    # language (``wennuan.lib.systemtext``), not in the language of the process that acted.
    if actor is None:
        return None, gettext_noop("系统")
    if isinstance(actor, ApiClient):
        return None, f"{actor.name} (API)"
    if isinstance(actor, Citizen):
        return None, gettext_noop("市民（网站）")
    return actor, staff_name(actor)


def _append_event(order, actor, action, from_state, to_state, now, reason="", data=None):
    user, label = _actor_columns(actor)
    return Event.objects.create(
        order=order,
        actor=user,
        actor_label=label,
        at=now,
        action=action,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        data=data or {},
    )


def _state_label(state: str) -> str:
    return str(State(state).label) if state in State.values else state


def context(now: datetime) -> Context:
    """The live context of a change: deadlines and the publication rule from the database."""
    return changes.live_context(now, published_on_reply)


def apply(
    order: WorkOrder,
    actor,
    change: Change,
    *,
    now: datetime,
    expected_state: str | None = None,
    check_permission: bool = True,
) -> WorkOrder:
    """Write ``change`` in one transaction: the access check, the conditional UPDATE from the
    state the actor saw, the Event, the new rows and the notices (queued in the outbox)."""
    with transaction.atomic():
        if check_permission:
            require_action(actor, change.action, order)
        expected = expected_state or order.state
        if expected not in changes.allowed_from(change):
            raise ActionError(
                _("工单当前状态为“%(state)s”，不能%(action)s")
                % {
                    "state": _state_label(expected),
                    "action": ACTION_LABELS.get(change.action, change.action),
                },
                code="invalid_state",
            )
        values = changes.new_values(order, change, expected, now)
        updated = WorkOrder.objects.filter(pk=order.pk, state=expected, **change.guard).update(
            **values
        )
        if updated != 1:
            current = WorkOrder.objects.filter(pk=order.pk).values_list("state", flat=True).first()
            raise ActionError(
                _("工单已被他人处理（当前状态：%(state)s），请刷新页面后重试")
                % {"state": _state_label(current or "")},
                code="conflict",
            )
        order.refresh_from_db()
        _append_event(order, actor, change.action, expected, values["state"], now,
                      change.reason, change.data)  # fmt: skip
        _save_rows(change.rows)
        for notice in change.notices:
            notify_order_staff(order, notice.text, supervisors=notice.supervisors)
    return order


def _save_rows(rows: list) -> None:
    """Save new rows in order; a run of rows of one model in one INSERT (a visit's readings)."""
    rows = [
        Reading(visit=row.visit, room=row.room, kind=row.kind, temp_c=row.temp_c)
        if isinstance(row, changes.NewReading)
        else row
        for row in rows
    ]
    index = 0
    while index < len(rows):
        end = index + 1
        while end < len(rows) and type(rows[end]) is type(rows[index]):
            end += 1
        if end - index == 1:
            rows[index].save(force_insert=True)  # save(): a visit's photo is stored
        else:
            type(rows[index]).objects.bulk_create(rows[index:end])
        index = end


_require_reason = require_reason
# The validators and the visit clock live with the changes (pure); these names stay for the
# intake code that uses them.
_check_temperature = changes.check_temperature
_check_home_area = changes.check_home_area
visit_clock_fields = changes.visit_clock_fields


# ---------------------------------------------------------------------------------------------
# Intake and routing


def _last_stored_sequence(prefix: str) -> int:
    last = (
        WorkOrder.objects.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    return int(last[len(prefix) :]) if last else 0


def next_number(now: datetime) -> str:
    """GN + local date + five-digit sequence of the day, e.g. GN2026112700001.

    Must run inside the transaction that stores the order: the counter row stays locked until
    it commits, so concurrent intakes queue on it instead of colliding. The day's first number
    starts after the highest one already stored (the demo history writes numbers itself)."""
    prefix = changes.number_prefix(now)
    sequence = _increment_counter(prefix)
    if sequence is None:
        try:
            with transaction.atomic():
                sequence = _last_stored_sequence(prefix) + 1
                OrderNumberCounter.objects.create(prefix=prefix, last_sequence=sequence)
        except IntegrityError:
            # Another intake created the day's counter first (it waited for that commit).
            sequence = _increment_counter(prefix)
    return changes.order_number(prefix, sequence)


def _increment_counter(prefix: str) -> int | None:
    """The day's counter plus one, in one statement (UPDATE … RETURNING: SQLite ≥ 3.35 and
    PostgreSQL), or None if the day has no counter yet."""
    table = connection.ops.quote_name(OrderNumberCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET last_sequence = last_sequence + 1 WHERE prefix = %s "
            "RETURNING last_sequence",
            [prefix],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def do_create_order(
    actor,
    *,
    community=None,
    now: datetime | None = None,
    **values,
) -> WorkOrder:
    """Record a complaint (受理) and, when the community is known, route it to the community's
    company with deadlines (派单). Proactive orders (未诉先办) use channel "proactive".
    ``values``: the order's fields as ``changes.create`` takes them."""
    now = _now(now)
    require_action(actor, "create")
    new = changes.create(actor, context(now), community=community, **values)
    # The order is written once, as it stands after its dispatch (or entering the routing
    # queue): the same columns and events as recording it and then routing it, without the
    # second write and re-read (issue 18: the intake's cost).
    order, received = new.order, new.received()
    # No savepoint of its own: the callers' transaction (or this one) is the unit.
    with transaction.atomic(savepoint=False):
        for _attempt in range(5):
            order.number = received.number = next_number(now)
            try:
                with transaction.atomic():
                    order.save(force_insert=True)
                break
            except IntegrityError:
                # Only a number written past the counter (a bulk-loaded history) can be taken:
                # move the counter past the stored numbers; the next attempt gets a free one.
                order.pk = None
                order._state.adding = True
                prefix = order.number[:10]
                OrderNumberCounter.objects.filter(prefix=prefix).update(
                    last_sequence=_last_stored_sequence(prefix)
                )
                continue
        else:
            raise RuntimeError(f"order numbers after {order.number} are all taken")
        # The "create" event sees the order as it was received (the acceptance notice too).
        received.pk = order.pk
        received._state.adding = False
        user, label = _actor_columns(actor)
        events = [
            Event(order=received if from_state == "" else order, actor=user, actor_label=label,
                  at=now, action=step.action, from_state=from_state, to_state=step.to_state,
                  reason=step.reason, data=step.data)
            for from_state, step in new.steps
        ]  # fmt: skip
        # One INSERT for both; the receivers of each event (citizen notice, webhooks) run
        # as for a save, in the events' order (bulk_create itself sends no signal).
        Event.objects.bulk_create(events)
        for event in events:
            post_save.send(
                sender=Event, instance=event, created=True, update_fields=None, raw=False,
                using=event._state.db,
            )  # fmt: skip
    return order


def do_dispatch(order, actor, community, *, expected_state=None, now=None) -> WorkOrder:
    """Route an order received without a known community (派单)."""
    now = _now(now)
    require_action(actor, "dispatch", order)  # before the state: no hint to whom may not
    if expected_state and expected_state != order.state:
        raise ActionError(_("工单状态已变化，请刷新页面后重试"), code="conflict")
    return apply(order, actor, changes.dispatch(order, actor, context(now), community), now=now)


def do_resolve_immediately(order, actor, reply: str, *, now=None) -> WorkOrder:
    """即时办结: a consultation answered during the call (dates, fees, a manager's phone)."""
    now = _now(now)
    change = changes.resolve_immediately(order, actor, context(now), reply)
    return apply(order, actor, change, now=now)


# ---------------------------------------------------------------------------------------------
# The company's work


def do_accept(order, actor, *, expected_state=None, now=None) -> WorkOrder:
    """签收: the company's service desk takes the order (also after a reopen)."""
    now = _now(now)
    change = changes.accept(order, actor, context(now))
    return apply(order, actor, change, now=now, expected_state=expected_state)


def do_assign(order, actor, technician, *, expected_state=None, now=None) -> WorkOrder:
    """Assign a technician of the order's company (→ 办理中)."""
    now = _now(now)
    change = changes.assign(order, actor, context(now), technician)
    return apply(order, actor, change, now=now, expected_state=expected_state)


def do_record_visit(
    order, actor, *, visited_at: datetime | None = None, expected_state=None, now=None, **visit
) -> Visit:
    """入户: the technician's record (``visit``: the readings and findings as
    ``changes.record_visit`` takes them); the verdict follows from the rules (design §4.4)."""
    now = _now(now)
    change = changes.record_visit(order, actor, context(now), visited_at=visited_at or now, **visit)
    apply(order, actor, change, now=now, expected_state=expected_state)
    return change.rows[0]


def do_reply(order, actor, reply: str, *, expected_state=None, now=None) -> WorkOrder:
    """答复办结: the company's reply to the citizen; it is published (masked)."""
    now = _now(now)
    visited = order.category not in VISIT_REQUIRED or order.visits.exists()
    change = changes.reply(order, actor, context(now), reply, visited=visited)
    # After the reply's own checks (empty, visit first): what the reply may promise.
    _refuse_unfounded_promise(order, change.fields["reply"], now)
    return apply(order, actor, change, now=now, expected_state=expected_state)


do_resolve = do_reply


def _refuse_unfounded_promise(order, reply: str, now) -> None:
    """A reply may promise a fee reduction only when the rule (design §4.4) gives one: the
    citizen reads it publicly and would wait for money that is not coming. The rule speaks
    for complaints about the heat: a billing complaint's refund of an overcharge is not its."""
    if order.category not in HEAT_COMPLAINTS or not reply_promises_reduction(reply):
        return
    fee = order_fee_reduction(order, now)
    if fee is None or fee.amount_yuan <= 0:
        raise ActionError(
            _(
                "按退费规则本单不退热费（没有不达标的入户测温、缺房屋面积或属免责情形），答复中不能承诺退费"
            ),
            field="reply",
            code="no_reduction",
        )
    beyond = promise_beyond_rule(reply, fee.amount_yuan)
    if beyond is not None:
        raise ActionError(
            _("按退费规则本单应退 %(a)s 元，答复中不能承诺“%(b)s”")
            % {"a": fee.amount_yuan, "b": beyond},
            field="reply",
            code="beyond_rule",
        )


def published_on_reply() -> bool:
    """A reply goes public at once only where the city does not review publications."""
    return not City.publications_need_review()


def do_publish_reply(order, actor, *, now=None) -> WorkOrder:
    """公开答复: a reviewer has read the masked reply and publishes it on /replies/."""
    now = _now(now)
    return apply(order, actor, changes.publish_reply(order, actor, context(now)), now=now)


def do_withdraw_reply(order, actor, reason: str, *, now=None) -> WorkOrder:
    """撤回答复: a published reply leaves the public pages (e.g. it still names a person)."""
    now = _now(now)
    change = changes.withdraw_reply(order, actor, context(now), reason)
    return apply(order, actor, change, now=now)


def do_return(order, actor, reason: str, *, expected_state=None, now=None) -> WorkOrder:
    """退单: the company says the order is not theirs; the bureau reviews it."""
    now = _now(now)
    change = changes.return_(order, actor, context(now), reason)
    return apply(order, actor, change, now=now, expected_state=expected_state)


def do_request_extension(
    order, actor, until: datetime, reason: str, *, expected_state=None, now=None
) -> WorkOrder:
    """延期申请: asks the bureau to move the resolve deadline to ``until``."""
    now = _now(now)
    change = changes.request_extension(order, actor, context(now), until, reason)
    return apply(order, actor, change, now=now, expected_state=expected_state)


# ---------------------------------------------------------------------------------------------
# The bureau's supervision


def do_decide_extension(
    order, actor, approve: bool, reason: str = "", *, expected_state=None, now=None
) -> WorkOrder:
    now = _now(now)
    change = changes.decide_extension(order, actor, context(now), approve, reason)
    return apply(order, actor, change, now=now, expected_state=expected_state)


def do_reroute(
    order, actor, community, reason: str, *, company=None, expected_state=None, now=None
) -> WorkOrder:
    """改派: the bureau routes the order to another community/company (after a return or a
    wrong routing); the clock starts again."""
    now = _now(now)
    require_action(actor, "reroute", order)
    if expected_state and expected_state != order.state:
        raise ActionError(_("工单状态已变化，请刷新页面后重试"), code="conflict")
    change = changes.reroute(order, actor, context(now), community, reason, company=company)
    return apply(order, actor, change, now=now)


def do_refuse_return(order, actor, reason: str, *, expected_state=None, now=None) -> WorkOrder:
    """驳回退单: the order stays with the same company, whose clock starts again."""
    now = _now(now)
    change = changes.refuse_return(order, actor, context(now), reason)
    return apply(order, actor, change, now=now, expected_state=expected_state)


def do_press(order, actor, reason: str = "", *, now=None) -> WorkOrder:
    """催办: flags the order and notifies the company. The worker presses as the system."""
    now = _now(now)
    return apply(order, actor, changes.press(order, actor, context(now), reason), now=now)


def do_supervise(order, actor, deadline: datetime, reason: str, *, now=None) -> WorkOrder:
    """督办: the bureau sets a shorter resolve deadline."""
    now = _now(now)
    change = changes.supervise(order, actor, context(now), deadline, reason)
    return apply(order, actor, change, now=now)


def do_callback(
    order, actor, satisfaction: str, note: str = "", *, expected_state=None, now=None
) -> Callback:
    """回访: satisfied or basically satisfied → 已回访; unsatisfied → 重办 with a new clock."""
    now = _now(now)
    user = actor if staff_role(actor) else None
    change = changes.callback(order, actor, context(now), satisfaction, note, user=user)
    apply(order, actor, change, now=now, expected_state=expected_state)
    return change.rows[0]


def do_close(order, actor, *, expected_state=None, now=None) -> WorkOrder:
    """归档."""
    now = _now(now)
    change = changes.close(order, actor, context(now))
    return apply(order, actor, change, now=now, expected_state=expected_state)


def do_merge(order, actor, master, reason: str = "", *, expected_state=None, now=None):
    """重复件: ``order`` joins ``master``; its caller gets the master's reply."""
    now = _now(now)
    change = changes.merge(order, actor, context(now), master, reason)
    if not _may_see_both(actor, order, master):
        raise PermissionDenied
    return apply(order, actor, change, now=now, expected_state=expected_state)


def _may_see_both(actor, order, master) -> bool:
    return may_act(actor, "merge", order) and may_act(actor, "merge", master)


def do_reject(order, actor, reason: str, *, expected_state=None, now=None) -> WorkOrder:
    """不予受理: out of scope (not a heating matter)."""
    now = _now(now)
    change = changes.reject(order, actor, context(now), reason)
    return apply(order, actor, change, now=now, expected_state=expected_state)


# ---------------------------------------------------------------------------------------------
# The worker's two sweeps (conditional on the exact columns read: safe with several workers)


def auto_press(order, now: datetime) -> bool:
    """Press an order whose press moment has passed; False if another worker did it first."""
    return _as_worker(order, changes.auto_press, now)


def mark_overdue(order, now: datetime) -> bool:
    """Mark the breach of the current deadline once; notify the company and the bureau."""
    return _as_worker(order, changes.mark_overdue, now)


def _as_worker(order, change_function, now: datetime) -> bool:
    try:
        apply(order, None, change_function(order, context(now)), now=now, check_permission=False)
    except ActionError:
        return False  # another worker (or an action) changed the order first
    return True


def sweep(now: datetime | None = None, batch: int = 500) -> tuple[int, int]:
    """One pass of the worker: (orders pressed, orders marked overdue)."""
    now = _now(now)
    # Only orders on a running clock have press_at / due_at (``changes.clock_columns``), so the
    # queries need no state filter, which would lure the planners off the deadline indexes;
    # the state is checked again below and in the conditional updates.
    # Breaches first: marking one clears its press moment, so a breached order is not also
    # pressed and the press query does not walk past breached rows.
    pressed = breached = 0
    unbreached = WorkOrder.objects.filter(due_at__lte=now, breached_at__isnull=True)
    for order in unbreached.order_by("due_at")[:batch]:
        if order.state in OPEN_STATES:
            breached += mark_overdue(order, now)
    to_press = WorkOrder.objects.filter(press_at__lte=now, due_at__gt=now)
    for order in to_press.order_by("press_at")[:batch]:
        if order.state in OPEN_STATES:
            pressed += auto_press(order, now)
    return pressed, breached


__all__ = [
    "ActionError",
    "do_accept",
    "do_assign",
    "do_callback",
    "do_close",
    "do_create_order",
    "do_decide_extension",
    "do_dispatch",
    "do_merge",
    "do_press",
    "do_record_visit",
    "do_refuse_return",
    "do_reject",
    "do_reply",
    "do_request_extension",
    "do_reroute",
    "do_resolve",
    "do_resolve_immediately",
    "do_return",
    "do_supervise",
    "sweep",
]


def offered_actions(actor, order) -> list[str]:
    """The actions a screen should offer this actor on this order now."""
    return [
        action
        for action, transition in TRANSITIONS.items()
        if transition.offered_for(order) and may_act(actor, action, order)
    ]

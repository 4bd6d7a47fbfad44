"""Every change of a work order's state is one ``do_*`` function here (design §4.2).

Each runs in one transaction, checks the actor's right through ``access``, changes the row
with a conditional UPDATE on the state the actor saw (so of two dispatchers signing at once
exactly one wins), and appends an immutable Event. No other code writes ``state``, the flags
or the deadline columns.

``actor`` is a staff user, an ``ApiClient`` (another hotline system), or None for the
system's own worker.
"""

import copy
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.db.models.signals import post_save
from django.utils import timezone
from django.utils.translation import gettext as _

from wennuan.api.models import ApiClient
from wennuan.lib.phones import is_valid_phone, normalize_phone
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
    Category,
    State,
)
from .deadlines import compute_deadlines, in_heating_season, press_moment, routing_deadline
from .models import Callback, Event, OrderNumberCounter, Reading, Visit, WorkOrder
from .notify import notify_order_staff
from .rules import order_fee_reduction, promise_beyond_rule, reply_promises_reduction
from .transitions import TRANSITIONS

ACTION_LABELS = {action.value: action.label for action in Action}


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def _actor_columns(actor) -> tuple:
    if actor is None:
        return None, _("系统")
    if isinstance(actor, ApiClient):
        return None, f"{actor.name} (API)"
    if isinstance(actor, Citizen):
        return None, _("市民（网站）")
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


def _clock_columns(order: WorkOrder, before: WorkOrder) -> dict:
    """due_at / press_at / breached_at for the order as it will be after the change; an
    unchanged deadline keeps its press and breach marks (no second press for the same one)."""
    due = None
    if order.state == State.RECEIVED and order.company_id is None:
        due = order.routing_deadline  # the bureau's routing queue
    elif order.state in (State.DISPATCHED, State.REOPENED):
        due = order.sign_deadline
    elif order.state in (State.ACCEPTED, State.IN_PROGRESS):
        candidates = [order.resolve_deadline]
        if order.first_visit_at is None and order.onsite_paused_at is None:
            candidates.append(order.onsite_deadline)
        candidates = [c for c in candidates if c is not None]
        due = min(candidates) if candidates else None
    if due == before.due_at:
        return {"due_at": due, "press_at": before.press_at, "breached_at": before.breached_at}
    press = None
    if due is not None and order.clock_started_at is not None and due > order.clock_started_at:
        press = press_moment(order.clock_started_at, due)
    if due is None:
        return {"due_at": due, "press_at": press, "breached_at": None}
    # A new running deadline: "超期" meant the old one; the event log keeps that breach.
    return {"due_at": due, "press_at": press, "breached_at": None, "overdue": False}


def _state_label(state: str) -> str:
    return str(State(state).label) if state in State.values else state


def context(now: datetime) -> Context:
    """The live context of a change: deadlines and the publication rule from the database."""
    return Context(
        now=now,
        deadlines=changes.live_deadlines,
        published_on_reply=published_on_reply,
        standard_c=changes.live_standard_c,
    )


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
        order = _change(
            order,
            actor,
            change.action,
            to_state=change.to_state,
            fields=change.fields,
            reason=change.reason,
            data=change.data,
            expected_state=expected_state,
            extra_filter=change.guard,
            now=now,
            check_permission=check_permission,
        )
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


def _change(
    order: WorkOrder,
    actor,
    action: str,
    *,
    to_state: str | None = None,
    fields: dict | None = None,
    reason: str = "",
    data: dict | None = None,
    expected_state: str | None = None,
    extra_filter: dict | None = None,
    now: datetime,
    check_permission: bool = True,
) -> WorkOrder:
    """Conditional update from the state the actor saw, then the event. Call inside atomic.
    The states the action may start from are the transition table's."""
    from_states = TRANSITIONS[action].from_states
    if check_permission:
        require_action(actor, action, order)
    expected = expected_state or order.state
    if expected not in from_states:
        raise ActionError(
            _("工单当前状态为“%(state)s”，不能%(action)s")
            % {"state": _state_label(expected), "action": ACTION_LABELS.get(action, action)},
            code="invalid_state",
        )
    target = to_state or expected
    values = {"state": target, "updated_at": now, **(fields or {})}
    after = copy.copy(order)
    for name, value in values.items():
        setattr(after, name, value)
    if "due_at" not in values:
        values.update(_clock_columns(after, order))
    rows = WorkOrder.objects.filter(pk=order.pk, state=expected, **(extra_filter or {})).update(
        **values
    )
    if rows != 1:
        current = WorkOrder.objects.filter(pk=order.pk).values_list("state", flat=True).first()
        raise ActionError(
            _("工单已被他人处理（当前状态：%(state)s），请刷新页面后重试")
            % {"state": _state_label(current or "")},
            code="conflict",
        )
    order.refresh_from_db()
    _append_event(order, actor, action, expected, target, now, reason, data)
    return order


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
    prefix = "GN" + timezone.localtime(now).strftime("%Y%m%d")
    sequence = _increment_counter(prefix)
    if sequence is None:
        try:
            with transaction.atomic():
                sequence = _last_stored_sequence(prefix) + 1
                OrderNumberCounter.objects.create(prefix=prefix, last_sequence=sequence)
        except IntegrityError:
            # Another intake created the day's counter first (it waited for that commit).
            sequence = _increment_counter(prefix)
    return f"{prefix}{sequence:05d}"


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
    text: str,
    phone: str,
    channel: str,
    category: str,
    community=None,
    caller_name: str = "",
    building: str = "",
    unit: str = "",
    room: str = "",
    stated_temp_c: float | None = None,
    external_id: str = "",
    now: datetime | None = None,
    phone_optional: bool = False,
) -> WorkOrder:
    """Record a complaint (受理) and, when the community is known, route it to the community's
    company with deadlines (派单). Proactive orders (未诉先办) use channel "proactive".
    ``phone_optional``: a WeChat subscriber is reached through the account, not by phone."""
    now = _now(now)
    require_action(actor, "create")
    if not (text or "").strip():
        raise ActionError(_("请填写诉求内容"), field="text", code="required")
    if not (phone_optional and not phone) and not is_valid_phone(phone or ""):
        raise ActionError(
            _("联系电话格式不正确（手机号11位，座机需带区号）"), field="phone", code="invalid_phone"
        )
    if category not in Category.values:
        raise ActionError(_("未知的工单类别"), field="category", code="invalid_choice")
    stated_temp_c = _check_temperature(stated_temp_c, "stated_temp_c")
    received = WorkOrder(
        channel=channel,
        api_client=actor if isinstance(actor, ApiClient) else None,
        external_id=external_id,
        caller_name=caller_name.strip(),
        phone=normalize_phone(phone),
        building=building,
        unit=unit,
        room=room,
        text=text.strip(),
        stated_temp_c=stated_temp_c,
        category=category,
        state=State.RECEIVED,
        created_at=now,
        updated_at=now,
    )
    # The order is written once, as it stands after its dispatch (or entering the routing
    # queue): the same columns and events as recording it and then routing it, without the
    # second write and re-read (issue 18: the intake's cost).
    order = copy.copy(received)
    dispatch_data = None
    if community is not None:
        fields, dispatch_data = route_changes(
            community,
            community.company,
            compute_deadlines(category, now),
            now,
            season_clock=in_heating_season(now),
        )
        for name, value in {"state": State.DISPATCHED, **fields}.items():
            setattr(order, name, value)
        for name, value in _clock_columns(order, received).items():
            setattr(order, name, value)
    else:
        for name, value in routing_queue_fields(routing_deadline(category, now), now).items():
            setattr(order, name, value)
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
            Event(order=received, actor=user, actor_label=label, at=now, action="create",
                  from_state="", to_state=State.RECEIVED, data={"channel": channel}),
        ]  # fmt: skip
        if dispatch_data is not None:
            events.append(
                Event(order=order, actor=user, actor_label=label, at=now, action="dispatch",
                      from_state=State.RECEIVED, to_state=State.DISPATCHED, data=dispatch_data)
            )  # fmt: skip
        # One INSERT for both; the receivers of each event (citizen notice, webhooks) run
        # as for a save, in the events' order (bulk_create itself sends no signal).
        Event.objects.bulk_create(events)
        for event in events:
            post_save.send(
                sender=Event, instance=event, created=True, update_fields=None, raw=False,
                using=event._state.db,
            )  # fmt: skip
    return order


def _enter_routing_queue(order: WorkOrder, now: datetime) -> None:
    """No company can be told: the bureau owns the order until it routes it, on a clock of
    its own, so the worker presses it and marks it overdue like any company's order."""
    fields = routing_queue_fields(routing_deadline(order.category, now), now)
    WorkOrder.objects.filter(pk=order.pk).update(**fields)
    order.refresh_from_db()


def routing_queue_fields(deadline: datetime, now: datetime) -> dict:
    """The order fields of entering the routing queue; shared with the demo history's bulk
    runner, which must write exactly what the actions write."""
    return {
        "clock_started_at": now,
        "routing_deadline": deadline,
        "due_at": deadline,
        "press_at": press_moment(now, deadline),
    }


def route_changes(community, company, deadlines, now, *, season_clock: bool):
    """The order fields and the event data of routing an order to ``company`` (派单, 改派):
    a fresh clock and new deadlines. Shared with the demo history's bulk runner, which must
    write exactly what the actions write."""
    fields = {
        "community": community,
        "company": company,
        "clock_started_at": now,
        "accepted_at": None,
        "onsite_paused_at": None,
        "sign_deadline": deadlines.sign,
        "onsite_deadline": deadlines.onsite,
        "resolve_deadline": deadlines.resolve,
    }
    data = {
        "company": company.short_name,
        "community": community.name,
        "deadlines": deadlines.as_dict(),
        "season_clock": season_clock,
    }
    return fields, data


def _route(order, actor, community, *, action, now, check=True, reason="", company=None):
    company = company or community.company
    deadlines = compute_deadlines(order.category, now)
    fields, data = route_changes(
        community, company, deadlines, now, season_clock=in_heating_season(now)
    )
    return _change(
        order,
        actor,
        action,
        to_state=State.DISPATCHED,
        fields=fields,
        reason=reason,
        data=data,
        now=now,
        check_permission=check,
    )


def do_dispatch(order, actor, community, *, expected_state=None, now=None) -> WorkOrder:
    """Route an order received without a known community (派单)."""
    now = _now(now)
    with transaction.atomic():
        require_action(actor, "dispatch", order)
        if expected_state and expected_state != order.state:
            raise ActionError(_("工单状态已变化，请刷新页面后重试"), code="conflict")
        return _route(order, actor, community, action="dispatch", now=now, check=False)


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
    order,
    actor,
    *,
    readings: list[tuple[str, str, float]],
    not_home: bool = False,
    access_refused: bool = False,
    closed_30_min: bool = False,
    centre_height_ok: bool = False,
    read_after_10_min: bool = False,
    outdoor_temp_c: float | None = None,
    causes: list[str] = (),
    actions_taken: str = "",
    violations: str = "",
    rectification: str = "",
    resident_confirmed: bool = False,
    home_area_m2: float | None = None,
    photo=None,
    visited_at: datetime | None = None,
    expected_state=None,
    now=None,
) -> Visit:
    """入户: the technician's record; the verdict follows from the rules (design §4.4).

    ``readings`` are (room name, room kind, °C). A not-at-home visit does not meet the on-site
    deadline."""
    now = _now(now)
    change = changes.record_visit(
        order,
        actor,
        context(now),
        readings=readings,
        not_home=not_home,
        access_refused=access_refused,
        closed_30_min=closed_30_min,
        centre_height_ok=centre_height_ok,
        read_after_10_min=read_after_10_min,
        outdoor_temp_c=outdoor_temp_c,
        causes=causes,
        actions_taken=actions_taken,
        violations=violations,
        rectification=rectification,
        resident_confirmed=resident_confirmed,
        home_area_m2=home_area_m2,
        photo=photo,
        visited_at=visited_at or now,
    )
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
    reason = _require_reason(reason)
    with transaction.atomic():
        require_action(actor, "reroute", order)
        if expected_state and expected_state != order.state:
            raise ActionError(_("工单状态已变化，请刷新页面后重试"), code="conflict")
        return _route(
            order, actor, community, action="reroute", now=now, reason=reason, company=company
        )


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
    with transaction.atomic():
        rows = WorkOrder.objects.filter(
            pk=order.pk, state=order.state, press_at=order.press_at, press_at__lte=now
        ).update(pressed=True, press_at=None, updated_at=now)
        if rows != 1:
            return False
        _append_event(
            order,
            None,
            "press",
            order.state,
            order.state,
            now,
            reason=_("时限已过80%，系统自动催办"),
            data={"due_at": order.due_at.isoformat() if order.due_at else None},
        )
        notify_order_staff(
            order,
            _("工单 %(n)s 即将超期（时限 %(t)s），请尽快处理")
            % {"n": order.number, "t": timezone.localtime(order.due_at).strftime("%m-%d %H:%M")},
        )
    return True


def mark_overdue(order, now: datetime) -> bool:
    """Mark the breach of the current deadline once; notify the company and the bureau."""
    with transaction.atomic():
        rows = WorkOrder.objects.filter(
            pk=order.pk,
            state=order.state,
            due_at=order.due_at,
            due_at__lte=now,
            breached_at__isnull=True,
        ).update(overdue=True, breached_at=now, press_at=None, updated_at=now)
        if rows != 1:
            return False
        _append_event(
            order,
            None,
            "overdue",
            order.state,
            order.state,
            now,
            data={"due_at": order.due_at.isoformat()},
        )
        notify_order_staff(order, _("工单 %(n)s 已超期") % {"n": order.number}, supervisors=True)
    return True


def sweep(now: datetime | None = None, batch: int = 500) -> tuple[int, int]:
    """One pass of the worker: (orders pressed, orders marked overdue)."""
    now = _now(now)
    # Only orders on a running clock have press_at / due_at (``_clock_columns``), so the
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

"""Every change of a work order's state is one ``do_*`` function here (design §4.2).

Each runs in one transaction, checks the actor's right through ``access``, changes the row
with a conditional UPDATE on the state the actor saw (so of two dispatchers signing at once
exactly one wins), and appends an immutable Event. No other code writes ``state``, the flags
or the deadline columns.

``actor`` is a staff user, an ``ApiClient`` (another hotline system), or None for the
system's own worker.
"""

import copy
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wennuan.lib.phones import is_valid_phone, normalize_phone
from wennuan.registry.models import City, HeatingSeason, standard_indoor_c
from wennuan.staff.access import staff_role
from wennuan.staff.choices import Role

from .access import Citizen, may_act, require_action
from .choices import (
    IMMEDIATE_CATEGORIES,
    OPEN_STATES,
    Action,
    Category,
    Cause,
    RoomKind,
    Satisfaction,
    State,
)
from .deadlines import compute_deadlines, in_heating_season, press_moment, routing_deadline
from .models import ApiClient, Callback, Event, OrderNumberCounter, Reading, Visit, WorkOrder
from .rules import visit_verdict
from .transitions import TRANSITIONS

MIN_TEMP_C, MAX_TEMP_C = -10.0, 40.0

ACTION_LABELS = {action.value: action.label for action in Action}


class ActionError(Exception):
    """A request the rules refuse; ``message`` is shown to the user (Chinese)."""

    def __init__(self, message: str, *, field: str = "", code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


def _actor_columns(actor) -> tuple:
    if actor is None:
        return None, _("系统")
    if isinstance(actor, ApiClient):
        return None, f"{actor.name} (API)"
    if isinstance(actor, Citizen):
        return None, _("市民（网站）")
    profile = getattr(actor, "staff_profile", None)
    return actor, (profile.display_name if profile else actor.get_username())


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


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ActionError(_("请填写理由"), field="reason", code="required")
    return reason


# The heated area of one home: the fee refund (design §4.5) is days × area × price × ratio,
# so a typo here becomes a published refund; outside these bounds it is a typo.
MIN_HOME_AREA_M2, MAX_HOME_AREA_M2 = 10.0, 1000.0


def _check_home_area(value) -> float:
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise ActionError(_("面积必须是数字"), field="home_area_m2", code="invalid") from None
    if not MIN_HOME_AREA_M2 <= value <= MAX_HOME_AREA_M2:  # also refuses NaN
        raise ActionError(
            _("房屋供热面积应在 10 到 1000 m² 之间（收到 %(value)s m²）") % {"value": value},
            field="home_area_m2",
            code="out_of_range",
        )
    return value


def _check_temperature(value, field: str) -> float | None:
    if value is None or value == "":
        return None
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise ActionError(_("温度必须是数字"), field=field, code="invalid") from None
    if not MIN_TEMP_C <= value <= MAX_TEMP_C:
        raise ActionError(
            _("温度应在 -10 到 40 °C 之间（收到 %(value)s °C）") % {"value": value},
            field=field,
            code="out_of_range",
        )
    return value


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
    with transaction.atomic():
        for _attempt in range(5):
            number = next_number(now)
            try:
                with transaction.atomic():
                    order = WorkOrder.objects.create(
                        number=number,
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
                break
            except IntegrityError:
                # Only a number written past the counter (a bulk-loaded history) can be taken:
                # move the counter past the stored numbers; the next attempt gets a free one.
                prefix = number[:10]
                OrderNumberCounter.objects.filter(prefix=prefix).update(
                    last_sequence=_last_stored_sequence(prefix)
                )
                continue
        else:
            raise RuntimeError(f"order numbers after {number} are all taken")
        _append_event(order, actor, "create", "", State.RECEIVED, now, data={"channel": channel})
        if community is not None:
            order = _route(order, actor, community, action="dispatch", now=now, check=False)
        else:
            _enter_routing_queue(order, now)
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
    if order.category not in IMMEDIATE_CATEGORIES:
        raise ActionError(_("只有咨询类工单可以即时办结"), field="category", code="not_allowed")
    reply = (reply or "").strip()
    if not reply:
        raise ActionError(_("请填写答复内容"), field="reply", code="required")
    with transaction.atomic():
        return _change(
            order,
            actor,
            "resolve_immediately",
            to_state=State.RESOLVED,
            fields={"reply": reply, "resolved_at": now, "is_published": published_on_reply()},
            now=now,
        )


# ---------------------------------------------------------------------------------------------
# The company's work


def do_accept(order, actor, *, expected_state=None, now=None) -> WorkOrder:
    """签收: the company's service desk takes the order (also after a reopen)."""
    now = _now(now)
    with transaction.atomic():
        return _change(
            order,
            actor,
            "accept",
            to_state=State.ACCEPTED,
            fields={"accepted_at": now},
            expected_state=expected_state,
            now=now,
        )


def do_assign(order, actor, technician, *, expected_state=None, now=None) -> WorkOrder:
    """Assign a technician of the order's company (→ 办理中)."""
    now = _now(now)
    profile = getattr(technician, "staff_profile", None)
    if profile is None or profile.role != Role.TECHNICIAN or profile.company_id != order.company_id:
        raise ActionError(_("只能指派本公司的维修人员"), field="technician", code="invalid")
    with transaction.atomic():
        return _change(
            order,
            actor,
            "assign",
            to_state=State.IN_PROGRESS,
            fields={"assignee": technician},
            data={"technician": profile.display_name},
            expected_state=expected_state,
            now=now,
        )


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
    visited_at = visited_at or now
    checked = []
    for index, (room_name, kind, temp) in enumerate(readings):
        if kind not in RoomKind.values:
            raise ActionError(_("未知的房间类型"), field=f"readings.{index}", code="invalid")
        value = _check_temperature(temp, f"readings.{index}")
        if value is None:
            continue
        checked.append(((room_name or str(RoomKind(kind).label)).strip(), kind, value))
    if outdoor_temp_c not in (None, ""):
        try:
            outdoor_temp_c = float(outdoor_temp_c)
        except (TypeError, ValueError):
            raise ActionError(_("室外温度必须是数字"), field="outdoor_temp_c") from None
        if not -40 <= outdoor_temp_c <= 30:
            raise ActionError(
                _("室外温度应在 -40 到 30 °C 之间"), field="outdoor_temp_c", code="out_of_range"
            )
    else:
        outdoor_temp_c = None
    unknown = [code for code in causes if code not in Cause.values]
    if unknown:
        raise ActionError(_("未知的原因代码：%s") % ", ".join(unknown), field="causes")
    if not not_home and not access_refused and not checked:
        raise ActionError(_("请至少填写一个房间的室温"), field="readings", code="required")
    if home_area_m2 is not None:
        home_area_m2 = _check_home_area(home_area_m2)
    visit_day = timezone.localtime(visited_at).date()
    standard = standard_indoor_c(HeatingSeason.objects.covering(visit_day))
    verdict, lowest = visit_verdict(
        not_home=not_home,
        access_refused=access_refused,
        conditions_met=closed_30_min and centre_height_ok and read_after_10_min,
        causes=list(causes),
        readings=[(kind, temp) for _room, kind, temp in checked],
        standard_c=standard,
    )
    with transaction.atomic():
        fields, clock_data = visit_clock_fields(order, not_home=not_home, visited_at=visited_at)
        _change(
            order,
            actor,
            "record_visit",
            to_state=State.IN_PROGRESS,
            fields=fields,
            data={
                "verdict": verdict,
                "lowest_reading_c": lowest,
                "causes": list(causes),
                **clock_data,
            },
            expected_state=expected_state,
            now=now,
        )
        visit = Visit.objects.create(
            order=order,
            technician=actor,
            visited_at=visited_at,
            not_home=not_home,
            access_refused=access_refused,
            closed_30_min=closed_30_min,
            centre_height_ok=centre_height_ok,
            read_after_10_min=read_after_10_min,
            outdoor_temp_c=outdoor_temp_c,
            causes=list(causes),
            actions_taken=actions_taken,
            violations=violations,
            rectification=rectification,
            resident_confirmed=resident_confirmed,
            home_area_m2=home_area_m2,
            standard_temp_c=standard,
            verdict=verdict,
            lowest_reading_c=lowest,
            **({"photo": photo} if photo else {}),
        )
        Reading.objects.bulk_create(
            Reading(visit=visit, room=room_name, kind=kind, temp_c=temp)
            for room_name, kind, temp in checked
        )
    return visit


def visit_clock_fields(order, *, not_home: bool, visited_at: datetime) -> tuple[dict, dict]:
    """Clock columns a visit changes, and what the event records about them (design §4.3).

    Time waiting for a citizen who was not at home does not count against the on-site
    deadline: a not-at-home visit before the first real one pauses that clock, the next visit
    resumes it and moves the on-site deadline by the time waited (the resolve clock runs on)."""
    fields: dict = {}
    data: dict = {}
    if order.first_visit_at is not None:
        return fields, data
    if not_home:
        if order.onsite_paused_at is None:
            fields["onsite_paused_at"] = visited_at
            data["onsite_clock"] = "paused"
        return fields, data
    fields["first_visit_at"] = visited_at
    if order.onsite_paused_at is not None:
        waited = max(visited_at - order.onsite_paused_at, timedelta(0))
        fields["onsite_paused_at"] = None
        if order.onsite_deadline is not None:
            fields["onsite_deadline"] = order.onsite_deadline + waited
        data["onsite_clock"] = "resumed"
        data["waited_minutes"] = round(waited.total_seconds() / 60)
    return fields, data


# Categories whose reply needs a home visit first (the 24-hour temperature test, art. 21).
VISIT_REQUIRED = frozenset({Category.NOT_WARM})


def do_reply(order, actor, reply: str, *, expected_state=None, now=None) -> WorkOrder:
    """答复办结: the company's reply to the citizen; it is published (masked)."""
    now = _now(now)
    reply = (reply or "").strip()
    if not reply:
        raise ActionError(_("请填写答复内容"), field="reply", code="required")
    if order.category in VISIT_REQUIRED and not order.visits.exists():
        raise ActionError(_("室温类工单须先入户测温再答复"), field="reply", code="visit_required")
    _refuse_unfounded_promise(order, reply, now)
    with transaction.atomic():
        return _change(
            order,
            actor,
            "reply",
            to_state=State.RESOLVED,
            fields={"reply": reply, "resolved_at": now, "is_published": published_on_reply()},
            expected_state=expected_state,
            now=now,
        )


do_resolve = do_reply


def _refuse_unfounded_promise(order, reply: str, now) -> None:
    """A reply may promise a fee reduction only when the rule (design §4.4) gives one: the
    citizen reads it publicly and would wait for money that is not coming."""
    from .rules import order_fee_reduction, reply_promises_reduction

    if not reply_promises_reduction(reply):
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


def published_on_reply() -> bool:
    """A reply goes public at once only where the city does not review publications."""
    return not City.publications_need_review()


def do_publish_reply(order, actor, *, now=None) -> WorkOrder:
    """公开答复: a reviewer has read the masked reply and publishes it on /replies/."""
    now = _now(now)
    if not order.reply:
        raise ActionError(_("该工单没有答复内容"), code="invalid_state")
    if order.is_published:
        raise ActionError(_("答复已经公开"), code="invalid_state")
    with transaction.atomic():
        return _change(
            order,
            actor,
            "publish_reply",
            fields={"is_published": True},
            extra_filter={"is_published": False},
            now=now,
        )


def do_withdraw_reply(order, actor, reason: str, *, now=None) -> WorkOrder:
    """撤回答复: a published reply leaves the public pages (e.g. it still names a person)."""
    now = _now(now)
    reason = _require_reason(reason)
    if not order.is_published:
        raise ActionError(_("答复尚未公开"), code="invalid_state")
    with transaction.atomic():
        return _change(
            order,
            actor,
            "withdraw_reply",
            fields={"is_published": False},
            reason=reason,
            extra_filter={"is_published": True},
            now=now,
        )


def do_return(order, actor, reason: str, *, expected_state=None, now=None) -> WorkOrder:
    """退单: the company says the order is not theirs; the bureau reviews it."""
    now = _now(now)
    reason = _require_reason(reason)
    with transaction.atomic():
        return _change(
            order,
            actor,
            "return",
            to_state=State.RETURNED,
            reason=reason,
            expected_state=expected_state,
            now=now,
        )


def do_request_extension(
    order, actor, until: datetime, reason: str, *, expected_state=None, now=None
) -> WorkOrder:
    """延期申请: asks the bureau to move the resolve deadline to ``until``."""
    now = _now(now)
    reason = _require_reason(reason)
    if until is None or (order.resolve_deadline and until <= order.resolve_deadline):
        raise ActionError(_("延期时间必须晚于当前办结时限"), field="until", code="invalid")
    with transaction.atomic():
        return _change(
            order,
            actor,
            "request_extension",
            fields={"extension_requested": True, "requested_extension_until": until},
            extra_filter={"extension_requested": False},
            reason=reason,
            data={"until": until.isoformat()},
            expected_state=expected_state,
            now=now,
        )


# ---------------------------------------------------------------------------------------------
# The bureau's supervision


def do_decide_extension(
    order, actor, approve: bool, reason: str = "", *, expected_state=None, now=None
) -> WorkOrder:
    now = _now(now)
    if not order.extension_requested:
        raise ActionError(_("该工单没有待审批的延期申请"), code="invalid_state")
    fields = {"extension_requested": False}
    if approve:
        fields.update(extension_approved=True, resolve_deadline=order.requested_extension_until)
    with transaction.atomic():
        return _change(
            order,
            actor,
            "decide_extension",
            fields=fields,
            extra_filter={"extension_requested": True},
            reason=reason,
            data={"approved": approve},
            expected_state=expected_state,
            now=now,
        )


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
    reason = _require_reason(reason)
    deadlines = compute_deadlines(order.category, now)
    with transaction.atomic():
        return _change(
            order,
            actor,
            "refuse_return",
            to_state=State.DISPATCHED,
            fields={
                "clock_started_at": now,
                "onsite_paused_at": None,
                "sign_deadline": deadlines.sign,
                "onsite_deadline": deadlines.onsite,
                "resolve_deadline": deadlines.resolve,
            },
            reason=reason,
            expected_state=expected_state,
            now=now,
        )


def do_press(order, actor, reason: str = "", *, now=None) -> WorkOrder:
    """催办: flags the order and notifies the company. The worker presses as the system."""
    from .notify import notify_order_staff

    now = _now(now)
    with transaction.atomic():
        order = _change(
            order,
            actor,
            "press",
            fields={"pressed": True},
            reason=reason,
            now=now,
        )
        notify_order_staff(order, _("工单 %(n)s 被催办：%(r)s") % {"n": order.number, "r": reason})
    return order


def do_supervise(order, actor, deadline: datetime, reason: str, *, now=None) -> WorkOrder:
    """督办: the bureau sets a shorter resolve deadline."""
    from .notify import notify_order_staff

    now = _now(now)
    reason = _require_reason(reason)
    if deadline is None:
        raise ActionError(_("请填写督办时限"), field="deadline", code="required")
    if deadline <= now:
        raise ActionError(_("督办时限必须晚于现在"), field="deadline", code="invalid")
    new_deadline = min(deadline, order.resolve_deadline) if order.resolve_deadline else deadline
    with transaction.atomic():
        order = _change(
            order,
            actor,
            "supervise",
            fields={"supervised": True, "resolve_deadline": new_deadline},
            reason=reason,
            data={"deadline": new_deadline.isoformat()},
            now=now,
        )
        notify_order_staff(order, _("工单 %(n)s 被督办：%(r)s") % {"n": order.number, "r": reason})
    return order


def do_callback(
    order, actor, satisfaction: str, note: str = "", *, expected_state=None, now=None
) -> Callback:
    """回访: satisfied or basically satisfied → 已回访; unsatisfied → 重办 with a new clock."""
    now = _now(now)
    if satisfaction not in Satisfaction.values:
        raise ActionError(_("请选择满意度"), field="satisfaction", code="invalid_choice")
    with transaction.atomic():
        if satisfaction == Satisfaction.NOT_REACHED:
            _change(
                order,
                actor,
                "callback",
                reason=note,
                data={"satisfaction": satisfaction},
                expected_state=expected_state,
                now=now,
            )
        elif satisfaction == Satisfaction.UNSATISFIED:
            deadlines = compute_deadlines(order.category, now)
            _change(
                order,
                actor,
                "callback",
                to_state=State.REOPENED,
                fields={
                    "clock_started_at": now,
                    "accepted_at": None,
                    "first_visit_at": None,
                    "onsite_paused_at": None,
                    "resolved_at": None,
                    "sign_deadline": deadlines.sign,
                    "onsite_deadline": deadlines.onsite,
                    "resolve_deadline": deadlines.resolve,
                },
                reason=note,
                data={"satisfaction": satisfaction},
                expected_state=expected_state,
                now=now,
            )
        else:
            _change(
                order,
                actor,
                "callback",
                to_state=State.CALLBACK_DONE,
                reason=note,
                data={"satisfaction": satisfaction},
                expected_state=expected_state,
                now=now,
            )
        user = actor if staff_role(actor) else None
        return Callback.objects.create(
            order=order, actor=user, at=now, satisfaction=satisfaction, note=note
        )


def do_close(order, actor, *, expected_state=None, now=None) -> WorkOrder:
    """归档."""
    now = _now(now)
    with transaction.atomic():
        return _change(
            order,
            actor,
            "close",
            to_state=State.CLOSED,
            expected_state=expected_state,
            now=now,
        )


def do_merge(order, actor, master, reason: str = "", *, expected_state=None, now=None):
    """重复件: ``order`` joins ``master``; its caller gets the master's reply."""
    now = _now(now)
    if master.pk == order.pk or master.state not in OPEN_STATES | {State.RESOLVED}:
        raise ActionError(_("只能合并到另一张未归档的工单"), field="master", code="invalid")
    if master.master_id:
        raise ActionError(_("主工单本身是重复件"), field="master", code="invalid")
    if not _may_see_both(actor, order, master):
        raise PermissionDenied
    with transaction.atomic():
        return _change(
            order,
            actor,
            "merge",
            to_state=State.MERGED,
            fields={"master": master},
            reason=reason,
            data={"master": master.number},
            expected_state=expected_state,
            now=now,
        )


def _may_see_both(actor, order, master) -> bool:
    from .access import may_act

    return may_act(actor, "merge", order) and may_act(actor, "merge", master)


def do_reject(order, actor, reason: str, *, expected_state=None, now=None) -> WorkOrder:
    """不予受理: out of scope (not a heating matter)."""
    now = _now(now)
    reason = _require_reason(reason)
    with transaction.atomic():
        return _change(
            order,
            actor,
            "reject",
            to_state=State.REJECTED,
            reason=reason,
            expected_state=expected_state,
            now=now,
        )


# ---------------------------------------------------------------------------------------------
# The worker's two sweeps (conditional on the exact columns read: safe with several workers)


def auto_press(order, now: datetime) -> bool:
    """Press an order whose press moment has passed; False if another worker did it first."""
    from .notify import notify_order_staff

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
    from .notify import notify_order_staff

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

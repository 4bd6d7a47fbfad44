"""What each transition does to an order, computed without touching the database.

A change function takes the order, the actor, a ``Context`` (the moment, the deadline policy
and season, whether replies go public at once) and the action's own input, checks the input
(``ActionError`` with a message for the user) and returns a ``Change``: the new state, the
columns, the event's reason and data, the rows to add and the staff to notify.

Two appliers write a change: ``actions.apply`` (access check, conditional UPDATE on the state
the actor saw, the Event, the rows, notices through the outbox, in one transaction) and the
demo history's ``BulkRunner`` (the same change on unsaved rows, written in bulk). Both take the
order's new columns from ``new_values``. A new order (``create``, with its dispatch when the
community is known) and the worker's press and breach (``auto_press``, ``mark_overdue``) are
changes too, so the demo's season cannot drift from what the actions and the worker do.
Adding a transition: a row in ``transitions.TRANSITIONS``, a function here, its ``do_*`` in
``actions`` and its test.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import NamedTuple

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from wennuan.api.models import ApiClient
from wennuan.lib.phones import is_valid_phone, normalize_phone
from wennuan.registry.models import HeatingSeason, standard_indoor_c
from wennuan.staff.choices import Role

from .choices import (
    IMMEDIATE_CATEGORIES,
    OPEN_STATES,
    Category,
    Cause,
    RoomKind,
    Satisfaction,
    State,
)
from .deadlines import (
    Deadlines,
    Policy,
    compute_deadlines,
    in_heating_season,
    policy_for,
    press_moment,
    routing_deadline,
)
from .models import BRACED, Callback, Visit, WorkOrder
from .rules import visit_verdict
from .transitions import TRANSITIONS

# Categories whose reply needs a home visit first (the 24-hour temperature test, art. 21).
VISIT_REQUIRED = frozenset({Category.NOT_WARM})


class ActionError(Exception):
    """A request the rules refuse; ``message`` is shown to the user (Chinese)."""

    def __init__(self, message: str, *, field: str = "", code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code


def require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ActionError(_("请填写理由"), field="reason", code="required")
    return reason


MIN_TEMP_C, MAX_TEMP_C = -10.0, 40.0

# The heated area of one home: the fee refund (design §4.5) is days × area × price × ratio,
# so a typo here becomes a published refund; outside these bounds it is a typo.
MIN_HOME_AREA_M2, MAX_HOME_AREA_M2 = 10.0, 1000.0


def check_home_area(value) -> float:
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


def check_temperature(value, field: str) -> float | None:
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


@dataclass(frozen=True)
class Notice:
    """An in-app message (and SMS through the outbox) to the order's company desk."""

    text: str
    supervisors: bool = False


class NewReading(NamedTuple):
    """A reading of a visit in a change's rows: plain data, made a ``Reading`` row by the
    applier (the demo history adds hundreds of thousands; a model instance each costs
    seconds)."""

    visit: Visit
    room: str
    kind: str
    temp_c: float


@dataclass
class Change:
    action: str
    to_state: str | None = None  # None: the state stays
    # The states it may start from; None: the transition table's (the worker's sweep is no
    # transition a person runs: it presses and marks any open order).
    from_states: frozenset[str] | None = None
    fields: dict = field(default_factory=dict)
    reason: str = ""
    data: dict = field(default_factory=dict)
    # Columns the conditional UPDATE also checks (e.g. publish only what is not yet public).
    guard: dict = field(default_factory=dict)
    rows: list = field(default_factory=list)  # unsaved model instances (or NewReading) to add
    notices: list[Notice] = field(default_factory=list)


@dataclass(frozen=True)
class Context:
    """What a change may depend on besides the order and the actor."""

    now: datetime
    # The deadline policy of a category and whether a moment is in the heating season: the
    # live ones read the database, the demo history passes its preloaded ones.
    policy: Callable[[str], Policy]
    in_season: Callable[[datetime], bool]
    # Whether a reply goes public at once (the city does not review publications).
    published_on_reply: Callable[[], bool]
    # The standard indoor temperature (°C) that holds at a moment (its heating season's).
    standard_c: Callable[[datetime], float]

    def new_deadlines(self, category: str) -> Deadlines:
        return compute_deadlines(
            category, self.now, policy=self.policy(category), season=self.in_season(self.now)
        )

    def new_routing_deadline(self, category: str) -> datetime:
        return routing_deadline(
            category, self.now, policy=self.policy(category), season=self.in_season(self.now)
        )


def live_context(now: datetime, published_on_reply: Callable[[], bool]) -> Context:
    return Context(
        now=now,
        policy=policy_for,
        in_season=in_heating_season,
        published_on_reply=published_on_reply,
        standard_c=live_standard_c,
    )


def live_standard_c(moment: datetime) -> float:
    day = timezone.localtime(moment).date()
    return standard_indoor_c(HeatingSeason.objects.covering(day))


def _restart_clock(ctx: Context, category: str) -> dict:
    deadlines = ctx.new_deadlines(category)
    return {
        "clock_started_at": ctx.now,
        "onsite_paused_at": None,
        "sign_deadline": deadlines.sign,
        "onsite_deadline": deadlines.onsite,
        "resolve_deadline": deadlines.resolve,
    }


# The columns ``clock_columns`` reads of the order as it will be.
CLOCK_INPUTS = (
    "state",
    "company_id",
    "clock_started_at",
    "routing_deadline",
    "sign_deadline",
    "onsite_deadline",
    "resolve_deadline",
    "first_visit_at",
    "onsite_paused_at",
)


def clock_columns(order, before) -> dict:
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


def new_values(order, change: Change, from_state: str, now: datetime) -> dict:
    """The order's columns after ``change`` (from ``from_state``, the state the actor saw):
    the change's own, then the running clock's (``due_at`` in the change's columns means the
    change sets the clock itself)."""
    values = {"state": change.to_state or from_state, "updated_at": now, **change.fields}
    if "due_at" not in values:
        # Only what the clock reads (a copy of the whole model instance cost the demo history
        # seconds); the company is the one relation it reads.
        after = SimpleNamespace(**{name: getattr(order, name) for name in CLOCK_INPUTS})
        for name, value in values.items():
            if name == "company":
                after.company_id = value.pk if value is not None else None
            elif name in CLOCK_INPUTS:
                setattr(after, name, value)
        values.update(clock_columns(after, order))
    return values


def allowed_from(change: Change) -> frozenset[str]:
    if change.from_states is not None:
        return change.from_states
    return TRANSITIONS[change.action].from_states


MAX_REPLY_LENGTH = 2000


def _reply_text(reply: str) -> str:
    reply = (reply or "").strip()
    if not reply:
        raise ActionError(_("请填写答复内容"), field="reply", code="required")
    if len(reply) > MAX_REPLY_LENGTH:
        raise ActionError(
            _("答复最多 %(n)d 个字") % {"n": MAX_REPLY_LENGTH}, field="reply", code="too_long"
        )
    # A template's placeholder left in ({小区}, {community}, ｛住户｝) would reach the citizen's
    # text message and the public page as it stands.
    left = BRACED.findall(reply)
    if left:
        raise ActionError(
            _("请先把答复中的 %(p)s 改成实际内容") % {"p": _("、").join(sorted(set(left)))},
            field="reply",
            code="placeholder",
        )
    return reply


# ---------------------------------------------------------------------------------------------
# The changes, in the order of an order's life


def number_prefix(now: datetime) -> str:
    """An order number is GN + local date + five-digit sequence of the day (GN2026112700001)."""
    return "GN" + timezone.localtime(now).strftime("%Y%m%d")


def order_number(prefix: str, sequence: int) -> str:
    return f"{prefix}{sequence:05d}"


@dataclass
class NewOrder:
    """A new order as it is written (dispatched when the community was known, else in the
    bureau's routing queue), as it was received (the "create" event's order), and the changes
    of its creation, each with the state it started from (its events)."""

    order: WorkOrder
    received_values: dict  # the order's columns as received
    steps: list[tuple[str, Change]]

    def received(self) -> WorkOrder:
        return WorkOrder(**self.received_values)


def create(
    actor,
    ctx: Context,
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
    phone_optional: bool = False,
) -> NewOrder:
    """受理 (and 派单 when the community is known): the unsaved, unnumbered order.
    ``phone_optional``: a WeChat subscriber is reached through the account, not by phone."""
    if not (text or "").strip():
        raise ActionError(_("请填写诉求内容"), field="text", code="required")
    if not (phone_optional and not phone) and not is_valid_phone(phone or ""):
        raise ActionError(
            _("联系电话格式不正确（手机号11位，座机需带区号）"), field="phone", code="invalid_phone"
        )
    if category not in Category.values:
        raise ActionError(_("未知的工单类别"), field="category", code="invalid_choice")
    received = dict(
        channel=channel,
        api_client=actor if isinstance(actor, ApiClient) else None,
        external_id=external_id,
        caller_name=caller_name.strip(),
        phone=normalize_phone(phone),
        building=building,
        unit=unit,
        room=room,
        text=text.strip(),
        stated_temp_c=check_temperature(stated_temp_c, "stated_temp_c"),
        category=category,
        state=State.RECEIVED,
        created_at=ctx.now,
        updated_at=ctx.now,
    )
    order = WorkOrder(**received)
    steps = [("", Change("create", to_state=State.RECEIVED, data={"channel": channel}))]
    if community is not None:
        route = dispatch(order, actor, ctx, community)
        steps.append((State.RECEIVED, route))
        values = new_values(order, route, State.RECEIVED, ctx.now)
    else:
        # No company can be told: the bureau owns the order until it routes it, on a clock of
        # its own, so the worker presses it and marks it overdue like any company's order.
        deadline = ctx.new_routing_deadline(category)
        values = {
            "clock_started_at": ctx.now,
            "routing_deadline": deadline,
            "due_at": deadline,
            "press_at": press_moment(ctx.now, deadline),
        }
    for name, value in values.items():
        setattr(order, name, value)
    return NewOrder(order, received, steps)


def dispatch(
    order, actor, ctx: Context, community, *, company=None, reason="", action="dispatch"
) -> Change:
    """派单 (and 改派): the order goes to the community's company on a fresh clock."""
    company = company or community.company
    deadlines = ctx.new_deadlines(order.category)
    return Change(
        action,
        to_state=State.DISPATCHED,
        fields={
            "community": community,
            "company": company,
            "clock_started_at": ctx.now,
            "accepted_at": None,
            "onsite_paused_at": None,
            "sign_deadline": deadlines.sign,
            "onsite_deadline": deadlines.onsite,
            "resolve_deadline": deadlines.resolve,
        },
        reason=reason,
        data={
            "company": company.short_name,
            "community": community.name,
            "deadlines": deadlines.as_dict(),
            "season_clock": ctx.in_season(ctx.now),
        },
    )


def reroute(order, actor, ctx: Context, community, reason: str, *, company=None) -> Change:
    """改派: the bureau routes the order to another community/company (after a return or a
    wrong routing); the clock starts again."""
    reason = require_reason(reason)
    return dispatch(order, actor, ctx, community, company=company, reason=reason, action="reroute")


def resolve_immediately(order, actor, ctx: Context, reply: str) -> Change:
    """即时办结: a consultation answered during the call (dates, fees, a manager's phone)."""
    if order.category not in IMMEDIATE_CATEGORIES:
        raise ActionError(_("只有咨询类工单可以即时办结"), field="category", code="not_allowed")
    return Change(
        "resolve_immediately",
        to_state=State.RESOLVED,
        fields={
            "reply": _reply_text(reply),
            "resolved_at": ctx.now,
            "is_published": ctx.published_on_reply(),
        },
    )


def accept(order, actor, ctx: Context) -> Change:
    """签收: the company's service desk takes the order (also after a reopen)."""
    return Change("accept", to_state=State.ACCEPTED, fields={"accepted_at": ctx.now})


def assign(order, actor, ctx: Context, technician) -> Change:
    """Assign a technician of the order's company (→ 办理中)."""
    profile = getattr(technician, "staff_profile", None)
    if profile is None or profile.role != Role.TECHNICIAN or profile.company_id != order.company_id:
        raise ActionError(_("只能指派本公司的维修人员"), field="technician", code="invalid")
    return Change(
        "assign",
        to_state=State.IN_PROGRESS,
        fields={"assignee": technician},
        data={"technician": profile.display_name},
    )


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


def record_visit(
    order,
    actor,
    ctx: Context,
    *,
    readings: list[tuple[str, str, float]],
    not_home: bool = False,
    access_refused: bool = False,
    closed_30_min: bool = False,
    centre_height_ok: bool = False,
    read_after_10_min: bool = False,
    outdoor_temp_c: float | None = None,
    causes=(),
    actions_taken: str = "",
    violations: str = "",
    rectification: str = "",
    resident_confirmed: bool = False,
    home_area_m2: float | None = None,
    photo=None,
    visited_at: datetime,
) -> Change:
    """入户: the technician's record; the verdict follows from the rules (design §4.4). The
    change's rows are the Visit, then its Readings. ``readings`` are (room name, room kind,
    °C); a not-at-home visit does not meet the on-site deadline."""
    checked = []
    for index, (room_name, kind, temp) in enumerate(readings):
        if kind not in RoomKind.values:
            raise ActionError(_("未知的房间类型"), field=f"readings.{index}", code="invalid")
        value = check_temperature(temp, f"readings.{index}")
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
        home_area_m2 = check_home_area(home_area_m2)
    standard = ctx.standard_c(visited_at)
    verdict, lowest = visit_verdict(
        not_home=not_home,
        access_refused=access_refused,
        conditions_met=closed_30_min and centre_height_ok and read_after_10_min,
        causes=list(causes),
        readings=[(kind, temp) for _room, kind, temp in checked],
        standard_c=standard,
    )
    fields, clock_data = visit_clock_fields(order, not_home=not_home, visited_at=visited_at)
    visit = Visit(
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
    return Change(
        "record_visit",
        to_state=State.IN_PROGRESS,
        fields=fields,
        data={"verdict": verdict, "lowest_reading_c": lowest, "causes": list(causes), **clock_data},
        rows=[
            visit,
            *(NewReading(visit, room, kind, temp) for room, kind, temp in checked),
        ],
    )


def reply(order, actor, ctx: Context, text: str, *, visited: bool) -> Change:
    """答复办结: the company's reply to the citizen. ``visited``: the order has a visit."""
    text = _reply_text(text)
    if order.category in VISIT_REQUIRED and not visited:
        raise ActionError(_("室温类工单须先入户测温再答复"), field="reply", code="visit_required")
    return Change(
        "reply",
        to_state=State.RESOLVED,
        fields={"reply": text, "resolved_at": ctx.now, "is_published": ctx.published_on_reply()},
    )


def publish_reply(order, actor, ctx: Context) -> Change:
    """公开答复: a reviewer has read the masked reply and publishes it on /replies/."""
    if not order.reply:
        raise ActionError(_("该工单没有答复内容"), code="invalid_state")
    if order.is_published:
        raise ActionError(_("答复已经公开"), code="invalid_state")
    return Change("publish_reply", fields={"is_published": True}, guard={"is_published": False})


def withdraw_reply(order, actor, ctx: Context, reason: str) -> Change:
    """撤回答复: a published reply leaves the public pages (e.g. it still names a person)."""
    reason = require_reason(reason)
    if not order.is_published:
        raise ActionError(_("答复尚未公开"), code="invalid_state")
    return Change(
        "withdraw_reply",
        fields={"is_published": False},
        reason=reason,
        guard={"is_published": True},
    )


def return_(order, actor, ctx: Context, reason: str) -> Change:
    """退单: the company says the order is not theirs; the bureau reviews it."""
    return Change("return", to_state=State.RETURNED, reason=require_reason(reason))


def request_extension(order, actor, ctx: Context, until: datetime, reason: str) -> Change:
    """延期申请: asks the bureau to move the resolve deadline to ``until``."""
    reason = require_reason(reason)
    if until is None or (order.resolve_deadline and until <= order.resolve_deadline):
        raise ActionError(_("延期时间必须晚于当前办结时限"), field="until", code="invalid")
    return Change(
        "request_extension",
        fields={"extension_requested": True, "requested_extension_until": until},
        guard={"extension_requested": False},
        reason=reason,
        data={"until": until.isoformat()},
    )


def decide_extension(order, actor, ctx: Context, approve: bool, reason: str = "") -> Change:
    if not order.extension_requested:
        raise ActionError(_("该工单没有待审批的延期申请"), code="invalid_state")
    fields = {"extension_requested": False}
    if approve:
        fields.update(extension_approved=True, resolve_deadline=order.requested_extension_until)
    return Change(
        "decide_extension",
        fields=fields,
        guard={"extension_requested": True},
        reason=reason,
        data={"approved": approve},
    )


def refuse_return(order, actor, ctx: Context, reason: str) -> Change:
    """驳回退单: the order stays with the same company, whose clock starts again."""
    reason = require_reason(reason)
    return Change(
        "refuse_return",
        to_state=State.DISPATCHED,
        fields=_restart_clock(ctx, order.category),
        reason=reason,
    )


def press(order, actor, ctx: Context, reason: str = "") -> Change:
    """催办: flags the order and notifies the company."""
    return Change(
        "press",
        fields={"pressed": True},
        reason=reason,
        notices=[Notice(_("工单 %(n)s 被催办：%(r)s") % {"n": order.number, "r": reason})],
    )


def supervise(order, actor, ctx: Context, deadline: datetime, reason: str) -> Change:
    """督办: the bureau sets a shorter resolve deadline."""
    reason = require_reason(reason)
    if deadline is None:
        raise ActionError(_("请填写督办时限"), field="deadline", code="required")
    if deadline <= ctx.now:
        raise ActionError(_("督办时限必须晚于现在"), field="deadline", code="invalid")
    new_deadline = min(deadline, order.resolve_deadline) if order.resolve_deadline else deadline
    return Change(
        "supervise",
        fields={"supervised": True, "resolve_deadline": new_deadline},
        reason=reason,
        data={"deadline": new_deadline.isoformat()},
        notices=[Notice(_("工单 %(n)s 被督办：%(r)s") % {"n": order.number, "r": reason})],
    )


def callback(order, actor, ctx: Context, satisfaction: str, note: str = "", *, user) -> Change:
    """回访: satisfied or basically satisfied → 已回访; unsatisfied → 重办 with a new clock;
    not reached → the state stays. ``user``: the staff login recorded on the Callback row
    (None for an API client)."""
    if satisfaction not in Satisfaction.values:
        raise ActionError(_("请选择满意度"), field="satisfaction", code="invalid_choice")
    change = Change("callback", reason=note, data={"satisfaction": satisfaction})
    if satisfaction == Satisfaction.UNSATISFIED:
        change.to_state = State.REOPENED
        change.fields = {
            **_restart_clock(ctx, order.category),
            "accepted_at": None,
            "first_visit_at": None,
            "resolved_at": None,
        }
    elif satisfaction != Satisfaction.NOT_REACHED:
        change.to_state = State.CALLBACK_DONE
    change.rows.append(
        Callback(order=order, actor=user, at=ctx.now, satisfaction=satisfaction, note=note)
    )
    return change


def close(order, actor, ctx: Context) -> Change:
    """归档."""
    return Change("close", to_state=State.CLOSED)


def merge(order, actor, ctx: Context, master, reason: str = "") -> Change:
    """重复件: ``order`` joins ``master``; its caller gets the master's reply."""
    same = master is order or (master.pk is not None and master.pk == order.pk)
    if same or master.state not in OPEN_STATES | {State.RESOLVED}:
        raise ActionError(_("只能合并到另一张未归档的工单"), field="master", code="invalid")
    # (the demo history's unsaved orders keep their master in ``master_order``)
    if master.master_id or getattr(master, "master_order", None) is not None:
        raise ActionError(_("主工单本身是重复件"), field="master", code="invalid")
    return Change(
        "merge",
        to_state=State.MERGED,
        fields={"master": master},
        reason=reason,
        data={"master": master.number},
    )


def reject(order, actor, ctx: Context, reason: str) -> Change:
    """不予受理: out of scope (not a heating matter)."""
    return Change("reject", to_state=State.REJECTED, reason=require_reason(reason))


# ---------------------------------------------------------------------------------------------
# The worker (as the system): conditional on the exact columns read, so with several workers
# only one presses or marks an order.


def auto_press(order, ctx: Context) -> Change:
    """催办 by the system once 80 % of the running deadline has passed."""
    if order.press_at is None or order.press_at > ctx.now:
        raise ActionError(_("还没到催办时间"), code="conflict")
    due = timezone.localtime(order.due_at).strftime("%m-%d %H:%M")
    return Change(
        "press",
        from_states=OPEN_STATES,
        fields={"pressed": True, "press_at": None, "due_at": order.due_at},
        guard={"press_at": order.press_at},
        # stored untranslated: shown in the reader's language (wennuan.lib.systemtext)
        reason=gettext_noop("时限已过80%，系统自动催办"),
        data={"due_at": order.due_at.isoformat() if order.due_at else None},
        notices=[
            Notice(
                _("工单 %(n)s 即将超期（时限 %(t)s），请尽快处理") % {"n": order.number, "t": due}
            )
        ],
    )


def mark_overdue(order, ctx: Context) -> Change:
    """超期: the breach of the running deadline, marked once; the company and the bureau hear."""
    if order.due_at is None or order.due_at > ctx.now or order.breached_at is not None:
        raise ActionError(_("工单未超期"), code="conflict")
    return Change(
        "overdue",
        from_states=OPEN_STATES,
        fields={"overdue": True, "breached_at": ctx.now, "press_at": None, "due_at": order.due_at},
        guard={"due_at": order.due_at, "breached_at": None},
        data={"due_at": order.due_at.isoformat()},
        notices=[Notice(_("工单 %(n)s 已超期") % {"n": order.number}, supervisors=True)],
    )

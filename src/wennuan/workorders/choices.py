"""Stable codes of the work-order domain (design §4). Chinese labels are for the UI only."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    """Complaint categories of design §4.1 (codes are stable; the reader uses the same)."""

    NOT_WARM = "not_warm", _("室温不达标/暖气不热")
    NO_HEAT = "no_heat", _("不供暖/暖气不通")
    LEAK = "leak", _("漏水/跑水/爆管")
    BILLING = "billing", _("收费/缴费/发票")
    SUSPEND_RESUME = "suspend_resume", _("报停/报开")
    SERVICE = "service", _("服务态度/不守时")
    VIOLATION = "violation", _("私接/私装管道泵/偷热")
    CONSULT = "consult", _("咨询")
    OTHER = "other", _("其他")


# Consultations an operator may answer at once (即时办结).
IMMEDIATE_CATEGORIES = frozenset({Category.CONSULT, Category.BILLING, Category.OTHER})
# Complaints about the heat itself: measured at home, calibrate the plan, fall under the
# fee-reduction rule.
HEAT_COMPLAINTS = frozenset({Category.NOT_WARM, Category.NO_HEAT})


class State(models.TextChoices):
    """States of design §4.2 (12345 conventions)."""

    RECEIVED = "received", _("受理")
    DISPATCHED = "dispatched", _("派单")
    ACCEPTED = "accepted", _("签收")
    IN_PROGRESS = "in_progress", _("办理中")
    RESOLVED = "resolved", _("办结")
    CALLBACK_DONE = "callback_done", _("已回访")
    CLOSED = "closed", _("归档")
    RETURNED = "returned", _("退单")
    MERGED = "merged", _("重复件")
    REOPENED = "reopened", _("重办")
    REJECTED = "rejected", _("不予受理")


class Action(models.TextChoices):
    """What an event of an order's history records (``Event.action``): one per action function
    of ``wennuan.workorders.actions`` plus the worker's press and overdue marks."""

    CREATE = "create", _("受理")
    DISPATCH = "dispatch", _("派单")
    ACCEPT = "accept", _("签收")
    ASSIGN = "assign", _("指派维修人员")
    RECORD_VISIT = "record_visit", _("记录入户")
    REPLY = "reply", _("答复办结")
    RESOLVE_IMMEDIATELY = "resolve_immediately", _("即时办结")
    CALLBACK = "callback", _("回访")
    CLOSE = "close", _("归档")
    RETURN = "return", _("退单")
    REROUTE = "reroute", _("改派")
    REFUSE_RETURN = "refuse_return", _("驳回退单")
    REQUEST_EXTENSION = "request_extension", _("申请延期")
    DECIDE_EXTENSION = "decide_extension", _("审批延期")
    PRESS = "press", _("催办")
    SUPERVISE = "supervise", _("督办")
    MERGE = "merge", _("合并重复件")
    REJECT = "reject", _("不予受理")
    OVERDUE = "overdue", _("超期")
    PUBLISH_REPLY = "publish_reply", _("公开答复")
    WITHDRAW_REPLY = "withdraw_reply", _("撤回答复")
    NOTIFY = "notify", _("通知市民")  # a notice to the citizen (wennuan.channels.citizen)


# States in which the company still owes work and the clock runs.
OPEN_STATES = frozenset(
    {
        State.RECEIVED,
        State.DISPATCHED,
        State.ACCEPTED,
        State.IN_PROGRESS,
        State.RETURNED,
        State.REOPENED,
    }
)
FINAL_STATES = frozenset({State.CLOSED, State.MERGED, State.REJECTED})


class Channel(models.TextChoices):
    HOTLINE_12345 = "12345", _("12345政务服务热线")
    HOTLINE_12319 = "12319", _("12319供热服务热线")
    COMPANY_LINE = "company_line", _("企业服务热线")
    WEB = "web", _("网站/微信")
    API = "api", _("外部系统")
    PROACTIVE = "proactive", _("未诉先办")


class Clock(models.TextChoices):
    """How a deadline counts time (design §4.3)."""

    ROUND_THE_CLOCK_IN_SEASON = "24x7_in_season", _("供暖季内24小时计时")
    BUSINESS = "business", _("工作日计时")


class Verdict(models.TextChoices):
    """Outcome of one home visit, computed by the rules of design §4.4, never chosen."""

    COMPLIANT = "compliant", _("达标")
    NON_COMPLIANT = "non_compliant", _("不达标")
    INVALID = "invalid", _("无效测温")
    NOT_HOME = "not_home", _("不在家")


# The verdicts of a visit that measured the home by the rules (what a reply, a KPI or the
# calibration may count as a reading).
MEASURED_VERDICTS = (Verdict.COMPLIANT, Verdict.NON_COMPLIANT)


class Cause(models.TextChoices):
    """Findings of a visit (design §4.4, stable codes)."""

    MEETS_STANDARD = "meets_standard", _("室温已达标")
    WINDOW_OPEN = "window_open", _("开窗通风")
    RADIATOR_AIR_LOCK = "radiator_air_lock", _("暖气片存气")
    VALVE_CLOSED = "valve_closed", _("阀门关闭")
    FILTER_CLOGGED = "filter_clogged", _("过滤器堵塞")
    HOUSEHOLD_ALTERATION = "household_alteration", _("户内私改")
    ILLEGAL_PUMP = "illegal_pump", _("私装管道泵")
    HYDRAULIC_IMBALANCE = "hydraulic_imbalance", _("水力失调")
    INSUFFICIENT_SUPPLY = "insufficient_supply", _("供热不足")
    BUILDING_PIPE_FAULT = "building_pipe_fault", _("楼内管道故障")
    LEAK_REPAIRED = "leak_repaired", _("漏点已修复")
    OTHER = "other", _("其他")


# Causes that make a temperature test invalid: the household, not the company, is the cause.
INVALIDATING_CAUSES = frozenset({Cause.WINDOW_OPEN, Cause.HOUSEHOLD_ALTERATION, Cause.ILLEGAL_PUMP})


class RoomKind(models.TextChoices):
    LIVING = "living", _("客厅")
    BEDROOM = "bedroom", _("卧室")
    OTHER = "other", _("其他房间")


# Only these rooms count for the standard (山东省供热条例 art. 21: bedrooms and living rooms).
STANDARD_ROOMS = frozenset({RoomKind.LIVING, RoomKind.BEDROOM})


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASICALLY_SATISFIED = "basically_satisfied", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")
    # The call did not reach the citizen: recorded, the order stays resolved for another try.
    NOT_REACHED = "not_reached", _("未接通")

"""The dispatch console (调度台) of one plan version: charts, the substation table, the network
map, communities at risk, model-vs-measurement disagreements; forms to adjust a set-point or a
source limit and re-run, to approve, and to compute today's plan.

Who: staff who may see the plan's company read it (supervisors and the bureau every company,
company staff their own; another company's plan is 404); only dispatch engineers of the company
(and admins) change anything (planning.access). A stale form (the plan is no longer the newest
version of its day, or approving an already approved version) gets a message, never a 500.
"""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from wennuan.lib.fielderrors import form_errors
from wennuan.lib.forms import UserNumberField
from wennuan.registry.models import SourceConnection
from wennuan.staff.access import staff_role

from . import charts
from .access import can_edit_plans, compute_companies, visible_companies
from .actions import adjust_and_rerun, approve_plan
from .calibration import disagreements
from .choices import AdjustmentKind, PlanStatus, PlanTrigger, WeatherProvider
from .config import setting
from .engine import PlanError, StalePlanError, compute_plans
from .models import CommunityParameterChange, Plan, PlanCommunity, PlanImmutableError
from .proactive import open_proactive_orders

# Secondary supply set-points a dispatcher may enter: floor heating runs ~35–45 °C, radiators
# up to ~95 °C; anything outside is a typo, not a set-point.
SUPPLY_SETPOINT_RANGE_C = (25.0, 95.0)
RECENT_CHANGES = 10  # calibration changes shown on the console
IDLE_KW = 1.0  # a source giving less than this in an hour is idle in that hour
NUMBER_ERRORS = {"invalid": gettext_lazy("请输入数字"), "required": gettext_lazy("请填写此项")}
CHOICE_ERRORS = {
    "invalid_choice": gettext_lazy("请选择本计划中的一项"),
    "required": gettext_lazy("请选择"),
}


class _HoursForm(forms.Form):
    first_hour = forms.IntegerField(
        label=gettext_lazy("开始小时"), initial=0, error_messages=NUMBER_ERRORS
    )
    last_hour = forms.IntegerField(
        label=gettext_lazy("结束小时"), initial=23, error_messages=NUMBER_ERRORS
    )
    reason = forms.CharField(label=gettext_lazy("原因"), max_length=200, required=False)

    def clean(self):
        data = super().clean()
        first, last = data.get("first_hour"), data.get("last_hour")
        for name, value in (("first_hour", first), ("last_hour", last)):
            if value is not None and not 0 <= value <= 23:
                self.add_error(name, _("小时应在 0–23 之间"))
        if (
            first is not None
            and last is not None
            and 0 <= first <= 23
            and 0 <= last <= 23
            and first > last
        ):
            self.add_error("last_hour", _("结束小时不能早于开始小时"))
        return data


class SetpointForm(_HoursForm):
    """A substation's supply temperature set-point for some hours."""

    kind = AdjustmentKind.SUPPLY_TEMP
    substation = forms.TypedChoiceField(
        label=gettext_lazy("换热站"), coerce=int, error_messages=CHOICE_ERRORS
    )
    value = UserNumberField(label=gettext_lazy("供水温度 (°C)"), error_messages=NUMBER_ERRORS)
    field_order = ["substation", "first_hour", "last_hour", "value", "reason"]

    def __init__(self, *args, plan: Plan, **kwargs):
        # Both forms are on one page: distinct ids keep each label on its own input.
        kwargs.setdefault("auto_id", "setpoint-%s")
        super().__init__(*args, **kwargs)
        rows = plan.substation_results.select_related("substation").order_by("substation__code")
        self.fields["substation"].choices = [(r.substation_id, r.substation.name) for r in rows]

    def clean_value(self):
        value = self.cleaned_data["value"]
        low, high = SUPPLY_SETPOINT_RANGE_C
        if not low <= value <= high:
            raise ValidationError(
                _("供水温度设定应在 %(low)d–%(high)d °C 之间") % {"low": low, "high": high}
            )
        return value

    def adjustment(self) -> dict:
        data = self.cleaned_data
        return {
            "kind": AdjustmentKind.SUPPLY_TEMP,
            "substation_id": data["substation"],
            "first_hour": data["first_hour"],
            "last_hour": data["last_hour"],
            "value": data["value"],
            "reason": data.get("reason", ""),
        }


class SourceLimitForm(_HoursForm):
    """A heat source's output limit for some hours (e.g. a unit out for maintenance)."""

    kind = AdjustmentKind.SOURCE_LIMIT
    source = forms.TypedChoiceField(
        label=gettext_lazy("热源"), coerce=int, error_messages=CHOICE_ERRORS
    )
    value = UserNumberField(label=gettext_lazy("出力上限 (kW)"), error_messages=NUMBER_ERRORS)
    field_order = ["source", "first_hour", "last_hour", "value", "reason"]

    def __init__(self, *args, plan: Plan, **kwargs):
        kwargs.setdefault("auto_id", "source-%s")
        super().__init__(*args, **kwargs)
        self.capacity_kw = {}
        rows = plan.source_results.select_related("source").order_by("source__code")
        for row in rows:
            self.capacity_kw[row.source_id] = row.source.capacity_mw * 1000
        self.fields["source"].choices = [(r.source_id, r.source.name) for r in rows]

    def clean(self):
        data = super().clean()
        value, source = data.get("value"), data.get("source")
        if value is not None:
            if value < 0:
                self.add_error("value", _("出力上限不能为负数"))
            elif source in self.capacity_kw and value > self.capacity_kw[source]:
                self.add_error(
                    "value",
                    _("出力上限不能超过热源的供热能力 %(kw).0f kW")
                    % {"kw": self.capacity_kw[source]},
                )
        return data

    def adjustment(self) -> dict:
        data = self.cleaned_data
        return {
            "kind": AdjustmentKind.SOURCE_LIMIT,
            "source_id": data["source"],
            "first_hour": data["first_hour"],
            "last_hour": data["last_hour"],
            "value": data["value"],
            "reason": data.get("reason", ""),
        }


FORMS = {AdjustmentKind.SUPPLY_TEMP: SetpointForm, AdjustmentKind.SOURCE_LIMIT: SourceLimitForm}


def _readable_plan(request, pk: int) -> Plan:
    if staff_role(request.user) is None:
        raise PermissionDenied
    return get_object_or_404(
        Plan.objects.select_related("company", "approved_by", "created_by", "based_on"),
        pk=pk,
        company__in=visible_companies(request.user),
    )


def _latest_version(plan: Plan) -> Plan:
    return (
        Plan.objects.filter(company=plan.company, date=plan.date).order_by("-version").first()
        or plan
    )


def _running_supply_c(row) -> list[float]:
    """Outlet temperatures of the hours a source produces heat: an idle source has no outlet
    temperature worth showing (the engine still writes its curve's value)."""
    return [
        t
        for t, q in zip(row.supply_temp_c or [], row.heat_kw or [], strict=False)
        if t is not None and q is not None and q > IDLE_KW
    ]


def _source_rows(plan: Plan) -> list:
    sources = list(plan.source_results.select_related("source").order_by("source__code"))
    for row in sources:
        row.peak_kw = max(row.heat_kw or [0])
        running = _running_supply_c(row)
        row.running = bool(running)
        row.supply_min_c = min(running) if running else None
        row.supply_max_c = max(running) if running else None
    return sources


def peak_mw(sources) -> float:
    """The plan's peak: the largest hourly sum of all sources' output [MW]."""
    hourly = [0.0] * 24
    for row in sources:
        for h, q in enumerate((row.heat_kw or [])[:24]):
            hourly[h] += q or 0.0
    return max(hourly) / 1000.0


def source_changes(plan: Plan, reference: Plan | None) -> list[dict]:
    """Every source whose output or outlet temperature differs between ``reference`` and
    ``plan`` (a set-point raise can move a plant's outlet or start an idle boiler: the
    engineer must see it before approving). Empty without a reference."""
    if reference is None:
        return []
    before = {row.source_id: row for row in _source_rows(reference)}
    changes = []
    for row in _source_rows(plan):
        old = before.get(row.source_id)
        if old is None:
            continue
        heat_delta_mwh = (row.total_heat_kwh - old.total_heat_kwh) / 1000.0
        outlet_moved = (row.supply_min_c, row.supply_max_c) != (old.supply_min_c, old.supply_max_c)
        if abs(heat_delta_mwh) < 0.05 and not outlet_moved:
            continue
        if row.running and not old.running:
            change = _("启动（原停运）")
        elif old.running and not row.running:
            change = _("停运")
        else:
            change = ""
        changes.append(
            {
                "source": row.source,
                "before": old,
                "after": row,
                "heat_delta_mwh": heat_delta_mwh,
                "change": change,
            }
        )
    return changes


def overheated_rows(plan: Plan, limit_c: float) -> list[PlanCommunity]:
    """Community results predicted above ``limit_c`` in some hour, warmest first."""
    rows = []
    for row in plan.community_results.select_related("community", "community__substation"):
        row.max_indoor_c = max(
            (t for t in row.predicted_indoor_c or [] if t is not None), default=0
        )
        if row.max_indoor_c > limit_c:
            rows.append(row)
    return sorted(rows, key=lambda r: -r.max_indoor_c)


# A forecast older than this is stale for tomorrow's plan: the page says so.
STALE_FORECAST = timedelta(hours=24)


def weather_age(plan: Plan, now) -> dict | None:
    """How old the plan's forecast is now, from its issue time (the stored ``weather_age_h``
    is its age when the plan was computed: a plan opened a day and a half later said
    "0 小时前"). ``stale`` when older than a day; a climate series is no forecast and never
    stale (its note says so)."""
    if plan.weather_issued_at is None:
        return None
    age = max(now - plan.weather_issued_at, timedelta(0))
    hours = int(age.total_seconds() // 3600)
    return {
        "hours": hours,
        "days": hours // 24,
        "rest_hours": hours % 24,
        "stale": age > STALE_FORECAST and plan.weather_provider != WeatherProvider.CLIMATE,
    }


def _console_context(request, plan: Plan, *, setpoint_form=None, source_form=None) -> dict:
    sources = _source_rows(plan)
    substations = list(
        plan.substation_results.select_related(
            "substation", "substation__source", "substation__junction"
        ).order_by("substation__code")
    )
    pipes = list(
        plan.pipe_results.select_related("pipe", "pipe__from_junction", "pipe__to_junction")
    )
    at_risk = list(
        plan.community_results.filter(at_risk=True)
        .select_related("community", "community__substation", "proactive_order")
        .order_by("min_indoor_c")
    )
    connections = SourceConnection.objects.filter(junction__company=plan.company).select_related(
        "source", "junction"
    )
    source_points = [
        (c.source.name, c.junction.longitude, c.junction.latitude) for c in connections
    ]
    rows = []
    for row in substations:
        demand = sum(row.demand_kw or [])
        heat = sum(row.heat_kw or [])
        rows.append(
            {
                "row": row,
                "peak_heat_kw": max(row.heat_kw or [0]),
                "demand_mwh": demand / 1000,
                "heat_mwh": heat / 1000,
                "met_pct": 100.0 * heat / demand if demand > 0 else 100.0,
                "supply_min_c": min(row.supply_temp_c or [0]),
                "supply_max_c": max(row.supply_temp_c or [0]),
                "return_max_c": max(row.return_temp_c or [0]),
            }
        )
    adjustments = list(plan.adjustments.select_related("substation", "source", "created_by"))
    latest = _latest_version(plan)
    editable = can_edit_plans(request.user, plan.company)
    versions = list(
        Plan.objects.filter(company=plan.company, date=plan.date)
        .order_by("-version")
        .values("id", "version", "status", "trigger", "computed_at", "inputs__note")
    )
    status_labels = dict(PlanStatus.choices)
    trigger_labels = dict(PlanTrigger.choices)
    for version in versions:
        version["status_label"] = status_labels.get(version["status"], version["status"])
        version["trigger_label"] = trigger_labels.get(version["trigger"], version["trigger"])
        version["note"] = version.pop("inputs__note") or ""
    return {
        "plan": plan,
        "latest": latest,
        "is_latest": latest.pk == plan.pk,
        "versions": versions,
        "editable": editable,
        "sources": sources,
        "substation_rows": rows,
        "at_risk": at_risk,
        "adjustments": adjustments,
        "setpoint_effect": _setpoint_effect(plan, adjustments),
        "source_changes": source_changes(plan, plan.based_on),
        "peak_mw": peak_mw(sources),
        "overheat_c": _overheat_limit(plan),
        "plan_note": (plan.inputs or {}).get("note", ""),
        "disagreements": disagreements(plan.company),
        "parameter_changes": list(
            CommunityParameterChange.objects.filter(community__company=plan.company)
            .select_related("community", "changed_by")
            .order_by("-changed_at", "-id")[:RECENT_CHANGES]
        ),
        "outdoor_temp_c": (plan.inputs or {}).get("outdoor_temp_c") or [],
        "weather_age": weather_age(plan, timezone.now()),
        "figures": {
            "demand": charts.demand_capacity_figure(sources, substations),
            "sources": charts.source_schedule_figure(sources),
            "network": charts.network_figure(pipes, substations, source_points)
            if pipes or substations
            else None,
        },
        "setpoint_form": setpoint_form or SetpointForm(plan=plan),
        "source_form": source_form or SourceLimitForm(plan=plan),
        "load_bands": [
            {"colour": colour, "label": charts.load_band((low + min(high, low + 1)) / 2)[1]}
            for low, high, colour in charts.LOAD_BANDS
        ],
    }


def _overheat_limit(plan: Plan) -> float:
    """The overheating limit the plan was computed with (older plans: today's setting)."""
    return float((plan.inputs or {}).get("overheat_c") or setting("WENNUAN_PLAN_OVERHEAT_C"))


def _setpoint_effect(plan: Plan, adjustments) -> list[dict]:
    """The communities of the substations whose supply set-point this version overrides, with
    their predicted indoor temperature and heat in this version and in the one it was re-run
    from (two queries, whatever the size of the network)."""
    substation_ids = {
        a.substation_id
        for a in adjustments
        if a.kind == AdjustmentKind.SUPPLY_TEMP and a.substation_id is not None
    }
    if not substation_ids:
        return []
    rows = (
        plan.community_results.filter(community__substation_id__in=substation_ids)
        .select_related("community", "community__substation")
        .order_by("community__substation__code", "min_indoor_c")
    )
    before = {}
    if plan.based_on_id:
        before = {
            r.community_id: r
            for r in PlanCommunity.objects.filter(
                plan_id=plan.based_on_id, community__substation_id__in=substation_ids
            )
        }
    effect = []
    limit_c = _overheat_limit(plan)
    for row in rows:
        old = before.get(row.community_id)
        warmest_c = max((t for t in row.predicted_indoor_c or [] if t is not None), default=None)
        effect.append(
            {
                "row": row,
                "before": old,
                "max_indoor_c": warmest_c,
                "overheated": warmest_c is not None and warmest_c > limit_c,
                "heat_mwh": sum(row.heat_kw or []) / 1000,
                "heat_before_mwh": sum(old.heat_kw or []) / 1000 if old else None,
            }
        )
    return effect


@login_required
def plan_console(request, pk: int):
    plan = _readable_plan(request, pk)
    return render(request, "planning/console/plan.html", _console_context(request, plan))


def _stale_message(plan: Plan, latest: Plan) -> str:
    return _(
        "该计划已有更新的版本 v%(latest)d（您看到的是 v%(version)d），请在最新版本上调整。"
    ) % {"latest": latest.version, "version": plan.version}


def _stale_approval_message(latest: Plan) -> str:
    return _("该计划已有更新的版本 v%(latest)d，请核对最新版本后再批准。") % {
        "latest": latest.version
    }


@login_required
@require_POST
def adjust(request, pk: int):
    plan = _readable_plan(request, pk)
    if not can_edit_plans(request.user, plan.company):
        raise PermissionDenied
    form_class = FORMS.get(request.POST.get("kind"))
    if form_class is None:
        messages.error(request, _("未知的调整类型"))
        return redirect("planning:plan", pk=plan.pk)
    latest = _latest_version(plan)
    if latest.pk != plan.pk:
        messages.error(request, _stale_message(plan, latest))
        return redirect("planning:plan", pk=latest.pk)
    form = form_class(request.POST, plan=plan)
    if not form.is_valid():
        kwargs = {"setpoint_form" if form_class is SetpointForm else "source_form": form}
        context = _console_context(request, plan, **kwargs)
        context["form_error"] = True
        context["form_error_messages"] = form_errors(form)
        return render(request, "planning/console/plan.html", context, status=400)
    try:
        new = adjust_and_rerun(plan, request.user, form.adjustment())
    except StalePlanError as error:
        # Another engineer stored a newer version while this one was being computed.
        messages.error(request, _stale_message(plan, error.latest))
        return redirect("planning:plan", pk=error.latest.pk)
    except (PlanError, ValidationError) as error:
        messages.error(request, _("重新计算失败：%(error)s") % {"error": _error_text(error)})
        return redirect("planning:plan", pk=plan.pk)
    messages.success(
        request,
        _("已按调整重新计算，生成草稿 v%(version)d；核对后请批准。") % {"version": new.version},
    )
    return redirect("planning:plan", pk=new.pk)


def _confirmation_context(plan: Plan) -> dict:
    """What approving ``plan`` changes against the version in force (the approved one, else
    the version it was re-run from): totals, adjustments, every source change, overheating."""
    in_force = (
        Plan.objects.filter(company=plan.company, date=plan.date, status=PlanStatus.APPROVED)
        .exclude(pk=plan.pk)
        .first()
    ) or plan.based_on
    sources = _source_rows(plan)
    limit_c = _overheat_limit(plan)
    return {
        "plan": plan,
        "in_force": in_force,
        "peak_mw": peak_mw(sources),
        "peak_before_mw": peak_mw(_source_rows(in_force)) if in_force else None,
        "adjustments": list(plan.adjustments.select_related("substation", "source")),
        "source_changes": source_changes(plan, in_force),
        "overheated": overheated_rows(plan, limit_c),
        "overheat_c": limit_c,
    }


@login_required
def approve(request, pk: int):
    """GET: the confirmation step (what approving changes); POST with ``confirm``: approve.
    A POST without ``confirm`` shows the confirmation step and changes nothing."""
    plan = _readable_plan(request, pk)
    if not can_edit_plans(request.user, plan.company):
        raise PermissionDenied
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    latest = _latest_version(plan)
    if request.method == "GET" or request.POST.get("confirm") != "yes":
        if plan.status == PlanStatus.DRAFT and latest.pk == plan.pk:
            return render(request, "planning/console/approve.html", _confirmation_context(plan))
    if plan.status != PlanStatus.DRAFT:
        messages.error(
            request,
            _("v%(version)d 已是“%(status)s”状态，不能再次批准。")
            % {"version": plan.version, "status": plan.get_status_display()},
        )
        return redirect("planning:plan", pk=plan.pk)
    if latest.pk != plan.pk:
        messages.error(request, _stale_approval_message(latest))
        return redirect("planning:plan", pk=latest.pk)
    try:
        approve_plan(plan, request.user)
    except StalePlanError as error:
        # A newer version appeared between this page's check and the locked approval.
        messages.error(request, _stale_approval_message(error.latest))
        return redirect("planning:plan", pk=error.latest.pk)
    except PlanImmutableError as error:
        messages.error(request, _error_text(error))
        return redirect("planning:plan", pk=plan.pk)
    messages.success(
        request,
        _("已批准 v%(version)d，为 %(date)s 的调度计划。")
        % {"version": plan.version, "date": plan.date.isoformat()},
    )
    return redirect("planning:plan", pk=plan.pk)


def _error_text(error) -> str:
    if isinstance(error, ValidationError):
        return _("；").join(str(m) for m in error.messages)
    return str(error)


@login_required
@require_POST
def compute_today(request):
    """Compute today's (or, with ``day=tomorrow``, tomorrow's) plan of the engineer's company
    now (a new draft version keeping the day's approved adjustments)."""
    if staff_role(request.user) is None:
        raise PermissionDenied
    allowed = compute_companies(request.user)
    wanted = (request.POST.get("company") or "").strip()
    if wanted:
        # Admins name the company by its code (or id).
        lookup = Q(code=wanted) | (Q(pk=int(wanted)) if wanted.isdecimal() else Q(pk__in=[]))
        company = allowed.filter(lookup).first()
    else:
        company = allowed.first() if allowed.count() == 1 else None
    if company is None:
        if not allowed.exists():
            raise PermissionDenied
        messages.error(request, _("请填写正确的热力公司代码"))
        return redirect("planning:index")
    tomorrow = request.POST.get("day") == "tomorrow"
    today = timezone.localdate() + timedelta(days=1 if tomorrow else 0)
    try:
        (plan,) = compute_plans(
            today, companies=[company], trigger=PlanTrigger.CONSOLE, created_by=request.user
        )
    except PlanError as error:
        text = _("无法计算明日计划：%(error)s") if tomorrow else _("无法计算今日计划：%(error)s")
        messages.error(request, text % {"error": error})
        return redirect("planning:index")
    open_proactive_orders(plan)
    messages.success(
        request,
        _("已计算 %(company)s %(date)s 的计划 v%(version)d。")
        % {"company": company.short_name, "date": today.isoformat(), "version": plan.version},
    )
    return redirect(reverse("planning:plan", kwargs={"pk": plan.pk}))

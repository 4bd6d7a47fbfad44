"""未诉先办: a proactive work order for every community a plan predicts too cold.

An open order for the same community (any channel) already makes the company look, so the
plan links to it instead of opening another; re-running a plan therefore never duplicates.

A plan whose weather is outside what its models were made for (``inputs.weather_out_of_range``,
its first warning says so) opens none: its temperatures are not to be sent to community
managers. Orders that cannot be opened are summarised in one warning (count and first
reason), never one line per community.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from wennuan.lib.systemtext import system_text
from wennuan.workorders.actions import ActionError, do_create_order
from wennuan.workorders.choices import OPEN_STATES, Category, Channel
from wennuan.workorders.models import WorkOrder

from .models import Plan, PlanCommunity


def _contact_phone(community) -> str:
    if community.manager_id and community.manager.phone:
        return community.manager.phone
    line = community.company.primary_service_line()
    return line.number if line else ""


def _add_warning(plan: Plan, text) -> None:
    warnings = [*plan.warnings, text]
    Plan.objects.filter(pk=plan.pk).update(warnings=warnings)
    plan.warnings = warnings


def open_proactive_orders(plan: Plan, *, now=None) -> list[WorkOrder]:
    """Open (or link to an open) order for each at-risk community of ``plan``; returns the
    newly created orders. None for a plan whose weather is out of range (one warning)."""
    now = now or timezone.now()
    if (plan.inputs or {}).get("weather_out_of_range"):
        if plan.at_risk_count:
            _add_warning(
                plan,
                system_text(
                    "天气数据超出适用范围：未为 %(n)d 个低温风险小区生成未诉先办工单"
                    "（核对天气后重新计算）"
                )
                % {"n": plan.at_risk_count},
            )
        return []
    created = []
    failures = []
    risky = (
        PlanCommunity.objects.filter(plan=plan, at_risk=True, proactive_order__isnull=True)
        .select_related("community__manager", "community__company")
        .order_by("min_indoor_c")
    )
    for row in risky:
        community = row.community
        existing = (
            WorkOrder.objects.filter(community=community, state__in=OPEN_STATES)
            .order_by("-created_at")
            .first()
        )
        if existing is None:
            worst_hour = min(
                range(len(row.predicted_indoor_c)),
                key=lambda h: (
                    row.predicted_indoor_c[h] if row.predicted_indoor_c[h] is not None else 99
                ),
            )
            text = _(
                "【未诉先办】%(date)s 调度计划（第 %(version)d 版）预测%(community)s最低室温 "
                "%(temp).1f °C（约 %(hour)02d:00），低于室温标准或接近下限，请提前排查供热情况。"
            ) % {
                "date": plan.date.isoformat(),
                "version": plan.version,
                "community": community.name,
                "temp": row.min_indoor_c,
                "hour": worst_hour,
            }
            phone = _contact_phone(community)
            try:
                existing = do_create_order(
                    None,
                    text=text,
                    phone=phone,
                    channel=Channel.PROACTIVE,
                    category=Category.NOT_WARM,
                    community=community,
                    caller_name=_("调度中心"),
                    stated_temp_c=round(row.min_indoor_c, 1),
                    now=now,
                )
            except ActionError as error:
                failures.append((community.name, str(error)))
                continue
            created.append(existing)
        PlanCommunity.objects.filter(pk=row.pk).update(proactive_order=existing)
    if failures:
        name, error = failures[0]
        _add_warning(
            plan,
            system_text("%(n)d 个小区无法生成主动工单（首个：%(community)s，%(error)s）")
            % {"n": len(failures), "community": name, "error": error},
        )
    return created

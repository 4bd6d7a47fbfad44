"""What a drill-down shows, in words: the header the order list puts above the orders
behind a dashboard number ("永恒热力 · 12月1日–12月7日 未按时签收的工单")."""

from datetime import date, datetime, timedelta

from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wennuan.registry.models import Community, HeatingCompany
from wennuan.workorders.choices import Category, Channel


def _day(text: str) -> str:
    day = date.fromisoformat(text)
    return _("%(m)d月%(d)d日") % {"m": day.month, "d": day.day}


def _moment_day(text: str) -> str:
    return _day(timezone.localtime(datetime.fromisoformat(text)).date().isoformat())


def _company(value: str) -> str:
    if value == "none":
        return _("未定责任单位")
    if value.isdecimal():
        name = HeatingCompany.objects.filter(pk=int(value)).values_list("short_name", flat=True)
        return name.first() or ""
    return ""


# Lazy: built at import, read in each request's language.
WEEK_METRICS = {
    "week_orders": gettext_lazy("受理的工单"),
    "week_sign_due": gettext_lazy("应签收的工单"),
    "week_sign_missed": gettext_lazy("未按时签收的工单"),
    "week_resolve_due": gettext_lazy("应办结的工单"),
    "week_resolve_missed": gettext_lazy("未按时办结的工单"),
    "week_callbacks": gettext_lazy("已回访的工单"),
    "week_unsatisfied": gettext_lazy("回访不满意的工单"),
}


def drill_title(query: str) -> str | None:
    """The header for the drill-down whose dashboard parameters are ``query`` (as the
    drill link had them); None when they are not a known drill-down."""
    params = QueryDict(query)
    metric = params.get("metric", "")
    parts = []
    try:
        if params.get("company"):
            parts.append(_company(params["company"]))
        if metric in ("intake", "day"):
            parts.append(_("%(day)s 受理的工单") % {"day": _day(params["day"])})
            if params.get("channel"):
                parts.append(str(dict(Channel.choices).get(params["channel"], "")))
            if params.get("category"):
                parts.append(str(dict(Category.choices).get(params["category"], "")))
        elif metric == "open":
            parts.append(_("未办结的工单"))
        elif metric == "overdue":
            parts.append(_("超期未办结的工单"))
        elif metric in WEEK_METRICS:
            week = date.fromisoformat(params["week"])
            parts.append(
                _("%(start)s–%(end)s 这一周")
                % {
                    "start": _day(week.isoformat()),
                    "end": _day((week + timedelta(days=6)).isoformat()),
                }
            )
            parts.append(str(WEEK_METRICS[metric]))
        elif metric in ("community", "repeats", "non_compliant"):
            community = Community.objects.filter(pk=int(params["community"])).first()
            parts.append(community.name if community else "")
            parts.append(
                _("%(start)s–%(end)s")
                % {"start": _day(params["start"]), "end": _day(params["end"])}
            )
            parts.append(
                {
                    "community": _("投诉工单"),
                    "repeats": _("同一住户的重复投诉"),
                    "non_compliant": _("入户测温不达标的工单"),
                }[metric]
            )
        elif metric == "cluster":
            parts.append(_("同一小区集中投诉"))
        elif metric in ("kpi_open", "kpi_overdue"):
            parts.append(_("现在未办结的工单") if metric == "kpi_open" else _("现在超期的工单"))
        elif metric in ("kpi_answered_late", "kpi_non_compliant", "kpi_unsatisfied"):
            parts.append(
                _("%(start)s–%(end)s")
                % {
                    "start": _moment_day(params["start"]),
                    "end": _moment_day(params["end"]),
                }
            )
            parts.append(
                {
                    "kpi_answered_late": _("到期未按时答复的工单"),
                    "kpi_non_compliant": _("入户测温不达标的工单"),
                    "kpi_unsatisfied": _("回访不满意的工单"),
                }[metric]
            )
        else:
            return None
    except (KeyError, ValueError):
        return None
    return " · ".join(part for part in parts if part)

"""The supervision dashboard, its drill-down, and the weekly reports (周报)."""

from __future__ import annotations

import math
import re
from datetime import date, timedelta
from functools import lru_cache
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wennuan.registry.models import HeatingCompany, HeatingSeason
from wennuan.staff.scope import Desk, company_scope, may_open

from . import dashboard as dash
from . import snapshot
from .kpis import kpi_tiles
from .models import WeeklyReport
from .rates import week_start
from .weekly import generate_weekly_report

RANKING_SIZE = 20
RECENT_WEEKS = 6  # weeks of rates shown by default (all with ?weeks=all)
CLUSTERS_SHOWN = 20


@lru_cache(maxsize=8)
def _path(name: str) -> str:
    """Reversed once: a dashboard page builds a few hundred drill-down links."""
    return reverse(name)


_PLAIN = re.compile(r"^[A-Za-z0-9_.,:-]*$")


def _query(params: dict) -> str:
    """urlencode, with a fast path for the plain codes, ids and dates of drill-down links (a
    page builds several hundred of them)."""
    values = {k: str(v) for k, v in params.items()}
    if all(_PLAIN.match(v) for v in values.values()):
        return "&".join(f"{k}={v}" for k, v in values.items())
    return urlencode(values)


def drill_url(**params) -> str:
    return _path("reports:drill") + "?" + _query(params)


def orders_url(**params) -> str:
    return _path("console:orders") + "?" + _query(params)


def optional_url(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def _season(request) -> HeatingSeason | None:
    season_id = request.GET.get("season", "")
    if season_id.isdecimal():
        return HeatingSeason.objects.filter(pk=int(season_id)).first() or dash.current_season()
    return dash.current_season()


def compute_figures(scope, season, now) -> dict:
    """Everything the dashboard shows: today's intake and the open orders live, the season's
    figures from the latest snapshot (see ``snapshot``)."""
    today = timezone.localdate(now)
    return {
        "intake": dash.intake(scope, today),
        "open_rows": dash.open_by_company(scope),
        "oldest": dash.oldest_open_orders(scope),
        **snapshot.figures_for(scope, season, now),
    }


def _percent(value):
    return None if value is None else round(100 * value, 1)


def rate_table(rates, companies) -> list[dict]:
    rows = []
    for row in sorted(rates, key=lambda r: (-r.week.toordinal(), r.company_id)):
        base = {"company": row.company_id, "week": row.week.isoformat()}
        rows.append(
            {
                "week": row.week,
                "company": companies.get(row.company_id, ""),
                "orders": row.orders,
                "orders_url": drill_url(metric="week_orders", **base),
                "response": _percent(row.response_rate),
                "sign_due": row.sign_due,
                "sign_due_url": drill_url(metric="week_sign_due", **base),
                "sign_missed": row.sign_due - row.signed_in_time,
                "sign_missed_url": drill_url(metric="week_sign_missed", **base),
                "resolution": _percent(row.resolution_rate),
                "resolve_due": row.resolve_due,
                "resolve_due_url": drill_url(metric="week_resolve_due", **base),
                "resolve_missed": row.resolve_due - row.resolved_in_time,
                "resolve_missed_url": drill_url(metric="week_resolve_missed", **base),
                "satisfaction": _percent(row.satisfaction_rate),
                "callbacks": row.callbacks,
                "callbacks_url": drill_url(metric="week_callbacks", **base),
                "unsatisfied": row.callbacks - row.satisfied,
                "unsatisfied_url": drill_url(metric="week_unsatisfied", **base),
                "medians": {
                    step: None if value is None else round(value)
                    for step, value in row.median_minutes.items()
                },
            }
        )
    return rows


def daily_chart(per_day, temperatures) -> dict:
    """A plotly figure (plain JSON for Plotly.newPlot) of complaints per day, with the outdoor
    temperature on a second axis when the planning app has weather."""
    days = [day.isoformat() for day, _count in per_day]
    data = [
        {
            "type": "bar",
            "x": days,
            "y": [count for _day, count in per_day],
            "name": _("投诉量"),
            "marker": {"color": "#c0392b"},
        }
    ]
    layout = {
        "margin": {"l": 40, "r": 40, "t": 10, "b": 40},
        "height": 300,
        "showlegend": True,
        "legend": {"orientation": "h"},
        "yaxis": {"title": {"text": _("件/日")}},
        # Dates as the page's language writes them (plotly's own ticks say "Dec 3" even on
        # the Chinese page; its locale files are not in the Python package).
        "xaxis": {
            "type": "date",
            "tickformat": _("%-m月%-d日"),
            "hoverformat": _("%Y年%-m月%-d日"),
        },
    }
    if temperatures:
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "x": days,
                "y": (plotted := [temperatures.get(day.isoformat()) for day, _count in per_day]),
                "name": _("室外日均温度 (°C)"),
                "yaxis": "y2",
                "line": {"color": "#2c6fbb"},
            }
        )
        layout["yaxis2"] = {
            "overlaying": "y",
            "side": "right",
            "title": {"text": "°C"},
            # its own gridlines would not meet the bars' (odd ticks such as −6.53 / −2.67)
            "showgrid": False,
            **round_ticks([t for t in plotted if t is not None]),
        }
    # On a phone plotly's mode bar sits over the bars (the page's script hides it there).
    config = {"responsive": True, "displaylogo": False}
    return {"data": data, "layout": layout, "config": config}


def round_ticks(values) -> dict:
    """A temperature axis in whole steps (2, 5 or 10 °C) from a round value below the lowest
    to a round value above the highest; plotly's own choice for a second axis was −6.53,
    −2.67 … on the demo's dashboard."""
    finite = [v for v in values if math.isfinite(v)]
    if not finite:
        return {}
    low, high = min(finite), max(finite)
    span = high - low
    step = 2 if span <= 12 else 5 if span <= 30 else 10
    bottom = math.floor(low / step) * step
    top = math.ceil(high / step) * step
    if top == bottom:
        top += step
    return {"range": [bottom, top], "tickmode": "linear", "tick0": 0, "dtick": step}


@login_required
def index(request):
    """The supervision dashboard: the whole city for the bureau, one company for its staff."""
    scope = company_scope(request.user, Desk.DASHBOARD)
    now = timezone.now()
    today = timezone.localdate(now)
    season = _season(request)
    figures = compute_figures(scope, season, now)
    all_weeks = request.GET.get("weeks") == "all"
    recent_from = week_start(figures["season_end"]) - timedelta(days=7 * (RECENT_WEEKS - 1))
    companies = dict(HeatingCompany.objects.values_list("id", "short_name"))
    temperatures = dash.daily_outdoor_temperature(figures["season_start"], figures["season_end"])
    period = {
        "start": figures["season_start"].isoformat(),
        "end": figures["season_end"].isoformat(),
    }
    ranking = [
        {
            "row": row,
            "complaints_url": drill_url(metric="community", community=row.community_id, **period),
            "repeats_url": drill_url(metric="repeats", community=row.community_id, **period),
            "non_compliant_url": drill_url(
                metric="non_compliant", community=row.community_id, **period
            ),
        }
        for row in figures["ranking"][:RANKING_SIZE]
    ]
    clusters = [
        {
            "cluster": c,
            "url": orders_url(ids=",".join(map(str, c.order_ids)), all=1, drill="metric=cluster"),
        }
        for c in sorted(figures["clusters"], key=lambda c: (-c.count, -c.last_at.timestamp()))[
            :CLUSTERS_SHOWN
        ]
    ]
    day_links = {
        day.isoformat(): drill_url(metric="day", day=day.isoformat())
        for day, _n in figures["per_day"]
    }
    return render(
        request,
        "reports/dashboard.html",
        {
            "scope_company": companies.get(scope.company_id) if scope.company_id else None,
            "season": season,
            "seasons": HeatingSeason.objects.order_by("-start_date"),
            "today": today,
            "intake": {
                kind: [
                    {"label": c.label, "count": c.count, "url": drill_url(**c.params)}
                    for c in figures["intake"][kind]
                ]
                for kind in ("channel", "category", "company")
            },
            "intake_total": figures["intake"]["total"],
            "intake_total_url": drill_url(metric="intake", day=today.isoformat()),
            "open_rows": [
                {
                    "row": row,
                    "open_url": drill_url(metric="open", company=row.company_id),
                    "overdue_url": drill_url(metric="overdue", company=row.company_id),
                }
                for row in figures["open_rows"]
            ],
            "oldest": figures["oldest"],
            "rates": rate_table(
                [r for r in figures["rates"] if all_weeks or r.week >= recent_from], companies
            ),
            "all_weeks": all_weeks,
            "recent_weeks": RECENT_WEEKS,
            "totals": [
                {
                    "company": companies.get(company_id, ""),
                    "orders": total.orders,
                    "response": _percent(total.response_rate),
                    "resolution": _percent(total.resolution_rate),
                    "satisfaction": _percent(total.satisfaction_rate),
                }
                for company_id, total in sorted(figures["totals"].items())
            ],
            "chart": daily_chart(figures["per_day"], temperatures),
            "day_links": day_links,
            "has_temperature": bool(temperatures),
            "ranking": ranking,
            "clusters": clusters,
            "cluster_total": len(figures["clusters"]),
            "dispatch_url": optional_url("planning:index"),
            "outreach_url": optional_url("outreach:index"),
            "is_bureau": may_open(request.user, Desk.WEEKLY_REPORTS),
            "kpis": [
                {"tile": tile, "url": drill_url(**tile.drill)} for tile in kpi_tiles(scope, now)
            ],
            "computed_at": figures["computed_at"],
            "checked_at": figures["checked_at"],
            "figures_stale": snapshot.is_stale(figures["checked_at"], now),
            "now": now,
        },
    )


@login_required
def drill(request):
    """The orders behind one number: redirects to the console order list, filtered by their
    ids (at most ``DRILL_DOWN_MAX_IDS``; beyond that, by the nearest plain filters)."""
    scope = company_scope(request.user, Desk.DASHBOARD)
    try:
        orders = dash.drill_down_orders(scope, request.GET)
        ids = list(
            orders.order_by("created_at").values_list("pk", flat=True)[
                : dash.DRILL_DOWN_MAX_IDS + 1
            ]
        )
    except (ValueError, KeyError, dash.UnknownMetric):
        return HttpResponseBadRequest(_("链接参数不正确").encode())
    # The list says what it shows: the drill link's own parameters travel along (drill=…)
    # and the list turns them into a header (reports.drill.drill_title).
    described = {"drill": request.GET.urlencode()}
    if len(ids) <= dash.DRILL_DOWN_MAX_IDS:
        return redirect(orders_url(ids=",".join(map(str, ids)) or "0", all=1, **described))
    return redirect(orders_url(**_broad_filters(request.GET), **described))


def _broad_filters(params) -> dict:
    """Plain console filters approximating a large drill-down (the list then shows more)."""
    result = {"all": 1}
    metric = params.get("metric", "")
    company = params.get("company", "")
    if company.isdecimal():
        code = HeatingCompany.objects.filter(pk=int(company)).values_list("code", flat=True).first()
        result["company"] = code or ""
    if metric in ("open", "overdue"):
        result.pop("all")
        if metric == "overdue":
            result["overdue"] = 1
    for name in ("channel", "category"):
        if params.get(name):
            result[name] = params[name]
    for name in ("day",):
        if params.get(name):
            result["created_from"] = result["created_to"] = params[name]
    if params.get("week"):
        week = date.fromisoformat(params["week"])
        result["created_from"] = week.isoformat()
        result["created_to"] = (week + timedelta(days=6)).isoformat()
    if params.get("start") and params.get("end"):
        result["created_from"], result["created_to"] = params["start"], params["end"]
    return result


# ---------------------------------------------------------------------------------------------
# Weekly report (周报)


@login_required
def weekly_list(request):
    company_scope(request.user, Desk.WEEKLY_REPORTS)
    today = timezone.localdate()
    return render(
        request,
        "reports/weekly_list.html",
        {
            "reports": WeeklyReport.objects.order_by("-week_start")[:52],
            "last_week": week_start(today) - timedelta(days=7),
            "this_week": week_start(today),
        },
    )


@login_required
@require_POST
def weekly_generate(request):
    company_scope(request.user, Desk.WEEKLY_REPORTS)
    try:
        week = week_start(date.fromisoformat(request.POST.get("week", "")))
    except ValueError:
        return render(
            request,
            "reports/weekly_list.html",
            {
                "reports": WeeklyReport.objects.order_by("-week_start")[:52],
                "error": _("请选择正确的周（日期格式 YYYY-MM-DD）"),
            },
            status=400,
        )
    if week > timezone.localdate():
        return render(
            request,
            "reports/weekly_list.html",
            {
                "reports": WeeklyReport.objects.order_by("-week_start")[:52],
                "error": _("不能生成未来的周报"),
            },
            status=400,
        )
    generate_weekly_report(week, user=request.user)
    return redirect("reports:weekly")


@login_required
def weekly_download(request, pk: int, kind: str):
    company_scope(request.user, Desk.WEEKLY_REPORTS)
    report = get_object_or_404(WeeklyReport, pk=pk)
    file = {"xlsx": report.xlsx, "pdf": report.pdf}.get(kind)
    if not file:
        raise Http404
    name = f"weekly-report-{report.week_start.isoformat()}.{kind}"
    return FileResponse(file.open("rb"), as_attachment=True, filename=name)

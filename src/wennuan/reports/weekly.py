"""The weekly report (周报): the dashboard's figures for one week, the worst communities,
outreach progress and season readiness, as Excel (openpyxl) and PDF (WeasyPrint, Noto CJK)
with simple SVG charts drawn here (no kaleido needed)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.core.files.base import ContentFile
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as _noop

from wennuan.lib import report_rendering as rendering
from wennuan.outreach.progress import progress_summary
from wennuan.readiness.progress import progress_by_company
from wennuan.registry.models import City, HeatingCompany
from wennuan.staff.scope import CompanyScope as Scope
from wennuan.workorders.choices import Category, Channel

from . import dashboard as dash
from .models import WeeklyReport
from .rates import weekly_rates

WORST_COMMUNITIES = 10
CLUSTERS_IN_REPORT = 10


def _pct(value) -> str:
    return "—" if value is None else f"{100 * value:.1f}%"


def _minutes(value) -> str:
    if value is None:
        return "—"
    return f"{value / 60:.1f} h" if value >= 120 else f"{value:.0f} min"


# Columns of the readiness table: (heading, attribute of the readiness module's CompanyProgress).
READINESS_COLUMNS = (
    (_noop("公司"), "company"),
    (_noop("检查项"), "items_total"),
    (_noop("已完成"), "items_done"),
    (_noop("完成率"), "percent_done"),
    (_noop("逾期完成或未完成"), "items_late"),
    (_noop("逾期未完成"), "overdue_open"),
    (_noop("最低燃料储备（天）"), "lowest_fuel_days"),
    (_noop("培训场次"), "training_sessions"),
)


def _readiness_value(row, attribute):
    value = getattr(row, attribute, None)
    if value is None:
        return "—"
    if attribute == "company":
        return getattr(value, "short_name", str(value))
    if attribute == "percent_done":
        return f"{value:.0f}%"
    if isinstance(value, float):
        return round(value, 1)
    return value


def readiness_progress(season, as_of: date) -> tuple[list[dict] | None, str]:
    """Readiness per company from the readiness app's ``progress_by_company``; (None, a clear
    note) without a season or when the progress cannot be read."""
    if season is None:
        return None, _("没有供暖季，无法统计供热准备进度")
    try:
        rows = list(progress_by_company(season, today=as_of))
    except Exception as error:  # noqa: BLE001 - another module's failure must not stop the report
        return None, _("供热准备进度暂不可用：%(e)s") % {"e": error}
    return [
        {_(heading): _readiness_value(row, attribute) for heading, attribute in READINESS_COLUMNS}
        for row in rows
    ], ""


def outreach_progress(week_end: date) -> dict | None:
    return progress_summary(as_of=week_end)


def collect(week: date, now: datetime | None = None) -> dict:
    """All figures of the report for the week starting on Monday ``week`` (whole city)."""
    now = now or timezone.now()
    scope = Scope.city()
    week_end = week + timedelta(days=6)
    lower, upper = dash.day_range(week, week_end)
    companies = dict(HeatingCompany.objects.values_list("id", "short_name"))
    received = dash.WorkOrder.objects.filter(created_at__gte=lower, created_at__lt=upper)
    channels, categories = dict(Channel.choices), dict(Category.choices)
    season = dash.current_season(week_end)
    readiness, readiness_note = readiness_progress(season, week_end)
    clusters = dash.clusters(scope, lower, upper)
    return {
        "city": City.objects.first(),
        "week": week,
        "week_end": week_end,
        "generated_at": now,
        "received": received.count(),
        "by_channel": [
            (str(channels.get(r["channel"], r["channel"])), r["n"])
            for r in received.values("channel").annotate(n=Count("id")).order_by("-n")
        ],
        "by_category": [
            (str(categories.get(r["category"], r["category"])), r["n"])
            for r in received.values("category").annotate(n=Count("id")).order_by("-n")
        ],
        "rates": [
            {
                "company": companies.get(r.company_id, ""),
                "orders": r.orders,
                "response": _pct(r.response_rate),
                "resolution": _pct(r.resolution_rate),
                "satisfaction": _pct(r.satisfaction_rate),
                "response_value": r.response_rate,
                "resolution_value": r.resolution_rate,
                "satisfaction_value": r.satisfaction_rate,
                "sign": _minutes(r.median_minutes.get("sign")),
                "visit": _minutes(r.median_minutes.get("visit")),
                "resolve": _minutes(r.median_minutes.get("resolve")),
            }
            for r in weekly_rates(start=week, end=week_end, now=now)
        ],
        "open_rows": dash.open_by_company(scope),
        "per_day": dash.complaints_per_day(scope, week, week_end),
        "worst": dash.community_ranking(scope, week, week_end, limit=WORST_COMMUNITIES),
        "clusters": sorted(clusters, key=lambda c: -c.count)[:CLUSTERS_IN_REPORT],
        "cluster_total": len(clusters),
        "outreach": outreach_progress(week_end),
        "readiness": readiness,
        "readiness_note": readiness_note,
    }


# ---------------------------------------------------------------------------------------------
# Charts as SVG (WeasyPrint renders inline SVG)


def charts(figures: dict) -> dict[str, str]:
    per_day = figures["per_day"]
    rates = figures["rates"]
    return {
        "per_day": rendering.bar_svg(
            [d.strftime("%m-%d") for d, _n in per_day], [n for _d, n in per_day]
        ),
        "response": rendering.bar_svg(
            [r["company"] for r in rates],
            [round(100 * (r["response_value"] or 0), 1) for r in rates],
            unit="%",
        ),
    }


# ---------------------------------------------------------------------------------------------
# Files


def render_pdf(figures: dict) -> bytes:
    return rendering.render_pdf("reports/weekly_pdf.html", {**figures, "charts": charts(figures)})


def render_xlsx(figures: dict) -> bytes:
    book = rendering.new_workbook()

    def sheet(title, header, rows, first=False):
        return rendering.add_sheet(book, title, header, rows, first=first, column_width=16)

    week = f"{figures['week']:%Y-%m-%d} — {figures['week_end']:%Y-%m-%d}"
    sheet(
        _("概况"),
        [_("项目"), _("数值")],
        [(_("周"), week), (_("受理工单"), figures["received"])]
        + [(_("来源：") + label, n) for label, n in figures["by_channel"]]
        + [(_("类别：") + label, n) for label, n in figures["by_category"]],
        first=True,
    )
    sheet(
        _("三率"),
        [
            _("公司"),
            _("工单"),
            _("响应率"),
            _("解决率"),
            _("满意率"),
            _("签收中位时长"),
            _("入户中位时长"),
            _("办结中位时长"),
        ],
        [
            (
                r["company"],
                r["orders"],
                r["response"],
                r["resolution"],
                r["satisfaction"],
                r["sign"],
                r["visit"],
                r["resolve"],
            )
            for r in figures["rates"]
        ],
    )
    sheet(
        _("每日投诉"), [_("日期"), _("件数")], [(d.isoformat(), n) for d, n in figures["per_day"]]
    )
    sheet(
        _("未办结"),
        [_("公司"), _("未办结"), _("超期"), _("最早受理")],
        [
            (
                r.company,
                r.open,
                r.overdue,
                timezone.localtime(r.oldest_at).strftime("%Y-%m-%d %H:%M") if r.oldest_at else "",
            )
            for r in figures["open_rows"]
        ],
    )
    sheet(
        _("问题小区"),
        [
            _("小区"),
            _("公司"),
            _("户数"),
            _("投诉"),
            _("每千户投诉"),
            _("重复投诉"),
            _("入户不达标"),
        ],
        [
            (
                c.name,
                c.company,
                c.households,
                c.complaints,
                round(c.complaints_per_1000, 1),
                c.repeats,
                c.non_compliant_visits,
            )
            for c in figures["worst"]
        ],
    )
    sheet(
        _("集中投诉"),
        [_("换热站"), _("公司"), _("投诉"), _("开始"), _("结束"), _("小区")],
        [
            (
                c.substation,
                c.company,
                c.count,
                timezone.localtime(c.first_at).strftime("%m-%d %H:%M"),
                timezone.localtime(c.last_at).strftime("%m-%d %H:%M"),
                _("、").join(c.communities),
            )
            for c in figures["clusters"]
        ],
    )
    outreach = figures["outreach"]
    sheet(
        _("访民问暖"),
        [_("项目"), _("数值")],
        [(label, value) for label, value in (outreach or {}).get("lines", [])]
        or [(_("暂无访民问暖数据"), "")],
    )
    readiness = figures["readiness"]
    if readiness is None:
        sheet(_("供热准备"), [_("说明")], [(figures["readiness_note"],)])
    else:
        keys = list(readiness[0].keys()) if readiness else [_("说明")]
        sheet(
            _("供热准备"),
            keys,
            [[row.get(k) for k in keys] for row in readiness] or [(_("暂无数据"),)],
        )
    return rendering.workbook_bytes(book)


def generate_weekly_report(week: date, *, user=None, now: datetime | None = None) -> WeeklyReport:
    """Compute, render and store (replacing any earlier version) the report of one week."""
    figures = collect(week, now=now)
    xlsx, pdf = render_xlsx(figures), render_pdf(figures)
    report, _created = WeeklyReport.objects.get_or_create(week_start=week)
    for field_file in (report.xlsx, report.pdf):
        if field_file:
            field_file.delete(save=False)
    report.generated_at = timezone.now()
    report.generated_by = user
    report.summary = {
        "received": figures["received"],
        "rates": [
            {k: r[k] for k in ("company", "orders", "response", "resolution", "satisfaction")}
            for r in figures["rates"]
        ],
    }
    report.xlsx.save(f"weekly-{week.isoformat()}.xlsx", ContentFile(xlsx), save=False)
    report.pdf.save(f"weekly-{week.isoformat()}.pdf", ContentFile(pdf), save=False)
    report.save()
    return report

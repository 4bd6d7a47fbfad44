"""The daily heating report (用热报表), published each morning on the public site, as PDF and as
Excel, for the companies to post on their WeChat accounts.

The report of day D (published at ``WENNUAN_DAILY_REPORT_TIME``, local, default 07:00, on D):

* yesterday's weather (D − 1): observed hourly outdoor temperature, else the forecast the
  plans used (the report says which);
* heat planned (the day's approved plan, else its newest version) and delivered (sum of the
  substations' hourly meter readings) per company, MWh;
* indoor-temperature compliance from the valid home visits of D − 1 per company;
* complaints per company: received on D − 1 (proactive orders counted apart), resolved on
  D − 1, and overdue at the end of D − 1 (the resolve deadline had passed and the order was
  not resolved; merged duplicates and rejected calls excluded);
* the plan for today (D) per company.

Everything is computed from the stored data when asked (a few aggregate queries), so a report
reflects late meter imports; it names no person and no home.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from wennuan.lib import report_rendering as rendering
from wennuan.registry.models import City, HeatingCompany, HeatingSeason, standard_indoor_c
from wennuan.workorders.choices import Channel, State
from wennuan.workorders.models import WorkOrder

from .calibration import visit_count_by_company
from .choices import PlanStatus, WeatherKind
from .config import setting
from .models import MeterReading, Plan, WeatherHour
from .weather import local_day_start

MIN_OBSERVED_HOURS = 12  # fewer observed hours than this: use the plans' forecast instead


def report_time() -> time:
    return setting("WENNUAN_DAILY_REPORT_TIME")


def published_at(day: date) -> datetime:
    """When the report of ``day`` is published (aware)."""
    return local_day_start(day).replace(hour=report_time().hour, minute=report_time().minute)


def latest_report_date(now: datetime | None = None) -> date:
    """The newest published report: today's after the publication time, else yesterday's."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    return today if now >= published_at(today) else today - timedelta(days=1)


def is_published(day: date, now: datetime | None = None) -> bool:
    return day <= latest_report_date(now)


def report_dates(limit: int, now: datetime | None = None) -> list[date]:
    """Published report dates, newest first, whose day or previous day is in a heating season."""
    newest = latest_report_date(now)
    seasons = list(HeatingSeason.objects.values_list("start_date", "end_date"))
    out = []
    day = newest
    # Look back at most a season's length; a report is only worth publishing in the season.
    for _step in range(200):
        if len(out) >= limit:
            break
        yesterday = day - timedelta(days=1)
        if any(s <= d <= e for s, e in seasons for d in (day, yesterday)):
            out.append(day)
        day -= timedelta(days=1)
    return out


@dataclass
class CompanyRow:
    company: HeatingCompany
    planned_mwh: float | None = None
    planned_status: str = ""
    delivered_mwh: float | None = None
    metered_substations: int = 0
    substations: int = 0
    visits_valid: int = 0
    visits_compliant: int = 0
    received: int = 0
    proactive: int = 0
    resolved: int = 0
    overdue: int = 0
    # today's plan
    today_plan: Plan | None = None

    @property
    def delivered_pct(self) -> float | None:
        if not self.planned_mwh or self.delivered_mwh is None:
            return None
        return 100.0 * self.delivered_mwh / self.planned_mwh

    @property
    def compliance_pct(self) -> float | None:
        if not self.visits_valid:
            return None
        return 100.0 * self.visits_compliant / self.visits_valid

    @property
    def today_mwh(self) -> float | None:
        return self.today_plan.total_heat_kwh / 1000 if self.today_plan else None


@dataclass
class DailyReport:
    day: date
    yesterday: date
    city: City | None
    outdoor_temp_c: list[float | None]
    weather_source: str
    rows: list[CompanyRow] = field(default_factory=list)
    standard_c: float = 18.0
    design_outdoor_c: float = -4.9
    today_outdoor_c: list[float] = field(default_factory=list)

    @property
    def weather_values(self) -> list[float]:
        return [t for t in self.outdoor_temp_c if t is not None]

    @property
    def outdoor_min_c(self):
        return min(self.weather_values) if self.weather_values else None

    @property
    def outdoor_max_c(self):
        return max(self.weather_values) if self.weather_values else None

    @property
    def outdoor_mean_c(self):
        values = self.weather_values
        return sum(values) / len(values) if values else None

    @property
    def below_design(self) -> bool:
        mean = self.outdoor_mean_c
        return mean is not None and mean < self.design_outdoor_c

    @property
    def today_min_c(self):
        return min(self.today_outdoor_c) if self.today_outdoor_c else None

    @property
    def today_max_c(self):
        return max(self.today_outdoor_c) if self.today_outdoor_c else None

    def total(self, attribute: str):
        values = [getattr(r, attribute) for r in self.rows]
        values = [v for v in values if v is not None]
        return sum(values) if values else None

    @property
    def totals(self) -> dict:
        planned = self.total("planned_mwh")
        delivered = self.total("delivered_mwh")
        valid = self.total("visits_valid") or 0
        compliant = self.total("visits_compliant") or 0
        return {
            "planned_mwh": planned,
            "delivered_mwh": delivered,
            "delivered_pct": 100.0 * delivered / planned if planned and delivered else None,
            "visits_valid": valid,
            "visits_compliant": compliant,
            "compliance_pct": 100.0 * compliant / valid if valid else None,
            "received": self.total("received") or 0,
            "proactive": self.total("proactive") or 0,
            "resolved": self.total("resolved") or 0,
            "overdue": self.total("overdue") or 0,
            "today_mwh": self.total("today_mwh"),
            "at_risk": sum(r.today_plan.at_risk_count for r in self.rows if r.today_plan),
        }


def _day_plans(day: date) -> dict[int, Plan]:
    """company id → the approved plan of ``day``, else its newest version."""
    chosen: dict[int, Plan] = {}
    for plan in Plan.objects.filter(date=day).order_by("company_id", "-version"):
        best = chosen.get(plan.company_id)
        if best is None or (
            plan.status == PlanStatus.APPROVED and best.status != PlanStatus.APPROVED
        ):
            chosen[plan.company_id] = plan
    return chosen


def _observed_hours(city: City | None, day: date) -> list[float | None]:
    start = local_day_start(day)
    values: list[float | None] = [None] * 24
    if city is None:
        return values
    rows = (
        WeatherHour.objects.filter(
            series__city=city,
            series__kind=WeatherKind.OBSERVED,
            timestamp__gte=start,
            timestamp__lt=start + timedelta(days=1),
        )
        .order_by("timestamp", "series__issued_at")
        .values_list("timestamp", "outdoor_temp_c")
    )
    for ts, temp in rows:
        hour = int((ts - start).total_seconds() // 3600)
        if 0 <= hour < 24:
            values[hour] = temp
    return values


def collect(day: date) -> DailyReport:
    """The report published on ``day`` (about yesterday, and today's plan)."""
    yesterday = day - timedelta(days=1)
    city = City.objects.first()
    start = local_day_start(yesterday)
    end = start + timedelta(days=1)
    season = HeatingSeason.objects.covering(yesterday)
    plans_yesterday = _day_plans(yesterday)
    plans_today = _day_plans(day)

    outdoor = _observed_hours(city, yesterday)
    weather_source = _("实测气温")
    if sum(t is not None for t in outdoor) < MIN_OBSERVED_HOURS:
        forecast = next(
            (p.inputs.get("outdoor_temp_c") for p in plans_yesterday.values() if p.inputs), None
        )
        if forecast:
            outdoor = list(forecast)
            weather_source = _("实测数据不足，采用调度计划所用的预报气温")
        else:
            weather_source = _("无气温数据")
    today_outdoor = next(
        (list(p.inputs.get("outdoor_temp_c") or []) for p in plans_today.values() if p.inputs),
        [],
    )

    report = DailyReport(
        day=day,
        yesterday=yesterday,
        city=city,
        outdoor_temp_c=outdoor,
        weather_source=weather_source,
        standard_c=standard_indoor_c(season),
        design_outdoor_c=city.design_outdoor_temp_c if city else -4.9,
        today_outdoor_c=today_outdoor,
    )
    companies = list(HeatingCompany.objects.order_by("code"))
    rows = {c.id: CompanyRow(company=c) for c in companies}

    for company_id, plan in plans_yesterday.items():
        if company_id in rows:
            rows[company_id].planned_mwh = plan.total_heat_kwh / 1000
            rows[company_id].planned_status = plan.get_status_display()
    for company_id, plan in plans_today.items():
        if company_id in rows:
            rows[company_id].today_plan = plan

    for row in HeatingCompany.objects.annotate(n=Count("substations")).values("id", "n"):
        rows[row["id"]].substations = row["n"]
    meters = (
        MeterReading.objects.filter(timestamp__gte=start, timestamp__lt=end)
        .values("substation__company_id")
        .annotate(heat_kwh=Sum("heat_kw"), stations=Count("substation_id", distinct=True))
        .order_by()
    )
    for row in meters:
        entry = rows.get(row["substation__company_id"])
        if entry is not None:
            entry.delivered_mwh = (row["heat_kwh"] or 0) / 1000  # hourly kW summed = kWh
            entry.metered_substations = row["stations"]

    for company_id, counts in visit_count_by_company(start, end).items():
        if company_id in rows:
            rows[company_id].visits_valid = counts["valid"]
            rows[company_id].visits_compliant = counts["compliant"]

    orders = WorkOrder.objects.filter(company__isnull=False)
    received = (
        orders.filter(created_at__gte=start, created_at__lt=end)
        .values("company_id")
        .annotate(
            complaints=Count("id", filter=~Q(channel=Channel.PROACTIVE)),
            proactive=Count("id", filter=Q(channel=Channel.PROACTIVE)),
        )
        .order_by()
    )
    for row in received:
        if row["company_id"] in rows:
            rows[row["company_id"]].received = row["complaints"]
            rows[row["company_id"]].proactive = row["proactive"]
    resolved = (
        orders.filter(resolved_at__gte=start, resolved_at__lt=end)
        .values("company_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in resolved:
        if row["company_id"] in rows:
            rows[row["company_id"]].resolved = row["n"]
    overdue = (
        orders.filter(created_at__lt=end, resolve_deadline__lt=end)
        .filter(Q(resolved_at__isnull=True) | Q(resolved_at__gte=end))
        .exclude(state__in=(State.MERGED, State.REJECTED))
        .values("company_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in overdue:
        if row["company_id"] in rows:
            rows[row["company_id"]].overdue = row["n"]

    report.rows = [rows[c.id] for c in companies]
    return report


def svg_charts(report: DailyReport) -> dict[str, str]:
    labels = [r.company.short_name for r in report.rows]
    return {
        "heat": rendering.grouped_bar_svg(
            labels,
            [
                (_("计划"), [r.planned_mwh for r in report.rows], "#2c6fbb"),
                (_("实际（计量）"), [r.delivered_mwh for r in report.rows], "#c0392b"),
            ],
            unit="MWh",
        ),
        "weather": rendering.line_svg(report.outdoor_temp_c),
    }


PDF_CACHE_SECONDS = 3600


def render_pdf(report: DailyReport) -> bytes:
    """The report as PDF. WeasyPrint takes seconds and the page is public: the PDF is cached
    under a hash of its HTML, so the same figures are rendered once and any change (a late
    meter import, a new plan) gives a new file."""
    return rendering.render_pdf(
        "planning/report/daily_pdf.html",
        {"report": report, "totals": report.totals, "charts": svg_charts(report)},
        cache_prefix="planning:daily-report-pdf:",
        cache_seconds=PDF_CACHE_SECONDS,
    )


def _n(value, digits=1):
    return None if value is None else round(float(value), digits)


def render_xlsx(report: DailyReport) -> bytes:
    book = rendering.new_workbook()

    def sheet(title, header, rows, first=False):
        return rendering.add_sheet(book, title, header, rows, first=first)

    city = report.city.name if report.city else ""
    summary = sheet(
        _("概况"),
        [_("项目"), _("数值")],
        [
            [_("报表"), f"{city}{_('用热日报')} {report.day.isoformat()}"],
            [_("统计日"), report.yesterday.isoformat()],
            [_("昨日最低气温 (°C)"), _n(report.outdoor_min_c)],
            [_("昨日平均气温 (°C)"), _n(report.outdoor_mean_c)],
            [_("昨日最高气温 (°C)"), _n(report.outdoor_max_c)],
            [_("气温来源"), report.weather_source],
            [_("计划供热 (MWh)"), _n(report.totals["planned_mwh"])],
            [_("实际供热 (MWh)"), _n(report.totals["delivered_mwh"])],
            [_("有效入户测温"), report.totals["visits_valid"]],
            [_("室温达标率 (%)"), _n(report.totals["compliance_pct"])],
            [_("受理投诉"), report.totals["received"]],
            [_("办结"), report.totals["resolved"]],
            [_("超期"), report.totals["overdue"]],
        ],
        first=True,
    )
    summary.freeze_panes = "A2"
    sheet(
        _("逐时气温"),
        [_("小时"), _("室外温度 (°C)")],
        [[f"{h:02d}:00", _n(t)] for h, t in enumerate(report.outdoor_temp_c)],
    )
    sheet(
        _("供热量"),
        [
            _("热力公司"),
            _("计划 (MWh)"),
            _("计划状态"),
            _("实际 (MWh)"),
            _("实际/计划 (%)"),
            _("有计量的换热站"),
            _("换热站"),
        ],
        [
            [
                r.company.short_name,
                _n(r.planned_mwh),
                r.planned_status,
                _n(r.delivered_mwh),
                _n(r.delivered_pct),
                r.metered_substations,
                r.substations,
            ]
            for r in report.rows
        ],
    )
    sheet(
        _("室温与投诉"),
        [
            _("热力公司"),
            _("有效入户测温"),
            _("达标"),
            _("达标率 (%)"),
            _("受理投诉"),
            _("未诉先办"),
            _("办结"),
            _("超期"),
        ],
        [
            [
                r.company.short_name,
                r.visits_valid,
                r.visits_compliant,
                _n(r.compliance_pct),
                r.received,
                r.proactive,
                r.resolved,
                r.overdue,
            ]
            for r in report.rows
        ],
    )
    sheet(
        _("今日计划"),
        [
            _("热力公司"),
            _("版本"),
            _("状态"),
            _("计划供热 (MWh)"),
            _("最低预测室温 (°C)"),
            _("低温风险小区"),
        ],
        [
            [
                r.company.short_name,
                r.today_plan.version if r.today_plan else None,
                r.today_plan.get_status_display() if r.today_plan else _("尚未计算"),
                _n(r.today_mwh),
                _n(r.today_plan.min_predicted_indoor_c) if r.today_plan else None,
                r.today_plan.at_risk_count if r.today_plan else None,
            ]
            for r in report.rows
        ],
    )
    return rendering.workbook_bytes(book)


def summary_html(report: DailyReport) -> str:
    """A short HTML summary for the feed (escaped by construction: numbers and registry names)."""
    totals = report.totals
    temp = (
        _("昨日气温 %(low).1f ~ %(high).1f °C。")
        % {"low": report.outdoor_min_c, "high": report.outdoor_max_c}
        if report.outdoor_min_c is not None
        else ""
    )
    planned = totals["planned_mwh"]
    delivered = totals["delivered_mwh"]
    # Said in words when a figure is missing: "计划供热 — MWh" read as a broken report.
    if planned is None and delivered is None:
        heat = _("当日没有供热计划，也没有实际供热计量；")
    elif planned is None:
        heat = _("当日没有供热计划，实际供热 %(d).0f MWh；") % {"d": delivered}
    elif delivered is None:
        heat = _("计划供热 %(p).0f MWh，尚无实际供热计量；") % {"p": planned}
    else:
        heat = _("计划供热 %(p).0f MWh，实际 %(d).0f MWh；") % {"p": planned, "d": delivered}
    orders = _("受理投诉 %(r)d 件，办结 %(s)d 件，超期 %(o)d 件。") % {
        "r": totals["received"],
        "s": totals["resolved"],
        "o": totals["overdue"],
    }
    return format_html("<p>{}{}{}</p>", temp, heat, orders)

"""The figures of the supervision dashboard and the weekly report, aggregated in the database.

Each function takes a :class:`~wennuan.staff.scope.CompanyScope` so that a company user's figures
are computed from their own company's orders only. ``drill_down_orders`` gives, for any number
shown, the orders behind it (the dashboard links to them).

The season-long figures are expensive and are kept in snapshots (``snapshot.py``); the rest is
read live.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import DatabaseError
from django.db.models import Avg, Count, DateField, F, Func, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from wennuan.planning.models import WeatherHour
from wennuan.registry.models import Community, HeatingCompany, HeatingSeason
from wennuan.staff.scope import CompanyScope as Scope
from wennuan.workorders.choices import (
    HEAT_COMPLAINTS,
    OPEN_STATES,
    Category,
    Channel,
    Satisfaction,
    Verdict,
)
from wennuan.workorders.models import Visit, WorkOrder

from .rates import (
    counted_orders,
    local_midnight,
    rate_filters,
    with_latest_satisfaction,
)

CLUSTER_MIN_COMPLAINTS = 3
CLUSTER_WINDOW = timedelta(hours=24)
DRILL_DOWN_MAX_IDS = 400  # keeps the order-list link under the usual 4 KB request-line limit


def current_season(today: date | None = None) -> HeatingSeason | None:
    """The season containing today, else the latest one that has started, else the first."""
    today = today or timezone.localdate()
    seasons = HeatingSeason.objects.order_by("-start_date")
    return (
        seasons.covering(today) or seasons.filter(start_date__lte=today).first() or seasons.last()
    )


def day_range(start: date, end: date) -> tuple[datetime, datetime]:
    return local_midnight(start), local_midnight(end + timedelta(days=1))


# ---------------------------------------------------------------------------------------------
# Today's intake, open and overdue


@dataclass
class Count_:
    """One labelled number with the drill-down parameters that list its orders."""

    label: str
    count: int
    params: dict = field(default_factory=dict)


def intake(scope: Scope, day: date) -> dict[str, list[Count_]]:
    """Orders received on ``day`` (every order, duplicates included: this is the intake)."""
    start, end = day_range(day, day)
    orders = scope.orders(WorkOrder.objects.filter(created_at__gte=start, created_at__lt=end))
    base = {"metric": "intake", "day": day.isoformat()}
    channels = dict(Channel.choices)
    categories = dict(Category.choices)
    companies = dict(HeatingCompany.objects.values_list("id", "short_name"))
    result = {"channel": [], "category": [], "company": []}
    for row in orders.values("channel").annotate(n=Count("id")).order_by("-n"):
        label = str(channels.get(row["channel"], row["channel"]))
        result["channel"].append(Count_(label, row["n"], {**base, "channel": row["channel"]}))
    for row in orders.values("category").annotate(n=Count("id")).order_by("-n"):
        label = str(categories.get(row["category"], row["category"]))
        result["category"].append(Count_(label, row["n"], {**base, "category": row["category"]}))
    for row in orders.values("company_id").annotate(n=Count("id")).order_by("-n"):
        label = companies.get(row["company_id"]) or _("未派单")
        params = {**base, "company": row["company_id"] or "none"}
        result["company"].append(Count_(label, row["n"], params))
    result["total"] = orders.count()
    return result


@dataclass
class OpenRow:
    company_id: int
    company: str
    open: int
    overdue: int
    oldest_at: datetime | None
    oldest_number: str = ""


def open_by_company(scope: Scope) -> list[OpenRow]:
    """Open and overdue orders per company, the company with the oldest open order first."""
    orders = scope.orders(
        WorkOrder.objects.filter(state__in=[s.value for s in OPEN_STATES], company__isnull=False)
    )
    rows = (
        orders.values("company_id", "company__short_name")
        .annotate(
            open=Count("id"), overdue=Count("id", filter=Q(overdue=True)), oldest=Min("created_at")
        )
        .order_by("oldest")
    )
    result = []
    for row in rows:
        oldest = (
            orders.filter(company_id=row["company_id"], created_at=row["oldest"])
            .values_list("number", flat=True)
            .first()
        )
        result.append(
            OpenRow(
                row["company_id"],
                row["company__short_name"],
                row["open"],
                row["overdue"],
                row["oldest"],
                oldest or "",
            )
        )
    return result


def oldest_open_orders(scope: Scope, limit: int = 10) -> list[WorkOrder]:
    return list(
        scope.orders(WorkOrder.objects.filter(state__in=[s.value for s in OPEN_STATES]))
        .select_related("company", "community")
        .order_by("created_at")[:limit]
    )


# ---------------------------------------------------------------------------------------------
# Complaints per day, community ranking, clusters


class LocalDate(Func):
    """The local calendar date of a timestamp with native SQL (Django's TruncDate calls a
    Python function per row on SQLite). On SQLite the current time zone's UTC offset is applied,
    which is exact for zones without daylight saving time such as Asia/Shanghai."""

    output_field = DateField()
    arity = 1

    def as_sql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"(({sql}) AT TIME ZONE %s)::date", [*params, timezone.get_current_timezone_name()]

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        offset = timezone.localtime().utcoffset() or timedelta(0)
        return f"date({sql}, %s)", [*params, f"{int(offset.total_seconds()):+d} seconds"]


def complaints_per_day_by_company(
    scope: Scope, start: date, end: date
) -> list[tuple[date, dict[int, int]]]:
    """Counted orders per local day and company from ``start`` to ``end`` (every day)."""
    lower, upper = day_range(start, end)
    rows = (
        counted_orders(scope.orders(WorkOrder.objects.all()))
        .filter(created_at__gte=lower, created_at__lt=upper)
        .annotate(day=LocalDate("created_at"))
        .values("day", "company_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    found: dict[date, dict[int, int]] = {}
    for row in rows:
        found.setdefault(row["day"], {})[row["company_id"]] = row["n"]
    days = (end - start).days + 1
    return [
        (start + timedelta(days=i), found.get(start + timedelta(days=i), {})) for i in range(days)
    ]


def complaints_per_day(scope: Scope, start: date, end: date) -> list[tuple[date, int]]:
    """Counted orders per local day from ``start`` to ``end`` (every day, zeros included)."""
    return [
        (day, sum(counts.values()))
        for day, counts in complaints_per_day_by_company(scope, start, end)
    ]


def daily_outdoor_temperature(start: date, end: date) -> dict[str, float] | None:
    """Daily mean outdoor temperature (°C, keyed by ISO date) from the planning app's weather
    (``WeatherHour``): observed hours where there are any that day, else forecast hours. None
    when the planning app stores no weather for the period (the chart then leaves the line out,
    with a note). Read defensively: the planning app is another team's and may change."""
    try:
        lower, upper = day_range(start, end)
        rows = (
            WeatherHour.objects.filter(timestamp__gte=lower, timestamp__lt=upper)
            .annotate(day=LocalDate("timestamp"))
            .values("day", "series__kind")
            .annotate(mean=Avg("outdoor_temp_c"))
            .order_by()
        )
        observed, forecast = {}, {}
        for row in rows:
            target = observed if row["series__kind"] == "observed" else forecast
            target[row["day"].isoformat()] = round(row["mean"], 1)
    except (ImportError, LookupError, AttributeError, DatabaseError):
        return None
    merged = {**forecast, **observed}
    return merged or None


@dataclass
class CommunityRow:
    """One community's season figures; rates are per 1,000 households."""

    community_id: int
    name: str
    company: str
    households: int
    complaints: int = 0
    repeats: int = 0
    non_compliant_visits: int = 0
    company_id: int = 0

    def per_thousand(self, value: int) -> float:
        return 1000 * value / self.households if self.households else 0.0

    @property
    def complaints_per_1000(self) -> float:
        return self.per_thousand(self.complaints)

    @property
    def score(self) -> float:
        """Outreach priority: complaints, plus repeats and non-compliant visits weighted
        double (they show a problem that was not solved), all per 1,000 households."""
        return self.per_thousand(self.complaints + 2 * self.repeats + 2 * self.non_compliant_visits)


def season_orders(scope: Scope, start: date, end: date):
    lower, upper = day_range(start, end)
    return counted_orders(scope.orders(WorkOrder.objects.all())).filter(
        created_at__gte=lower, created_at__lt=upper
    )


def community_ranking(
    scope: Scope,
    start: date,
    end: date,
    *,
    limit: int | None = 20,
    order="rate",
    communities: set[int] | None = None,
):
    """Communities ranked by complaints per 1,000 households (``order="rate"``) or by the
    outreach score (``order="score"``). A repeat is any complaint after the first from the same
    home (community, building, unit, room) in the period. ``communities`` limits the rows to
    those communities (a snapshot refresh recomputing only the communities that changed)."""
    orders = season_orders(scope, start, end).filter(community__isnull=False)
    if communities is not None:
        orders = orders.filter(community_id__in=communities)
    complaints = dict(
        orders.values("community_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("community_id", "n")
    )
    if not complaints:
        return []
    repeats: dict[int, int] = {}
    homes = (
        orders.exclude(room="")
        .values("community_id", "building", "unit", "room")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .order_by()
    )
    for home in homes:
        repeats[home["community_id"]] = repeats.get(home["community_id"], 0) + home["n"] - 1
    non_compliant = dict(
        Visit.objects.filter(order__in=orders, verdict=Verdict.NON_COMPLIANT)
        .values("order__community_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("order__community_id", "n")
    )
    rows = [
        CommunityRow(
            c.pk,
            c.name,
            c.company.short_name,
            c.households,
            complaints.get(c.pk, 0),
            repeats.get(c.pk, 0),
            non_compliant.get(c.pk, 0),
            c.company_id,
        )
        for c in Community.objects.filter(pk__in=complaints).select_related("company")
    ]
    sort_ranking(rows, order)
    return rows[:limit] if limit else rows


def sort_ranking(rows: list[CommunityRow], order="rate") -> None:
    if order == "score":
        rows.sort(key=lambda r: (-r.score, -r.complaints, r.name))
    else:
        rows.sort(key=lambda r: (-r.complaints_per_1000, -r.complaints, r.name))


@dataclass
class Cluster:
    """Three or more heat complaints within 24 h from communities fed by one substation."""

    substation_id: int
    substation: str
    company: str
    first_at: datetime
    last_at: datetime
    order_ids: list[int]
    communities: list[str]
    company_id: int = 0

    @property
    def count(self) -> int:
        return len(self.order_ids)


def clusters(scope: Scope, since: datetime, until: datetime) -> list[Cluster]:
    """Every order in a 24-hour window holding ≥ 3 heat complaints of one substation is marked;
    marked orders less than 24 h apart form one cluster. Reads only the period's heat
    complaints (a few thousand rows at most), newest cluster first."""
    rows = list(
        counted_orders(scope.orders(WorkOrder.objects.all()))
        .filter(
            created_at__gte=since,
            created_at__lt=until,
            category__in=HEAT_COMPLAINTS,  # they point at the network when they cluster
            community__substation__isnull=False,
        )
        .order_by("community__substation_id", "created_at")
        .values_list(
            "id",
            "created_at",
            "community__substation_id",
            "community__substation__name",
            "company__short_name",
            "community__name",
            "company_id",
        )
    )
    by_station: dict[int, list] = {}
    for row in rows:
        by_station.setdefault(row[2], []).append(row)
    found = []
    for station_rows in by_station.values():
        marked = [False] * len(station_rows)
        left = 0
        for right in range(len(station_rows)):
            while station_rows[right][1] - station_rows[left][1] > CLUSTER_WINDOW:
                left += 1
            if right - left + 1 >= CLUSTER_MIN_COMPLAINTS:
                for i in range(left, right + 1):
                    marked[i] = True
        group: list = []
        for row, is_marked in zip(station_rows, marked, strict=True):
            if not is_marked:
                continue
            if group and row[1] - group[-1][1] > CLUSTER_WINDOW:
                found.append(_cluster(group))
                group = []
            group.append(row)
        if group:
            found.append(_cluster(group))
    found.sort(key=lambda c: c.last_at, reverse=True)
    return found


def _cluster(group) -> Cluster:
    return Cluster(
        substation_id=group[0][2],
        substation=group[0][3],
        company=group[0][4],
        first_at=group[0][1],
        last_at=group[-1][1],
        order_ids=[row[0] for row in group],
        communities=sorted({row[5] for row in group}),
        company_id=group[0][6],
    )


# ---------------------------------------------------------------------------------------------
# Drill-down: the orders behind any number shown


class UnknownMetric(ValueError):
    pass


def drill_down_orders(scope: Scope, params, now: datetime | None = None):
    """The queryset of orders behind one number of the dashboard, from the link's parameters
    (``metric`` plus its arguments). Raises UnknownMetric or ValueError on bad parameters."""
    now = now or timezone.now()
    metric = params.get("metric", "")
    orders = scope.orders(WorkOrder.objects.all())
    if metric == "intake":
        day = date.fromisoformat(params["day"])
        start, end = day_range(day, day)
        orders = orders.filter(created_at__gte=start, created_at__lt=end)
        if params.get("channel"):
            orders = orders.filter(channel=params["channel"])
        if params.get("category"):
            orders = orders.filter(category=params["category"])
        if params.get("company") == "none":
            orders = orders.filter(company__isnull=True)
        elif params.get("company"):
            orders = orders.filter(company_id=int(params["company"]))
        return orders
    if metric in ("open", "overdue"):
        orders = orders.filter(
            state__in=[s.value for s in OPEN_STATES], company_id=int(params["company"])
        )
        return orders.filter(overdue=True) if metric == "overdue" else orders
    if metric.startswith("week_"):
        week = date.fromisoformat(params["week"])
        start, end = day_range(week, week + timedelta(days=6))
        orders = with_latest_satisfaction(
            counted_orders(orders).filter(
                company_id=int(params["company"]), created_at__gte=start, created_at__lt=end
            )
        )
        filters = rate_filters(now)
        kind = metric.removeprefix("week_")
        if kind == "orders":
            return orders
        if kind == "sign_missed":
            return orders.filter(filters["sign_due"]).exclude(filters["signed_in_time"])
        if kind == "resolve_missed":
            return orders.filter(filters["resolve_due"]).exclude(filters["resolved_in_time"])
        if kind == "unsatisfied":
            return orders.filter(filters["callbacks"]).exclude(filters["satisfied"])
        if kind in filters:
            return orders.filter(filters[kind])
        raise UnknownMetric(metric)
    if metric == "day":
        day = date.fromisoformat(params["day"])
        start, end = day_range(day, day)
        return counted_orders(orders).filter(created_at__gte=start, created_at__lt=end)
    if metric in ("community", "repeats", "non_compliant"):
        start, end = date.fromisoformat(params["start"]), date.fromisoformat(params["end"])
        orders = season_orders(scope, start, end).filter(community_id=int(params["community"]))
        if metric == "repeats":
            homes = (
                orders.exclude(room="")
                .values("building", "unit", "room")
                .annotate(n=Count("id"), first=Min("created_at"))
                .filter(n__gt=1)
                .order_by()
            )
            q = Q(pk__in=[])
            for home in homes:
                q |= Q(
                    building=home["building"],
                    unit=home["unit"],
                    room=home["room"],
                    created_at__gt=home["first"],
                )
            return orders.filter(q)
        if metric == "non_compliant":
            return orders.filter(visits__verdict=Verdict.NON_COMPLIANT).distinct()
        return orders
    if metric == "cluster":
        ids = [int(x) for x in params.get("ids", "").split(",") if x.strip()]
        return orders.filter(pk__in=ids)
    if metric.startswith("kpi_"):
        return _kpi_orders(orders, metric, params)
    raise UnknownMetric(metric)


def _kpi_orders(orders, metric, params):
    """The orders behind a KPI tile (reports.kpis): now, or in the tile's 7-day window."""
    if params.get("company"):
        orders = orders.filter(company_id=int(params["company"]))
    if metric == "kpi_open":
        return orders.filter(state__in=[s.value for s in OPEN_STATES])
    if metric == "kpi_overdue":
        return orders.filter(state__in=[s.value for s in OPEN_STATES], overdue=True)
    start = datetime.fromisoformat(params["start"])
    end = datetime.fromisoformat(params["end"])
    if metric == "kpi_answered_late":
        return orders.filter(resolve_deadline__gte=start, resolve_deadline__lt=end).exclude(
            resolved_at__lte=F("resolve_deadline")
        )
    if metric == "kpi_non_compliant":
        return orders.filter(
            visits__visited_at__gte=start,
            visits__visited_at__lt=end,
            visits__verdict=Verdict.NON_COMPLIANT,
        ).distinct()
    if metric == "kpi_unsatisfied":
        return orders.filter(
            callbacks__at__gte=start,
            callbacks__at__lt=end,
            callbacks__satisfaction=Satisfaction.UNSATISFIED,
        ).distinct()
    raise UnknownMetric(metric)

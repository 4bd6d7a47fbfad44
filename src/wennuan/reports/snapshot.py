"""Snapshots of the dashboard's expensive figures, shared by every web process and the worker.

Aggregating a season (200,000 orders) takes seconds on SQLite, so the request path never does
it while a fresh snapshot exists. The worker refreshes the snapshot every ``REFRESH_MINUTES``
(task ``reports.dashboard_snapshot``); a page view computes only when no snapshot of the period
exists, and otherwise serves the stored one with its age, warning when it was not checked for
``MAX_AGE`` (worker down). Today's intake and the open/overdue counts are read live.

A refresh first reads a watermark of what the figures depend on (a few indexed queries: the
orders' count, latest id and latest ``updated_at``, the latest event, callback and visit ids,
a digest of the register's names and households) and the orders whose sign or resolve
deadline passed since the last computation with nobody writing them (the rates count a
deadline once it has passed). Then:

- nothing changed: nothing is recomputed; ``checked_at`` records that the figures were still
  exact at that moment (the page shows both times);
- some orders changed: only the weeks those orders were received in (rates, medians, the
  days of those weeks) and the communities they belong to (ranking) are recomputed; the
  clusters (72 hours of heat complaints) are always recomputed;
- anything else (no previous snapshot, another period start, orders deleted, the register
  changed, many changes, the clock going backwards): the whole season is recomputed.

One snapshot holds every company's figures; a company user's view filters it.
"""

from __future__ import annotations

import hashlib
import pickle
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wennuan.registry.models import Community, HeatingCompany, HeatingSeason, Substation
from wennuan.staff.scope import CompanyScope as Scope
from wennuan.workorders.models import Callback, Event, Visit, WorkOrder

from . import dashboard as dash
from .models import DashboardSnapshot
from .rates import (
    WeekRates,
    company_totals,
    created_in_weeks,
    local_midnight,
    week_start,
    weekly_rates,
)

REFRESH_MINUTES = 5
MAX_AGE = timedelta(minutes=15)
CLUSTER_LOOKBACK = timedelta(hours=72)
FALLBACK_DAYS = 27  # the period shown when no heating season is registered
# Above this many changed orders a refresh recomputes the whole season: the changed weeks
# would cover most of it anyway, and the list of changes is read into memory.
MAX_CHANGED_ORDERS = 5000


class RefreshKind(models.TextChoices):
    """What a refresh did (for the worker's log and the benchmark)."""

    UNCHANGED = "unchanged", _("无变化，仅核对")
    INCREMENTAL = "incremental", _("增量更新")
    FULL = "full", _("全量计算")


@dataclass(frozen=True)
class Watermark:
    """What the figures were computed from; equal watermarks mean no order, event, callback,
    visit or register name changed in between (events, callbacks and visits are append-only;
    every action writes an event and ``updated_at``)."""

    orders: int
    last_order_id: int
    last_updated_at: datetime | None
    last_event_id: int
    last_callback_id: int
    last_visit_id: int
    register: str


def _top(model, column="pk"):
    # One MIN/MAX aggregate alone: SQLite and PostgreSQL read it from the index's end.
    return model.objects.aggregate(top=Max(column))["top"]


def register_digest() -> str:
    """A digest of the register columns the figures show or group by (~700 small rows)."""
    digest = hashlib.sha1(usedforsecurity=False)
    for rows in (
        Community.objects.order_by("pk").values_list(
            "pk", "name", "households", "company_id", "substation_id"
        ),
        HeatingCompany.objects.order_by("pk").values_list("pk", "short_name"),
        Substation.objects.order_by("pk").values_list("pk", "name"),
    ):
        digest.update(repr(list(rows)).encode())
    return digest.hexdigest()


def watermark() -> Watermark:
    return Watermark(
        orders=WorkOrder.objects.count(),
        last_order_id=_top(WorkOrder) or 0,
        last_updated_at=_top(WorkOrder, "updated_at"),
        last_event_id=_top(Event) or 0,
        last_callback_id=_top(Callback) or 0,
        last_visit_id=_top(Visit) or 0,
        register=register_digest(),
    )


@dataclass
class SeasonFigures:
    season_id: int | None
    start: date
    end: date
    computed_at: datetime
    compute_ms: float = 0.0
    rates: list[WeekRates] = field(default_factory=list)
    per_day: list[tuple[date, dict[int, int]]] = field(default_factory=list)
    ranking: list[dash.CommunityRow] = field(default_factory=list)
    clusters: list[dash.Cluster] = field(default_factory=list)
    # Class-level defaults, so that snapshots pickled before these fields existed still load
    # (and are then recomputed in full, having no watermark).
    watermark: Watermark | None = None
    checked_at: datetime | None = None
    refresh_kind: str = RefreshKind.FULL

    def for_scope(self, scope: Scope) -> dict:
        """The figures a scope may see (one company's rows, or all)."""
        company = scope.company_id

        def mine(row) -> bool:
            return company is None or row.company_id == company

        rates = [r for r in self.rates if mine(r)]
        return {
            "rates": rates,
            "totals": company_totals(rates),
            "per_day": [
                (day, counts.get(company, 0) if company else sum(counts.values()))
                for day, counts in self.per_day
            ],
            "ranking": [r for r in self.ranking if mine(r)],
            "clusters": [c for c in self.clusters if mine(c)],
            "season_start": self.start,
            "season_end": self.end,
            "computed_at": self.computed_at,
            "checked_at": self.checked_at,
        }


def period(season: HeatingSeason | None, today: date) -> tuple[date, date]:
    if season is None:
        return today - timedelta(days=FALLBACK_DAYS), today
    return season.start_date, max(season.start_date, min(today, season.end_date))


def compute(
    season: HeatingSeason | None,
    now: datetime | None = None,
    previous: SeasonFigures | None = None,
    mark: Watermark | None = None,
) -> SeasonFigures:
    """The whole season's figures; the medians of weeks unchanged since ``previous`` are
    reused. ``mark`` is the watermark read before computing (so that a change during the
    computation shows in the next refresh)."""
    now = now or timezone.now()
    began = time.perf_counter()
    mark = mark or watermark()
    start, end = period(season, timezone.localdate(now))
    everyone = Scope.city()
    figures = SeasonFigures(
        season_id=season.pk if season else None,
        start=start,
        end=end,
        computed_at=now,
        rates=weekly_rates(
            start=start,
            end=end,
            now=now,
            previous=previous.rates if previous and previous.start == start else None,
        ),
        per_day=dash.complaints_per_day_by_company(everyone, start, end),
        ranking=dash.community_ranking(everyone, start, end, limit=None),
        clusters=dash.clusters(everyone, now - CLUSTER_LOOKBACK, now),
        watermark=mark,
        checked_at=now,
    )
    figures.compute_ms = (time.perf_counter() - began) * 1000
    return figures


# The actions that set an order's community (design: routing); any other change keeps it.
ROUTING_ACTIONS = ("dispatch", "reroute")


@dataclass
class Changes:
    """The orders whose figures may differ from the previous snapshot's."""

    orders: list[tuple[datetime, int | None]]  # (created_at, community_id) of each
    # Whether an order may have left another community (routed, or written without an event:
    # not by the actions); only then is the ranking's total checked.
    may_have_moved: bool


def changed_orders(previous: SeasonFigures, mark: Watermark, now: datetime) -> Changes | None:
    """Every order written since ``previous`` (new ids, later ``updated_at``, new events,
    callbacks or visits), or whose sign or resolve deadline passed unsigned/unresolved since
    ``previous.computed_at``. None when there are too many for an incremental refresh. Each
    query uses an index (primary keys, ``updated_at`` and the deadline columns)."""
    before = previous.watermark
    since = previous.computed_at
    new_events = Event.objects.filter(pk__gt=before.last_event_id)
    queries = {
        "new": WorkOrder.objects.filter(pk__gt=before.last_order_id),
        "events": WorkOrder.objects.filter(pk__in=new_events.values("order_id")),
        "callbacks": WorkOrder.objects.filter(pk__in=Callback.objects.filter(pk__gt=before.last_callback_id).values("order_id")),
        "visits": WorkOrder.objects.filter(pk__in=Visit.objects.filter(pk__gt=before.last_visit_id).values("order_id")),
        "signing due": WorkOrder.objects.filter(sign_deadline__gt=since, sign_deadline__lte=now, accepted_at__isnull=True),
        "resolution due": WorkOrder.objects.filter(resolve_deadline__gt=since, resolve_deadline__lte=now, resolved_at__isnull=True),
    }  # fmt: skip
    if before.last_updated_at is not None:
        queries["updated"] = WorkOrder.objects.filter(updated_at__gt=before.last_updated_at)
    found: dict[int, tuple[datetime, int | None]] = {}
    ids: dict[str, set[int]] = {}
    for name, query in queries.items():
        # No ordering: the model's newest-first default would walk the created_at index.
        rows = query.order_by().values_list("pk", "created_at", "community_id")
        rows = rows[: MAX_CHANGED_ORDERS + 1]
        ids[name] = set()
        for pk, created_at, community_id in rows:
            found[pk] = (created_at, community_id)
            ids[name].add(pk)
        if len(found) > MAX_CHANGED_ORDERS:
            return None
    written_without_event = ids.get("updated", set()) - ids["events"] - ids["new"]
    return Changes(
        orders=list(found.values()),
        may_have_moved=bool(written_without_event)
        or new_events.filter(action__in=ROUTING_ACTIONS).exists(),
    )


def _needs_full(previous: SeasonFigures | None, mark: Watermark, start, end, now) -> bool:
    if previous is None or previous.watermark is None:
        return True
    before = previous.watermark
    if (
        (previous.start, mark.register) != (start, before.register)
        or end < previous.end  # the season was shortened
        or now < previous.computed_at
    ):
        return True
    # Orders are never deleted by the application (events protect them); if some were, the
    # count no longer adds up and nothing of the previous figures can be trusted.
    new_orders = WorkOrder.objects.filter(pk__gt=before.last_order_id).order_by().count()
    return mark.orders != before.orders + new_orders


def update(
    previous: SeasonFigures, changes: Changes, mark: Watermark, start, end, now
) -> SeasonFigures:
    """``previous`` with the weeks and communities of ``changes`` recomputed."""
    began = time.perf_counter()
    everyone = Scope.city()
    first, last = local_midnight(start), local_midnight(end + timedelta(days=1))
    in_period = [(c, community) for c, community in changes.orders if first <= c < last]
    weeks = sorted({week_start(timezone.localdate(c)) for c, _community in in_period})
    communities = {community for _c, community in in_period if community is not None}

    rates = [r for r in previous.rates if r.week not in weeks]
    counts = {day: dict(by_company) for day, by_company in previous.per_day}
    if weeks:
        rates += weekly_rates(
            WorkOrder.objects.filter(created_in_weeks(weeks)),
            start=start,
            end=end,
            now=now,
            previous=previous.rates,
        )
        for monday in weeks:
            days = dash.complaints_per_day_by_company(
                everyone, max(start, monday), min(end, monday + timedelta(days=6))
            )
            counts.update(days)
    rates.sort(key=lambda r: (r.week, r.company_id))

    ranking = previous.ranking
    if communities:
        kept = [r for r in previous.ranking if r.community_id not in communities]
        ranking = kept + dash.community_ranking(
            everyone, start, end, limit=None, communities=communities
        )
        dash.sort_ranking(ranking)
    if changes.may_have_moved:
        # An order that moved to another community (re-dispatch) leaves its old community's
        # row too high; the total shows it, and then the ranking is recomputed whole.
        total = dash.season_orders(everyone, start, end).filter(community__isnull=False).count()
        if sum(r.complaints for r in ranking) != total:
            ranking = dash.community_ranking(everyone, start, end, limit=None)

    figures = SeasonFigures(
        season_id=previous.season_id,
        start=start,
        end=end,
        computed_at=now,
        rates=rates,
        per_day=[
            (start + timedelta(days=i), counts.get(start + timedelta(days=i), {}))
            for i in range((end - start).days + 1)
        ],
        ranking=ranking,
        clusters=dash.clusters(everyone, now - CLUSTER_LOOKBACK, now),
        watermark=mark,
        checked_at=now,
        refresh_kind=RefreshKind.INCREMENTAL,
    )
    figures.compute_ms = (time.perf_counter() - began) * 1000
    return figures


def store(figures: SeasonFigures) -> None:
    with transaction.atomic():
        DashboardSnapshot.objects.update_or_create(
            season_id=figures.season_id,
            defaults={
                "computed_at": figures.computed_at,
                "checked_at": figures.checked_at or figures.computed_at,
                "compute_ms": figures.compute_ms,
                "figures": pickle.dumps(figures),
            },
        )


def stored(season: HeatingSeason | None) -> SeasonFigures | None:
    row = (
        DashboardSnapshot.objects.filter(season=season)
        .only("figures", "computed_at", "checked_at")
        .first()
    )
    if row is None:
        return None
    try:
        figures = pickle.loads(bytes(row.figures))  # noqa: S301 - written by store() only
    except (pickle.UnpicklingError, AttributeError, TypeError, EOFError):
        return None  # written by an older version of this code: recompute
    # The columns are the truth (and what admins see).
    figures.computed_at = row.computed_at
    figures.checked_at = max(row.checked_at or row.computed_at, row.computed_at)
    return figures


def refresh_season(
    season: HeatingSeason | None,
    now: datetime | None = None,
    previous: SeasonFigures | None = None,
) -> SeasonFigures:
    """Bring the season's snapshot up to date, recomputing only what changed since
    ``previous`` (default: the stored snapshot). ``refresh_kind`` of the result says what was
    done."""
    now = now or timezone.now()
    previous = previous if previous is not None else stored(season)
    start, end = period(season, timezone.localdate(now))
    mark = watermark()
    if _needs_full(previous, mark, start, end, now):
        figures = compute(season, now, previous, mark)
        store(figures)
        return figures
    changes = changed_orders(previous, mark, now)
    if changes is None:
        figures = compute(season, now, previous, mark)
        store(figures)
        return figures
    expired = any(c.first_at < now - CLUSTER_LOOKBACK for c in previous.clusters)
    if not changes.orders and not expired and end == previous.end and mark == previous.watermark:
        # Still exact: say so, and keep computed_at (when the figures were computed).
        DashboardSnapshot.objects.filter(season=season).update(checked_at=now)
        previous.checked_at = now
        previous.compute_ms = 0.0
        previous.refresh_kind = RefreshKind.UNCHANGED
        return previous
    figures = update(previous, changes, mark, start, end, now)
    figures.season_id = season.pk if season else None
    store(figures)
    return figures


def latest(season: HeatingSeason | None, now: datetime | None = None) -> SeasonFigures:
    """The stored figures of ``season``, however old: a visitor never waits seconds for a
    recompute (the worker refreshes; the page shows the figures' age and warns past
    ``MAX_AGE``). Computed here only when there is nothing to show for this period."""
    now = now or timezone.now()
    figures = stored(season)
    if figures is not None and figures.start == period(season, timezone.localdate(now))[0]:
        return figures
    return refresh_season(season, now, previous=figures)


def figures_for(scope: Scope, season: HeatingSeason | None, now: datetime | None = None) -> dict:
    """The season's figures ``scope`` may see: a company's or the city's sliced from the
    snapshot; a narrower reach's (a community manager's communities, a technician's orders)
    computed from its own orders, which are few (the snapshot holds companies, not
    communities or assignees, so slicing it would count orders the drill-downs cannot list)."""
    now = now or timezone.now()
    if scope.is_company_or_wider:
        return latest(season, now).for_scope(scope)
    start, end = period(season, timezone.localdate(now))
    rates = weekly_rates(scope.orders(WorkOrder.objects.all()), start=start, end=end, now=now)
    return {
        "rates": rates,
        "totals": company_totals(rates),
        "per_day": dash.complaints_per_day(scope, start, end),
        "ranking": dash.community_ranking(scope, start, end, limit=None),
        "clusters": dash.clusters(scope, now - CLUSTER_LOOKBACK, now),
        "season_start": start,
        "season_end": end,
        "computed_at": now,
        "checked_at": now,
    }


def is_stale(checked_at: datetime, now: datetime) -> bool:
    """Figures not checked for ``MAX_AGE``: the worker is not refreshing them."""
    return checked_at < now - MAX_AGE


def refresh(now: datetime | None = None) -> SeasonFigures:
    """Refresh the current season's snapshot (the worker's task)."""
    now = now or timezone.now()
    return refresh_season(dash.current_season(timezone.localdate(now)), now)

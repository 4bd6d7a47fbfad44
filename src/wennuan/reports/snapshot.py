"""Snapshots of the dashboard's expensive figures, shared by every web process and the worker.

Aggregating a season (200,000 orders) takes seconds on SQLite, so the request path never does
it while a fresh snapshot exists: the worker recomputes the snapshot every
``REFRESH_MINUTES`` (task ``reports.dashboard_snapshot``); a page view recomputes it only when
it is missing or older than ``MAX_AGE`` (worker down). Invalidation is therefore by age: the
season figures are at most a few minutes old (the page says when they were computed), while
today's intake and the open/overdue counts are read live on every request.

One snapshot holds every company's figures; a company user's view filters it. A refresh reuses
the medians (the costly part) of every company-week whose orders did not change since the
previous snapshot (same count, same latest ``updated_at``).
"""

from __future__ import annotations

import pickle
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from wennuan.registry.models import HeatingSeason

from . import dashboard as dash
from .access import Scope
from .models import DashboardSnapshot
from .rates import WeekRates, company_totals, weekly_rates

REFRESH_MINUTES = 5
MAX_AGE = timedelta(minutes=15)
CLUSTER_LOOKBACK = timedelta(hours=72)
FALLBACK_DAYS = 27  # the period shown when no heating season is registered


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
        }


def period(season: HeatingSeason | None, today: date) -> tuple[date, date]:
    if season is None:
        return today - timedelta(days=FALLBACK_DAYS), today
    return season.start_date, max(season.start_date, min(today, season.end_date))


def compute(
    season: HeatingSeason | None,
    now: datetime | None = None,
    previous: SeasonFigures | None = None,
) -> SeasonFigures:
    """The season's figures; the medians of weeks unchanged since ``previous`` are reused."""
    now = now or timezone.now()
    began = time.perf_counter()
    start, end = period(season, timezone.localdate(now))
    everyone = Scope(None)
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
    )
    figures.compute_ms = (time.perf_counter() - began) * 1000
    return figures


def store(figures: SeasonFigures) -> None:
    with transaction.atomic():
        DashboardSnapshot.objects.update_or_create(
            season_id=figures.season_id,
            defaults={
                "computed_at": figures.computed_at,
                "compute_ms": figures.compute_ms,
                "figures": pickle.dumps(figures),
            },
        )


def stored(season: HeatingSeason | None) -> SeasonFigures | None:
    row = DashboardSnapshot.objects.filter(season=season).only("figures", "computed_at").first()
    if row is None:
        return None
    try:
        figures = pickle.loads(bytes(row.figures))  # noqa: S301 - written by store() only
    except (pickle.UnpicklingError, AttributeError, TypeError, EOFError):
        return None  # written by an older version of this code: recompute
    figures.computed_at = row.computed_at  # the column is the truth (and what admins see)
    return figures


def latest(season: HeatingSeason | None, now: datetime | None = None) -> SeasonFigures:
    """The stored figures of ``season`` if fresh enough, else computed now (and stored)."""
    now = now or timezone.now()
    figures = stored(season)
    if (
        figures is not None
        and figures.computed_at >= now - MAX_AGE
        and figures.start == period(season, timezone.localdate(now))[0]
    ):
        return figures
    figures = compute(season, now, previous=figures)
    store(figures)
    return figures


def refresh(now: datetime | None = None) -> SeasonFigures:
    """Recompute the current season's snapshot (the worker's task)."""
    season = dash.current_season(timezone.localdate(now))
    figures = compute(season, now, previous=stored(season))
    store(figures)
    return figures

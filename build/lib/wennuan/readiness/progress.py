"""Readiness progress per company: what the bureau's page and the weekly report show.

Definitions (see docs/public-information.md, "Season readiness"):

- *done*: the item has a completion date (``done_on``).
- *late*: open after its due date, or completed after it (``models.late_condition``). Due
  dates are the season's start date minus the step's lead time (``choices.TASK_LEAD_DAYS``).
- *overdue open*: late and still not done — what needs chasing today.
- *fuel days*: per heat source the latest report on or before ``today``; a company's figure is
  the lowest of its sources (the weakest link); ``None`` when nothing was reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q, Sum
from django.utils import timezone

from wennuan.registry.models import HeatingCompany, HeatingSeason

from .choices import FUEL_STOCK_TARGET_DAYS, ChecklistTask
from .models import FuelStockReport, ReadinessItem, TrainingSession, late_condition


@dataclass(frozen=True)
class CompanyProgress:
    """One company's readiness for one season on one day."""

    company: HeatingCompany
    items_total: int
    items_done: int
    items_late: int
    overdue_open: int
    # task code → (done, total), in checklist order
    by_task: dict[str, tuple[int, int]] = field(default_factory=dict)
    lowest_fuel_days: float | None = None
    sources_below_fuel_target: int = 0
    training_sessions: int = 0
    trained_people: int = 0

    @property
    def percent_done(self) -> float:
        """Share of items done, 0–100 (100 when the company has no items)."""
        return 100.0 if self.items_total == 0 else 100.0 * self.items_done / self.items_total


def latest_fuel_days(season: HeatingSeason, today: date) -> dict[tuple[int, int], float]:
    """(company id, source id) → the stock days of the latest report on or before ``today``."""
    latest: dict[tuple[int, int], float] = {}
    reports = FuelStockReport.objects.filter(season=season, reported_on__lte=today).order_by(
        "reported_on", "id"
    )
    for company_id, source_id, days in reports.values_list("company_id", "source_id", "stock_days"):
        latest[(company_id, source_id)] = days
    return latest


def progress_by_company(
    season: HeatingSeason, today: date | None = None, companies=None
) -> list[CompanyProgress]:
    """Readiness of every company (or of ``companies``, a queryset) for ``season`` as seen on
    ``today`` (default: the local date), ordered by company code. Four queries in all."""
    today = today or timezone.localdate()
    companies = list(
        (companies if companies is not None else HeatingCompany.objects.all()).order_by("code")
    )
    items = ReadinessItem.objects.filter(season=season)
    totals = {
        row["company_id"]: row
        for row in items.values("company_id").annotate(
            total=Count("id"),
            done=Count("id", filter=Q(done_on__isnull=False)),
            late=Count("id", filter=late_condition(today)),
            overdue_open=Count("id", filter=Q(done_on__isnull=True, due_date__lt=today)),
        )
    }
    by_task: dict[int, dict[str, tuple[int, int]]] = {}
    for row in items.values("company_id", "task").annotate(
        total=Count("id"), done=Count("id", filter=Q(done_on__isnull=False))
    ):
        by_task.setdefault(row["company_id"], {})[row["task"]] = (row["done"], row["total"])
    fuel = latest_fuel_days(season, today)
    training = {
        row["company_id"]: row
        for row in TrainingSession.objects.filter(season=season, held_on__lte=today)
        .values("company_id")
        .annotate(sessions=Count("id"), people=Sum("attendees"))
    }
    result = []
    for company in companies:
        row = totals.get(company.pk, {})
        tasks = by_task.get(company.pk, {})
        days = [d for (cid, _sid), d in fuel.items() if cid == company.pk]
        result.append(
            CompanyProgress(
                company=company,
                items_total=row.get("total", 0),
                items_done=row.get("done", 0),
                items_late=row.get("late", 0),
                overdue_open=row.get("overdue_open", 0),
                by_task={t.value: tasks.get(t.value, (0, 0)) for t in ChecklistTask},
                lowest_fuel_days=min(days) if days else None,
                sources_below_fuel_target=sum(1 for d in days if d < FUEL_STOCK_TARGET_DAYS),
                training_sessions=training.get(company.pk, {}).get("sessions", 0),
                trained_people=training.get(company.pk, {}).get("people", 0) or 0,
            )
        )
    return result


def late_items(season: HeatingSeason, today: date | None = None):
    """Every late item of the season, the longest overdue first."""
    today = today or timezone.localdate()
    return (
        ReadinessItem.objects.filter(season=season)
        .filter(late_condition(today))
        .select_related("company", "substation", "source")
        .order_by("due_date", "company__code", "id")
    )


def readiness_season(today: date | None = None) -> HeatingSeason | None:
    """The season readiness is about: the next one to start, else the one running, else the
    latest."""
    today = today or timezone.localdate()
    upcoming = HeatingSeason.objects.filter(start_date__gt=today).order_by("start_date").first()
    if upcoming:
        return upcoming
    return HeatingSeason.objects.order_by("-start_date").first()

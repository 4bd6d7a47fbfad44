"""Generating a season's checklist: four steps for every substation and every heat source."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.db.models import Count, Q

from wennuan.registry.models import HeatingCompany, HeatingSeason, HeatSource, Substation

from .choices import TASK_LEAD_DAYS, ChecklistTask
from .models import ReadinessItem


def source_owner(source: HeatSource) -> HeatingCompany | None:
    """The company that reports for a heat source: of the companies it supplies, the one with
    the most substations on it (ties: lowest code). A CHP plant shared by two companies is
    reported once, by its main customer."""
    return (
        source.companies.annotate(
            fed=Count("substations", filter=Q(substations__source=source), distinct=True)
        )
        .order_by("-fed", "code")
        .first()
    )


def due_date_for(season: HeatingSeason, task: str):
    return season.start_date - timedelta(days=TASK_LEAD_DAYS[ChecklistTask(task)])


@transaction.atomic
def generate_checklists(season: HeatingSeason) -> int:
    """Create the missing items of ``season``; returns how many were created. Running it again
    (after a substation was added) creates only the new ones and never touches progress."""
    before = ReadinessItem.objects.filter(season=season).count()
    rows = []
    for substation in Substation.objects.all():
        for task in ChecklistTask:
            rows.append(
                ReadinessItem(
                    season=season,
                    company_id=substation.company_id,
                    substation=substation,
                    task=task,
                    due_date=due_date_for(season, task),
                )
            )
    for source in HeatSource.objects.all():
        owner = source_owner(source)
        if owner is None:
            continue
        for task in ChecklistTask:
            rows.append(
                ReadinessItem(
                    season=season,
                    company=owner,
                    source=source,
                    task=task,
                    due_date=due_date_for(season, task),
                )
            )
    ReadinessItem.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    refresh_due_dates(season)
    return ReadinessItem.objects.filter(season=season).count() - before


def refresh_due_dates(season: HeatingSeason) -> int:
    """Move due dates after the season's start date changed (the bureau may start early);
    returns how many items moved. Called when a season is saved (see apps.py)."""
    moved = 0
    for task in ChecklistTask:
        moved += (
            ReadinessItem.objects.filter(season=season, task=task)
            .exclude(due_date=due_date_for(season, task))
            .update(due_date=due_date_for(season, task))
        )
    return moved

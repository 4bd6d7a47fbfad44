"""Predicted cold-risk of communities from the dispatch plans (planning app), when they exist:
the outreach ranking weighs communities the plans expect to fall below the standard."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import DatabaseError
from django.db.models import Count, Min, Q

from wennuan.planning.models import PlanCommunity

RISK_DAYS = 7  # the last week of plans and tomorrow's
# One predicted at-risk day weighs like 5 complaints per 1,000 households in the outreach score.
SCORE_PER_RISK_DAY = 5.0


def predicted_risk(today: date) -> dict[int, tuple[int, float | None]] | None:
    """community id → (days with a plan predicting it below the standard, lowest predicted
    indoor temperature °C) over the plans dated from a week ago to tomorrow; superseded plan
    versions are ignored. None when the planning app has no plans (or is not there)."""
    try:
        rows = (
            PlanCommunity.objects.filter(
                plan__date__gte=today - timedelta(days=RISK_DAYS - 1),
                plan__date__lte=today + timedelta(days=1),
            )
            .exclude(plan__status="superseded")
            .values("community_id")
            .annotate(
                risk_days=Count("plan__date", filter=Q(at_risk=True), distinct=True),
                lowest_c=Min("min_indoor_c"),
            )
            .order_by()
        )
        found = {row["community_id"]: (row["risk_days"], row["lowest_c"]) for row in rows}
    except (ImportError, LookupError, AttributeError, DatabaseError):
        return None
    return found or None

"""The plan as JSON (design §8): the shape ``wennuan plan --json`` prints and
``GET /api/v1/plans/{date}`` returns."""

from django.db.models import Prefetch

from .choices import PlanStatus
from .models import Plan, PlanCommunity, PlanSource, PlanSubstation


def day_plans(day, companies):
    """The plan of each company for ``day``: the approved version, else the newest."""
    chosen = []
    plans = (
        Plan.objects.filter(date=day, company__in=list(companies))
        .select_related("company")
        .order_by("company__code", "-version")
    )
    seen = {}
    for plan in plans:
        current = seen.get(plan.company_id)
        if current is None or (
            plan.status == PlanStatus.APPROVED and current.status != PlanStatus.APPROVED
        ):
            seen[plan.company_id] = plan
    chosen = sorted(seen.values(), key=lambda p: p.company.code)
    return chosen


def plans_payload(day, plans, *, details: bool = False) -> dict:
    """``{"date", "companies": [...]}`` for the given Plan rows (one per company): exactly the
    design §8 shape; ``details`` adds a ``plan`` object per company (version, status, weather
    used and its age, warnings)."""
    ids = [p.id for p in plans]
    full = (
        Plan.objects.filter(id__in=ids)
        .select_related("company")
        .prefetch_related(
            Prefetch(
                "source_results",
                queryset=PlanSource.objects.select_related("source").order_by("source__code"),
            ),
            Prefetch(
                "substation_results",
                queryset=PlanSubstation.objects.select_related("substation").order_by(
                    "substation__code"
                ),
            ),
            Prefetch(
                "community_results",
                queryset=PlanCommunity.objects.select_related("community").order_by(
                    "community__name"
                ),
            ),
        )
        .order_by("company__code")
    )
    return {
        "date": day.isoformat(),
        "companies": [company_payload(plan, details=details) for plan in full],
    }


def company_payload(plan: Plan, *, details: bool = False) -> dict:
    payload = {
        "company": plan.company.legal_name,
        "sources": [
            {"name": row.source.name, "heat_kw": row.heat_kw} for row in plan.source_results.all()
        ],
        "substations": [
            {
                "name": row.substation.name,
                "heat_kw": row.heat_kw,
                "supply_temp_c": row.supply_temp_c,
                "return_temp_c": row.return_temp_c,
                "dp_margin_bar": row.dp_margin_bar,
            }
            for row in plan.substation_results.all()
        ],
        "communities": [
            {
                "name": row.community.name,
                "predicted_indoor_c": row.predicted_indoor_c,
                "at_risk": row.at_risk,
            }
            for row in plan.community_results.all()
        ],
    }
    if details:
        payload["plan"] = {
            "version": plan.version,
            "status": plan.status,
            "computed_at": plan.computed_at.isoformat(),
            "weather_provider": plan.weather_provider,
            "weather_issued_at": (
                plan.weather_issued_at.isoformat() if plan.weather_issued_at else None
            ),
            "weather_age_h": plan.weather_age_h,
            "weather_note": plan.weather_note,
            "outdoor_temp_c": plan.inputs.get("outdoor_temp_c"),
            # the balance plant's circulation-pump lift for the day (raised above the design
            # lift when the day's worst hour needs it; a warning then says so)
            "lift_bar": plan.inputs.get("lift_bar"),
            "design_lift_bar": plan.inputs.get("design_lift_bar"),  # None for older plans
            "warnings": [str(w) for w in plan.warnings],
        }
    return payload

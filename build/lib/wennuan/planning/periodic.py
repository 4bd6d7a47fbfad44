"""Worker task: the daily plan of every company at a configurable local time.

``WENNUAN_PLAN_TIME`` (settings or environment, ``HH:MM`` local, default ``05:30``). The period
key is the local date, so each day's plan is computed once across workers, at or after that
time (a worker started later in the day still computes it).
"""

from datetime import datetime, time

from django.utils import timezone

from wennuan.lib.scheduling import PeriodicTask

from .choices import PlanTrigger
from .config import setting


def plan_time() -> time:
    return setting("WENNUAN_PLAN_TIME")


def due(now: datetime):
    local = timezone.localtime(now)
    if local.time() < plan_time():
        return None
    return f"plan-{local.date().isoformat()}"


def run(now: datetime) -> str:
    """Every company's plan; a company that cannot be planned (e.g. no substations yet) is
    reported in the outcome and does not stop the others."""
    from wennuan.registry.models import City, HeatingCompany  # noqa: PLC0415

    from .engine import PlanError, compute_plans  # noqa: PLC0415 (keeps worker start-up light)
    from .weather import choose_forecast  # noqa: PLC0415

    day = timezone.localtime(now).date()
    city = City.objects.first()
    if city is None:
        return f"{day}: no city registered, no plans"
    weather = choose_forecast(city, day, now=now)
    plans, failures = [], []
    for company in HeatingCompany.objects.all():
        try:
            plans += compute_plans(
                day, companies=[company], weather=weather, trigger=PlanTrigger.WORKER, now=now
            )
        except PlanError as error:
            failures.append(f"{company.code}: {error}")
    risk = sum(p.at_risk_count for p in plans)
    outcome = f"{day}: {len(plans)} plans, {risk} communities at risk"
    return outcome + (f"; failed {'; '.join(failures)}" if failures else "")


TASKS = [PeriodicTask("daily-plan", due, run)]

# Community calibration from visits and complaints (planning/calibration.py), daily at 05:00.
from .calibration import TASK as CALIBRATION_TASK  # noqa: E402

# before the plan: a worker that starts after 05:30 runs both in one pass, and the plan must
# use the communities' fresh calibration
TASKS.insert(0, CALIBRATION_TASK)

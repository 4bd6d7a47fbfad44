"""Worker tasks: today's plan, tomorrow's plan and re-plans of today on a newer forecast.

* ``daily-plan``: every company's plan for today at ``WENNUAN_PLAN_TIME`` (``HH:MM`` local,
  default ``05:30``). The period key is the local date, so each day's plan is computed once
  across workers, at or after that time (a worker started later in the day still computes it).
* ``tomorrow-plan``: every company's plan for D+1 from the forecast at
  ``WENNUAN_TOMORROW_PLAN_TIME`` (default ``17:00``), so the dispatch engineers see tomorrow
  the evening before.
* ``replan-today``: hourly after the daily plan, today's newest version is compared with the
  newest forecast issued after the one it used; when the hours still to come differ by more
  than ``WENNUAN_REPLAN_MARGIN_K`` (mean absolute difference, default 1.5 K) a new version is
  computed and its note says why (the plan's history).

Every new version keeps the adjustments of its day's approved version (engine.compute_plans).
"""

from datetime import datetime, time, timedelta

import numpy as np
from django.utils import timezone
from django.utils.translation import gettext as _

from wennuan.lib.scheduling import PeriodicTask
from wennuan.registry.models import City, HeatingCompany

from .choices import PlanTrigger, WeatherKind, WeatherProvider
from .config import setting
from .models import Plan, WeatherSeries


def plan_time() -> time:
    return setting("WENNUAN_PLAN_TIME")


def due(now: datetime):
    local = timezone.localtime(now)
    if local.time() < plan_time():
        return None
    return f"plan-{local.date().isoformat()}"


def _plan_every_company(day, weather, now, *, trigger=PlanTrigger.WORKER, note="", companies=None):
    """Plans of ``day`` for each company (default all); a company that cannot be planned
    (e.g. no substations yet) is reported and does not stop the others."""
    from .engine import PlanError, compute_plans  # noqa: PLC0415 (start-up cost: pandas, scipy)
    from .proactive import open_proactive_orders  # noqa: PLC0415 (start-up cost)

    plans, failures = [], []
    for company in HeatingCompany.objects.all() if companies is None else companies:
        try:
            new = compute_plans(
                day, companies=[company], weather=weather, trigger=trigger, now=now, note=note
            )
        except PlanError as error:
            failures.append(f"{company.code}: {error}")
            continue
        for plan in new:
            open_proactive_orders(plan, now=now)
        plans += new
    return plans, failures


def _outcome(day, plans, failures) -> str:
    risk = sum(p.at_risk_count for p in plans)
    outcome = f"{day}: {len(plans)} plans, {risk} communities at risk"
    return outcome + (f"; failed {'; '.join(failures)}" if failures else "")


def run(now: datetime) -> str:
    """Every company's plan for today."""
    return _run_for(timezone.localtime(now).date(), now)


def _run_for(day, now) -> str:
    from .weather import choose_forecast  # noqa: PLC0415 (start-up cost)

    city = City.objects.first()
    if city is None:
        return f"{day}: no city registered, no plans"
    weather = choose_forecast(city, day, now=now)
    return _outcome(day, *_plan_every_company(day, weather, now))


def tomorrow_due(now: datetime):
    local = timezone.localtime(now)
    if local.time() < setting("WENNUAN_TOMORROW_PLAN_TIME"):
        return None
    return f"plan-{(local.date() + timedelta(days=1)).isoformat()}"


def run_tomorrow(now: datetime) -> str:
    """Every company's plan for tomorrow (D+1) from the forecast."""
    return _run_for(timezone.localtime(now).date() + timedelta(days=1), now)


def replan_due(now: datetime):
    local = timezone.localtime(now)
    if local.time() < plan_time():
        return None
    return f"replan-{local.date().isoformat()}-{local.hour:02d}"


def newer_forecast(city, plan, now):
    """The newest stored forecast covering ``plan``'s day issued after the one the plan used
    (with ``WENNUAN_WEATHER_PROVIDER=open_meteo`` a fresh one is fetched first), or None."""
    from .weather import (  # noqa: PLC0415 (start-up cost)
        WeatherUnavailable,
        covers_day,
        fetch_open_meteo,
        load_series,
    )

    if setting("WENNUAN_WEATHER_PROVIDER") == WeatherProvider.OPEN_METEO:
        try:
            fetch_open_meteo(city, now=now)
        except WeatherUnavailable:
            pass  # no newer forecast this hour; the stored ones are still compared
    newer = (
        WeatherSeries.objects.filter(city=city, kind=WeatherKind.FORECAST, issued_at__lte=now)
        .exclude(provider=WeatherProvider.CLIMATE)
        .order_by("-issued_at")
    )
    if plan.weather_issued_at is not None:
        newer = newer.filter(issued_at__gt=plan.weather_issued_at)
    for series in newer[:5]:
        if series.pk != plan.weather_series_id and covers_day(series, plan.date):
            return load_series(series, plan.date, now, _("预报更新"))
    return None


def forecast_difference_k(plan, weather, from_hour: int) -> float:
    """Mean absolute difference [K] between ``weather`` and the temperatures ``plan`` used,
    over the hours ``from_hour``…23 of its day (the hours a re-plan can still change)."""
    from .engine import day_outdoor_temp_c  # noqa: PLC0415 (start-up cost)

    used = np.array((plan.inputs or {}).get("outdoor_temp_c") or [], dtype=float)
    new = day_outdoor_temp_c(weather, plan.date)
    if used.size != 24 or new.size != 24:
        return float("inf")
    hours = slice(min(max(from_hour, 0), 23), 24)
    return float(np.mean(np.abs(new[hours] - used[hours])))


def run_replan(now: datetime) -> str:
    """Re-plan today for each company whose newest version's forecast is outdated by more
    than the margin; the new version's note gives the issue time and the difference."""

    local = timezone.localtime(now)
    day = local.date()
    city = City.objects.first()
    if city is None:
        return f"{day}: no city registered"
    margin_k = float(setting("WENNUAN_REPLAN_MARGIN_K"))
    replanned, failures, checked = [], [], 0
    for company in HeatingCompany.objects.all():
        latest = Plan.objects.filter(company=company, date=day).order_by("-version").first()
        if latest is None:
            continue
        checked += 1
        weather = newer_forecast(city, latest, now)
        if weather is None:
            continue
        difference_k = forecast_difference_k(latest, weather, local.hour)
        if difference_k <= margin_k:
            continue
        note = _(
            "预报更新重算：%(issued)s 发布的预报与 v%(version)d 所用预报在 %(hour)02d–23 时"
            "平均相差 %(diff).1f K（超过 %(margin).1f K）"
        ) % {
            "issued": timezone.localtime(weather.series.issued_at).strftime("%m-%d %H:%M"),
            "version": latest.version,
            "hour": local.hour,
            "diff": difference_k,
            "margin": margin_k,
        }
        plans, failed = _plan_every_company(
            day, weather, now, trigger=PlanTrigger.REPLAN, note=note, companies=[company]
        )
        replanned += plans
        failures += failed
    outcome = f"{day}: {checked} plans checked, {len(replanned)} re-planned"
    return outcome + (f"; failed {'; '.join(failures)}" if failures else "")


TASKS = [
    PeriodicTask("daily-plan", due, run),
    PeriodicTask("tomorrow-plan", tomorrow_due, run_tomorrow),
    PeriodicTask("replan-today", replan_due, run_replan),
]

# Community calibration from visits and complaints (planning/calibration.py), daily at 05:00.
from .calibration import TASK as CALIBRATION_TASK  # noqa: E402

# before the plan: a worker that starts after 05:30 runs both in one pass, and the plan must
# use the communities' fresh calibration
TASKS.insert(0, CALIBRATION_TASK)

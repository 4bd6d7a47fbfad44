"""Deadlines of design §4.3: a 24×7 clock in season for heating-critical categories, a
business calendar (Chinese public holidays and make-up working days, 调休) for the rest.

The calendar comes from the maintained ``holidays`` library, not a hand-written list: the
State Council publishes the next year's 调休 each autumn and the library follows it.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings

from wennuan.lib import lookups
from wennuan.registry.models import HeatingSeason

from .choices import Category, Clock
from .models import DeadlinePolicy

# Working hours of a business day; "1 working day" on the business calendar is this span.
WORKDAY = (time(8, 30), time(17, 30))
WORKDAY_MINUTES = 9 * 60
# The worker presses an order when this share of the time to its deadline has passed.
PRESS_SHARE = 0.8

H = 60
DEFAULT_POLICIES: dict[str, tuple[int, int, int, str]] = {
    # category: (sign, on site / first reply, resolve) in minutes, clock
    Category.LEAK: (30, 2 * H, 24 * H, Clock.ROUND_THE_CLOCK_IN_SEASON),
    Category.NO_HEAT: (30, 2 * H, 24 * H, Clock.ROUND_THE_CLOCK_IN_SEASON),
    Category.NOT_WARM: (1 * H, 24 * H, 72 * H, Clock.ROUND_THE_CLOCK_IN_SEASON),
    Category.VIOLATION: (2 * H, WORKDAY_MINUTES, 5 * WORKDAY_MINUTES, Clock.BUSINESS),
    Category.SERVICE: (2 * H, WORKDAY_MINUTES, 5 * WORKDAY_MINUTES, Clock.BUSINESS),
    Category.BILLING: (2 * H, WORKDAY_MINUTES, 3 * WORKDAY_MINUTES, Clock.BUSINESS),
    Category.SUSPEND_RESUME: (2 * H, WORKDAY_MINUTES, 3 * WORKDAY_MINUTES, Clock.BUSINESS),
    Category.CONSULT: (2 * H, WORKDAY_MINUTES, 3 * WORKDAY_MINUTES, Clock.BUSINESS),
    Category.OTHER: (2 * H, WORKDAY_MINUTES, 3 * WORKDAY_MINUTES, Clock.BUSINESS),
}


@lru_cache(maxsize=8)
def _china_calendar(year: int):
    return holidays.China(years=[year])


def is_working_day(day: date) -> bool:
    """Monday–Friday except public holidays, plus the weekend days worked in exchange (调休)."""
    return _china_calendar(day.year).is_working_day(day)


def _local(moment: datetime) -> datetime:
    return moment.astimezone(ZoneInfo(settings.TIME_ZONE))


def add_business_minutes(start: datetime, minutes: float) -> datetime:
    """``start`` plus ``minutes`` of working time (working days, WORKDAY hours only)."""
    cursor = _local(start)
    remaining = timedelta(minutes=minutes)
    while True:
        opens = cursor.replace(
            hour=WORKDAY[0].hour, minute=WORKDAY[0].minute, second=0, microsecond=0
        )
        closes = opens.replace(hour=WORKDAY[1].hour, minute=WORKDAY[1].minute)
        if not is_working_day(cursor.date()) or cursor >= closes:
            cursor = opens + timedelta(days=1)  # China has no daylight saving time
            continue
        cursor = max(cursor, opens)
        available = closes - cursor
        if remaining <= available:
            return cursor + remaining
        remaining -= available
        cursor = opens + timedelta(days=1)


def _season_dates() -> tuple[tuple[date, date], ...]:
    return tuple(HeatingSeason.objects.values_list("start_date", "end_date"))


def in_heating_season(moment: datetime) -> bool:
    day = _local(moment).date()
    return any(start <= day <= end for start, end in lookups.get("seasons", _season_dates))


@dataclass(frozen=True)
class Policy:
    sign_minutes: int
    onsite_minutes: int
    resolve_minutes: int
    clock: str


def policy_for(category: str) -> Policy:
    def stored() -> dict[str, Policy]:
        return {
            row.category: Policy(
                row.sign_minutes, row.onsite_minutes, row.resolve_minutes, row.clock
            )
            for row in DeadlinePolicy.objects.all()
        }

    found = lookups.get("deadline_policies", stored).get(category)
    if found is not None:
        return found
    return Policy(*DEFAULT_POLICIES.get(category, DEFAULT_POLICIES[Category.OTHER]))


def add_on_clock(start: datetime, minutes: float, clock: str, *, season: bool) -> datetime:
    if clock == Clock.ROUND_THE_CLOCK_IN_SEASON and season:
        return start + timedelta(minutes=minutes)
    return add_business_minutes(start, minutes)


@dataclass(frozen=True)
class Deadlines:
    sign: datetime
    onsite: datetime
    resolve: datetime

    def as_dict(self) -> dict[str, str]:
        return {
            "sign": self.sign.isoformat(),
            "onsite": self.onsite.isoformat(),
            "resolve": self.resolve.isoformat(),
        }


def compute_deadlines(
    category: str, start: datetime, *, policy: Policy | None = None, season: bool | None = None
) -> Deadlines:
    """The three deadlines of an order whose clock starts at ``start`` (its dispatch).

    ``policy`` and ``season`` default to the database's; bulk loaders pass them in."""
    policy = policy or policy_for(category)
    season = in_heating_season(start) if season is None else season
    return Deadlines(
        sign=add_on_clock(start, policy.sign_minutes, policy.clock, season=season),
        onsite=add_on_clock(start, policy.onsite_minutes, policy.clock, season=season),
        resolve=add_on_clock(start, policy.resolve_minutes, policy.clock, season=season),
    )


def press_moment(start: datetime, due: datetime) -> datetime:
    """When the worker presses: PRESS_SHARE of the way from the clock's start to ``due``."""
    return start + (due - start) * PRESS_SHARE


def routing_deadline(
    category: str, start: datetime, *, policy: Policy | None = None, season: bool | None = None
) -> datetime:
    """When the bureau must have routed an order no company could be told for: within the
    time a company gets to sign for one of that category (30 min for a leak), on the same
    clock, so an unroutable complaint is never slower than a routed one."""
    policy = policy or policy_for(category)
    season = in_heating_season(start) if season is None else season
    return add_on_clock(start, policy.sign_minutes, policy.clock, season=season)

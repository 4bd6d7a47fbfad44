"""The supervisor's KPI tiles at the top of the dashboard: where things stand now and the
change against the week before (the last 7 days against the 7 before them), each opening
the orders behind it. A few aggregate queries over indexed columns, computed live."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, F, Q
from django.utils.translation import gettext_lazy as _

from wennuan.staff.scope import CompanyScope as Scope
from wennuan.staff.scope import Reach
from wennuan.workorders.choices import MEASURED_VERDICTS, OPEN_STATES, Satisfaction, Verdict
from wennuan.workorders.models import Callback, Visit, WorkOrder

from .rates import SATISFIED_VALUES

WEEK = timedelta(days=7)
_OPEN = [s.value for s in OPEN_STATES]


@dataclass
class Tile:
    key: str
    label: str
    value: float | None  # a count, or a percentage (``percent``)
    previous: float | None  # the same a week earlier
    percent: bool
    better_when_higher: bool
    explanation: str
    drill: dict  # the dashboard's drill-down parameters

    @property
    def change(self) -> float | None:
        if self.value is None or self.previous is None:
            return None
        return round(self.value - self.previous, 1)

    @property
    def trend(self) -> str:
        """ "better", "worse" or "same" — the colour of the change."""
        change = self.change
        if not change:
            return "same"
        return "better" if (change > 0) == self.better_when_higher else "worse"


def _share(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def _open_at(orders, moment: datetime):
    """Orders open at ``moment``: received by then and not yet answered. (An order returned
    or merged after ``moment`` without an answer is not counted then: the log is not read.)"""
    return orders.filter(created_at__lte=moment).filter(
        Q(resolved_at__gt=moment) | Q(resolved_at__isnull=True, state__in=_OPEN)
    )


def _late_at(moment: datetime) -> Q:
    """Overdue at ``moment``: a step's deadline had passed by then and the step was not yet
    done (signed for, visited, answered). From the stored deadlines, which stay after the
    step (``due_at`` is only the current one); a deadline an extension later moved counts
    as the new one."""
    return (
        Q(sign_deadline__lt=moment) & (Q(accepted_at__isnull=True) | Q(accepted_at__gt=moment))
        | Q(onsite_deadline__lt=moment)
        & (Q(first_visit_at__isnull=True) | Q(first_visit_at__gt=moment))
        | Q(resolve_deadline__lt=moment)
    )


def _two_windows(queryset, moment: str, week_ago, now, part: Q, whole: Q | None = None) -> tuple:
    """((part, whole) in the last 7 days, (part, whole) in the 7 before) in one query."""
    this = Q(**{f"{moment}__gte": week_ago, f"{moment}__lt": now})
    before = Q(**{f"{moment}__gte": week_ago - WEEK, f"{moment}__lt": week_ago})
    counts = queryset.filter(whole or Q()).aggregate(
        part=Count("pk", filter=this & part),
        whole=Count("pk", filter=this),
        part_before=Count("pk", filter=before & part),
        whole_before=Count("pk", filter=before),
    )
    return (counts["part"], counts["whole"]), (counts["part_before"], counts["whole_before"])


def kpi_tiles(scope: Scope, now: datetime) -> list[Tile]:
    orders = scope.orders(WorkOrder.objects.all())
    week_ago = now - WEEK
    open_now = orders.filter(state__in=_OPEN).aggregate(
        open=Count("pk"), overdue=Count("pk", filter=Q(overdue=True))
    )
    then = _open_at(orders, week_ago).aggregate(
        open=Count("pk"),
        overdue=Count("pk", filter=_late_at(week_ago)),
    )
    open_then, overdue_then = then["open"], then["overdue"]
    answered, answered_before = _two_windows(
        orders,
        "resolve_deadline",
        week_ago,
        now,
        Q(resolved_at__isnull=False, resolved_at__lte=F("resolve_deadline")),
    )
    # Visits and callbacks of the orders in reach (a community manager's own communities, a
    # technician's own orders), exactly as the drill-down lists them.
    visits = Visit.objects.all()
    calls = Callback.objects.exclude(satisfaction=Satisfaction.NOT_REACHED)
    if scope.reach is not Reach.CITY:
        in_reach = scope.orders(WorkOrder.objects.all(), prefer_other_indexes=False)
        visits = visits.filter(order__in=in_reach.values("pk"))
        calls = calls.filter(order__in=in_reach.values("pk"))
    compliant, compliant_before = _two_windows(
        visits,
        "visited_at",
        week_ago,
        now,
        Q(verdict=Verdict.COMPLIANT),
        Q(verdict__in=MEASURED_VERDICTS),
    )
    satisfied, satisfied_before = _two_windows(
        calls, "at", week_ago, now, Q(satisfaction__in=SATISFIED_VALUES)
    )
    company = {} if scope.company_id is None else {"company": scope.company_id}
    window = {"start": week_ago.isoformat(), "end": now.isoformat(), **company}
    return [
        Tile("open", _("未办结"), open_now["open"], open_then, False, False,
             _("现在尚未答复的工单；变化与 7 天前相比"), {"metric": "kpi_open", **company}),
        Tile("overdue", _("超期"), open_now["overdue"], overdue_then, False, False,
             _("现在已超过时限的未办结工单；变化与 7 天前相比"),
             {"metric": "kpi_overdue", **company}),
        Tile("answered_in_time", _("按时答复率"), _share(*answered), _share(*answered_before),
             True, True, _("近 7 天到期的工单中按时答复的比例；变化与前 7 天相比"),
             {"metric": "kpi_answered_late", **window}),
        Tile("compliant_visits", _("测温达标率"), _share(*compliant), _share(*compliant_before),
             True, True, _("近 7 天有效入户测温中室温达标的比例；变化与前 7 天相比"),
             {"metric": "kpi_non_compliant", **window}),
        Tile("satisfaction", _("满意率"), _share(*satisfied), _share(*satisfied_before),
             True, True, _("近 7 天接通的回访中满意和基本满意的比例；变化与前 7 天相比"),
             {"metric": "kpi_unsatisfied", **window}),
    ]  # fmt: skip

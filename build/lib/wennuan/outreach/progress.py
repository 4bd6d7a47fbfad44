"""Outreach progress in numbers, for the weekly report."""

from datetime import date

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from .choices import ItemStatus
from .models import OutreachVisit, PlanItem


def progress_summary(as_of: date) -> dict:
    """Visits and plan items up to ``as_of`` (inclusive): counts by status and the overdue
    items still open, as ``{"lines": [(label, value)], "overdue_items": [text]}``."""
    visits = OutreachVisit.objects.filter(visited_on__lte=as_of)
    items = PlanItem.objects.filter(visit__in=visits)
    counts = items.aggregate(
        total=Count("id"),
        open=Count("id", filter=Q(status=ItemStatus.OPEN)),
        done=Count("id", filter=Q(status=ItemStatus.DONE)),
        closed=Count("id", filter=Q(status=ItemStatus.CLOSED)),
        overdue=Count("id", filter=Q(status=ItemStatus.OPEN, deadline__lt=as_of)),
    )
    overdue = items.filter(status=ItemStatus.OPEN, deadline__lt=as_of).select_related(
        "visit__community", "company"
    )
    return {
        "lines": [
            (_("走访次数"), visits.count()),
            (_("整改事项"), counts["total"]),
            (_("整改中"), counts["open"]),
            (_("已完成待核查"), counts["done"]),
            (_("已核查销号"), counts["closed"]),
            (_("逾期未完成"), counts["overdue"]),
        ],
        "overdue_items": [
            f"{item.visit.community.name}：{item.problem[:40]}（{item.company.short_name}，"
            f"{_('期限')} {item.deadline.isoformat()}）"
            for item in overdue[:20]
        ],
    }

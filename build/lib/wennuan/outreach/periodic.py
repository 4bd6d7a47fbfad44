"""Worker task: once a day, remind companies of plan items due soon and flag overdue ones."""

from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from wennuan.lib.scheduling import PeriodicTask
from wennuan.staff.choices import Role
from wennuan.staff.models import StaffProfile
from wennuan.workorders.models import InboxMessage

from .access import ITEM_OWNER_ROLES
from .choices import ItemStatus
from .models import PlanItem

REMIND_DAYS_BEFORE = 3
RUN_HOUR = 8  # in the morning, when the desks read their inbox


def _notify(company_id: int | None, text: str, *, supervisors: bool = False) -> int:
    profiles = StaffProfile.objects.none()
    if company_id is not None:
        profiles = StaffProfile.objects.filter(company_id=company_id, role__in=ITEM_OWNER_ROLES)
    if supervisors:
        profiles = profiles | StaffProfile.objects.filter(role=Role.SUPERVISOR)
    messages = [InboxMessage(user_id=p.user_id, text=text[:200]) for p in profiles]
    InboxMessage.objects.bulk_create(messages)
    return len(messages)


def sweep_items(now: datetime) -> tuple[int, int]:
    """(reminded, flagged): open items due within three days are reminded once; open items
    past their deadline are flagged overdue once. Conditional updates make a second worker's
    pass a no-op."""
    today = timezone.localdate(now)
    reminded = flagged = 0
    due_soon = PlanItem.objects.filter(
        status=ItemStatus.OPEN,
        reminded_at__isnull=True,
        deadline__gte=today,
        deadline__lte=today + timedelta(days=REMIND_DAYS_BEFORE),
    ).select_related("visit__community")
    for item in due_soon:
        if PlanItem.objects.filter(pk=item.pk, reminded_at__isnull=True).update(reminded_at=now):
            _notify(
                item.company_id,
                _("访民问暖整改事项将于 %(d)s 到期：%(c)s %(p)s")
                % {
                    "d": item.deadline.isoformat(),
                    "c": item.visit.community.name,
                    "p": item.problem,
                },
            )
            reminded += 1
    late = PlanItem.objects.filter(
        status=ItemStatus.OPEN, overdue=False, deadline__lt=today
    ).select_related("visit__community", "company")
    for item in late:
        if PlanItem.objects.filter(pk=item.pk, overdue=False).update(overdue=True):
            _notify(
                item.company_id,
                _("访民问暖整改事项已逾期（期限 %(d)s）：%(c)s %(p)s")
                % {
                    "d": item.deadline.isoformat(),
                    "c": item.visit.community.name,
                    "p": item.problem,
                },
                supervisors=True,
            )
            flagged += 1
    return reminded, flagged


def items_due(now: datetime) -> str | None:
    local = timezone.localtime(now)
    return local.date().isoformat() if local.hour >= RUN_HOUR else None


def run_items(now: datetime) -> str:
    reminded, flagged = sweep_items(now)
    return f"提醒 {reminded} 项，逾期 {flagged} 项"


TASKS = [PeriodicTask("outreach.item_deadlines", items_due, run_items)]

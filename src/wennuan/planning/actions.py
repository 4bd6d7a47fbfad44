"""State changes of plans (every write after computation goes through here).

Approving a draft makes it the day's plan and supersedes the previously approved version of
the same company and day, in one transaction with conditional updates (two engineers
approving at once: one wins, the other gets a clear error). An approved or superseded version
never changes again (Plan.save refuses); adjusting means re-running into a new version.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .access import require_plan_editor
from .choices import PlanStatus
from .engine import PlanError, rerun_plan
from .models import Plan, PlanImmutableError


def approve_plan(plan: Plan, user, *, now=None) -> Plan:
    """Approve a draft version; the earlier approved version becomes superseded."""
    require_plan_editor(user, plan.company)
    now = now or timezone.now()
    with transaction.atomic():
        Plan.objects.filter(
            company=plan.company, date=plan.date, status=PlanStatus.APPROVED
        ).exclude(pk=plan.pk).update(status=PlanStatus.SUPERSEDED)
        changed = Plan.objects.filter(pk=plan.pk, status=PlanStatus.DRAFT).update(
            status=PlanStatus.APPROVED, approved_by=user, approved_at=now
        )
        if not changed:
            raise PlanImmutableError(_("只能批准草稿版本（该版本已批准或已被取代）"))
    plan.refresh_from_db()
    return plan


def adjust_and_rerun(plan: Plan, user, adjustment: dict, *, now=None) -> Plan:
    """Re-run ``plan`` with one more adjustment into a new draft version."""
    require_plan_editor(user, plan.company)
    return rerun_plan(plan, adjustment=adjustment, created_by=user, now=now)


__all__ = ["PlanError", "adjust_and_rerun", "approve_plan"]

"""State changes of plans (every write after computation goes through here).

Approving a draft makes it the day's plan and supersedes the previously approved version of
the same company and day. Both run in one transaction that first locks every version of that
company and day (``engine.lock_day_versions``), so two engineers approving, or one approving
while another re-runs, are serialised: the second sees the first's result and gets a clear
Chinese error (already approved, or a newer version exists), never a second approval or a
500. An approved or superseded version never changes again (Plan.save refuses); adjusting
means re-running into a new version, which the engine stores under the same lock.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .access import require_plan_editor
from .choices import PlanStatus
from .engine import PlanError, StalePlanError, lock_day_versions, rerun_plan
from .models import Plan, PlanImmutableError
from .proactive import open_proactive_orders


def approve_plan(plan: Plan, user, *, now=None) -> Plan:
    """Approve a draft version; the earlier approved version becomes superseded.

    Refused with ``PlanImmutableError`` when the version is no longer a draft and with
    ``StalePlanError`` when a newer version of the day exists (checked under the lock)."""
    require_plan_editor(user, plan.company)
    now = now or timezone.now()
    with transaction.atomic():
        latest = lock_day_versions(plan.company, plan.date)
        current = Plan.objects.filter(pk=plan.pk).values_list("status", flat=True).first()
        if current != PlanStatus.DRAFT:
            raise PlanImmutableError(_("只能批准草稿版本（该版本已批准或已被取代）"))
        if latest is not None and latest.pk != plan.pk:
            raise StalePlanError(plan, latest)
        try:
            with transaction.atomic():
                Plan.objects.filter(
                    company=plan.company, date=plan.date, status=PlanStatus.APPROVED
                ).exclude(pk=plan.pk).update(status=PlanStatus.SUPERSEDED)
                Plan.objects.filter(pk=plan.pk, status=PlanStatus.DRAFT).update(
                    status=PlanStatus.APPROVED, approved_by=user, approved_at=now
                )
        except IntegrityError as error:
            # The one-approved-per-day constraint: only reachable if something bypassed the
            # lock above (e.g. a direct database write); say so instead of a 500.
            raise PlanImmutableError(_("该日已有另一个批准的版本，请刷新后核对。")) from error
    plan.refresh_from_db()
    return plan


def adjust_and_rerun(plan: Plan, user, adjustment: dict, *, now=None) -> Plan:
    """Re-run ``plan`` with one more adjustment into a new draft version (``StalePlanError``
    when someone made a newer version of the day meanwhile), and open the proactive orders
    of the communities it puts at risk."""
    require_plan_editor(user, plan.company)
    new = rerun_plan(plan, adjustment=adjustment, created_by=user, now=now)
    open_proactive_orders(new, now=now)
    return new


__all__ = ["PlanError", "StalePlanError", "adjust_and_rerun", "approve_plan"]

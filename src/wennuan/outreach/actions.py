"""Every change to outreach visits and plan items goes through these functions: they check the
actor's right, validate the input with a clear Chinese message, and use conditional updates so
that two people cannot both close or both complete an item."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wennuan.registry.models import City

from .access import may_manage, may_mark_done
from .choices import ItemStatus
from .models import OutreachVisit, PlanItem


class OutreachError(ValueError):
    """Bad input or a stale state; ``message`` is shown to the user as is."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.message = message
        self.field = field


def _required(value: str, field: str, label: str) -> str:
    value = (value or "").strip()
    if not value:
        raise OutreachError(_("请填写%(label)s") % {"label": label}, field)
    return value


def do_record_visit(
    actor,
    *,
    community,
    visited_on: date,
    participants: str,
    findings: str,
    homes_visited: int = 0,
    homes_note: str = "",
    substations=(),
    is_public: bool = True,
    today: date | None = None,
) -> OutreachVisit:
    """Record a visit (the bureau only); a visit cannot be dated in the future."""
    if not may_manage(actor):
        raise PermissionDenied
    today = today or timezone.localdate()
    if visited_on is None:
        raise OutreachError(_("请填写走访日期"), "visited_on")
    if visited_on > today:
        raise OutreachError(_("走访日期不能晚于今天"), "visited_on")
    if homes_visited is None or homes_visited < 0:
        raise OutreachError(_("入户户数不能为负数"), "homes_visited")
    participants = _required(participants, "participants", _("参加人员"))
    findings = _required(findings, "findings", _("发现的问题"))
    # Without review a public visit is published as it is recorded.
    published = is_public and not City.publications_need_review()
    with transaction.atomic():
        visit = OutreachVisit.objects.create(
            published_at=timezone.now() if published else None,
            published_by=actor if published else None,
            community=community,
            visited_on=visited_on,
            participants=participants,
            findings=findings,
            homes_visited=homes_visited,
            homes_note=(homes_note or "").strip(),
            is_public=is_public,
            created_by=actor,
        )
        visit.substations.set(substations)
    return visit


def do_publish_visit(actor, visit: OutreachVisit, *, now: datetime | None = None):
    """A reviewer (the bureau) has read the masked summary and publishes it on /outreach/."""
    if not may_manage(actor):
        raise PermissionDenied
    if not visit.is_public:
        raise OutreachError(_("该走访记录标为不公开"))
    now = now or timezone.now()
    updated = OutreachVisit.objects.filter(
        pk=visit.pk, is_public=True, published_at__isnull=True
    ).update(published_at=now, published_by=actor)
    if updated != 1:
        raise OutreachError(_("该走访记录已经公开，请刷新页面"))
    visit.refresh_from_db()
    return visit


def do_withdraw_visit(actor, visit: OutreachVisit, *, now: datetime | None = None):
    """The visit leaves the public pages; who withdrew it and when stays on the row."""
    if not may_manage(actor):
        raise PermissionDenied
    now = now or timezone.now()
    updated = OutreachVisit.objects.filter(pk=visit.pk, published_at__isnull=False).update(
        published_at=None, withdrawn_at=now, withdrawn_by=actor
    )
    if updated != 1:
        raise OutreachError(_("该走访记录尚未公开，请刷新页面"))
    visit.refresh_from_db()
    return visit


def do_add_item(
    actor,
    visit: OutreachVisit,
    *,
    problem: str,
    solution: str,
    company,
    deadline: date | None,
    today: date | None = None,
) -> PlanItem:
    """Add a plan item (the bureau only). A deadline in the past is refused."""
    if not may_manage(actor):
        raise PermissionDenied
    today = today or timezone.localdate()
    problem = _required(problem, "problem", _("问题"))
    solution = _required(solution, "solution", _("解决措施"))
    if company is None:
        raise OutreachError(_("请选择责任单位"), "company")
    if deadline is None:
        raise OutreachError(_("请填写完成期限"), "deadline")
    if deadline < today:
        raise OutreachError(
            _("完成期限 %(d)s 已经过去，请填写今天或以后的日期") % {"d": deadline.isoformat()},
            "deadline",
        )
    return PlanItem.objects.create(
        visit=visit, problem=problem, solution=solution, company=company, deadline=deadline
    )


def _transition(item: PlanItem, from_status: str, fields: dict) -> PlanItem:
    updated = PlanItem.objects.filter(pk=item.pk, status=from_status).update(**fields)
    if updated != 1:
        raise OutreachError(_("事项状态已变化，请刷新页面后重试"))
    item.refresh_from_db()
    return item


def do_mark_done(actor, item: PlanItem, note: str, *, now: datetime | None = None) -> PlanItem:
    """The responsible company reports the item done, saying what it did."""
    if not may_mark_done(actor, item):
        raise PermissionDenied
    note = _required(note, "note", _("完成情况"))
    now = now or timezone.now()
    return _transition(
        item,
        ItemStatus.OPEN,
        {"status": ItemStatus.DONE, "done_at": now, "done_note": note, "done_by": actor},
    )


def do_close_item(
    actor, item: PlanItem, note: str = "", *, now: datetime | None = None
) -> PlanItem:
    """The bureau checked the work and closes the item (销号)."""
    if not may_manage(actor):
        raise PermissionDenied
    now = now or timezone.now()
    return _transition(
        item,
        ItemStatus.DONE,
        {
            "status": ItemStatus.CLOSED,
            "closed_at": now,
            "closed_by": actor,
            "check_note": (note or "").strip(),
        },
    )


def do_send_back(actor, item: PlanItem, note: str) -> PlanItem:
    """The bureau's check failed: the item goes back to the company with the reason."""
    if not may_manage(actor):
        raise PermissionDenied
    note = _required(note, "note", _("核查意见"))
    return _transition(
        item, ItemStatus.DONE, {"status": ItemStatus.OPEN, "check_note": note, "done_at": None}
    )

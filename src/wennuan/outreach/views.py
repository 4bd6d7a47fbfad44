"""Staff pages of 访民问暖: the ranked list of communities to visit, visits and their plans."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wennuan.lib.moments import parse_user_date
from wennuan.registry.models import Community, HeatingCompany, Substation
from wennuan.reports import dashboard as dash
from wennuan.reports import snapshot
from wennuan.staff.scope import Desk, company_scope

from . import actions
from .access import may_manage, may_mark_done, visible_items, visible_visits
from .choices import ItemStatus
from .models import OutreachVisit
from .risk import SCORE_PER_RISK_DAY, predicted_risk

RANKING_SIZE = 30


def _parse_date(value: str) -> date | None:
    # 2026-12-10, 2026/12/10, 2026年12月10日: however the bureau's staff write dates.
    return parse_user_date(value)


@login_required
def index(request):
    """Communities to visit (ranked), recent visits and the items still to do."""
    scope = company_scope(request.user, Desk.OUTREACH)
    today = timezone.localdate()
    season = dash.current_season(today)
    figures = snapshot.figures_for(scope, season)
    risk = predicted_risk(today)

    def score(row) -> float:
        risk_days = (risk or {}).get(row.community_id, (0, None))[0]
        return row.score + SCORE_PER_RISK_DAY * risk_days

    ranking = sorted(figures["ranking"], key=lambda r: (-score(r), -r.complaints, r.name))[
        :RANKING_SIZE
    ]
    start, end = figures["season_start"], figures["season_end"]
    visited = dict(
        OutreachVisit.objects.filter(visited_on__gte=start)
        .values("community_id")
        .annotate(n=Count("id"))
        .values_list("community_id", "n")
    )
    items = visible_items(request.user).select_related("visit__community", "company")
    visits = (
        OutreachVisit.objects.filter(pk__in=visible_visits(request.user).values("pk"))
        .select_related("community")
        .annotate(
            item_count=Count("items"),
            closed_count=Count("items", filter=Q(items__status=ItemStatus.CLOSED)),
        )
    )
    return render(
        request,
        "outreach/index.html",
        {
            "ranking": [
                {
                    "row": row,
                    "visits": visited.get(row.community_id, 0),
                    "risk": (risk or {}).get(row.community_id),
                }
                for row in ranking
            ],
            "has_risk": risk is not None,
            "period": (start, end),
            "visits": visits[:20],
            "open_items": items.exclude(status=ItemStatus.CLOSED).order_by("deadline")[:50],
            "is_bureau": may_manage(request.user),
            "today": today,
        },
    )


@login_required
def visit_new(request):
    company_scope(request.user, Desk.OUTREACH_MANAGE)
    communities = Community.objects.order_by("name")
    data = request.POST if request.method == "POST" else request.GET
    form = {
        "community": data.get("community", ""),
        "visited_on": data.get("visited_on", timezone.localdate().isoformat()),
        "participants": data.get("participants", ""),
        "homes_visited": data.get("homes_visited", "0"),
        "homes_note": data.get("homes_note", ""),
        "findings": data.get("findings", ""),
        "substations": data.getlist("substations") if hasattr(data, "getlist") else [],
    }
    community = (
        Community.objects.filter(pk=int(form["community"])).select_related("substation").first()
        if form["community"].isdecimal()
        else None
    )
    error = ""
    if request.method == "POST":
        try:
            if community is None:
                raise actions.OutreachError(_("请选择小区"), "community")
            homes = form["homes_visited"].strip() or "0"
            if not homes.lstrip("-").isdecimal():
                raise actions.OutreachError(_("入户户数须为整数"), "homes_visited")
            visit = actions.do_record_visit(
                request.user,
                community=community,
                visited_on=_parse_date(form["visited_on"]),
                participants=form["participants"],
                findings=form["findings"],
                homes_visited=int(homes),
                homes_note=form["homes_note"],
                substations=Substation.objects.filter(
                    pk__in=[int(s) for s in form["substations"] if s.isdecimal()]
                ),
            )
            return redirect("outreach:visit", pk=visit.pk)
        except actions.OutreachError as exc:
            error = exc.message
    substations = Substation.objects.order_by("name")
    if community is not None and community.substation_id and not form["substations"]:
        form["substations"] = [str(community.substation_id)]
    return render(
        request,
        "outreach/visit_new.html",
        {
            "form": form,
            "error": error,
            "communities": communities,
            "community": community,
            "substations": substations,
        },
        status=400 if error else 200,
    )


def _visit_or_404(user, pk: int) -> OutreachVisit:
    return get_object_or_404(
        visible_visits(user).select_related("community", "community__company"), pk=pk
    )


@login_required
def visit_detail(request, pk: int):
    visit = _visit_or_404(request.user, pk)
    return _render_visit(request, visit)


def _render_visit(request, visit, *, error="", item_form=None, status=200):
    scope = company_scope(request.user, Desk.OUTREACH)
    items = scope.filter(visit.items.select_related("company").order_by("deadline", "id"))
    return render(
        request,
        "outreach/visit_detail.html",
        {
            "visit": visit,
            "items": [
                {"item": item, "may_done": may_mark_done(request.user, item)} for item in items
            ],
            "is_bureau": may_manage(request.user),
            "companies": HeatingCompany.objects.order_by("code"),
            "error": error,
            "item_form": item_form
            or {
                "company": str(visit.community.company_id),
                "deadline": "",
                "problem": "",
                "solution": "",
            },
            "today": timezone.localdate(),
        },
        status=status,
    )


@login_required
@require_POST
def item_add(request, pk: int):
    company_scope(request.user, Desk.OUTREACH_MANAGE)
    visit = get_object_or_404(OutreachVisit, pk=pk)
    form = {k: request.POST.get(k, "") for k in ("problem", "solution", "company", "deadline")}
    company = (
        HeatingCompany.objects.filter(pk=int(form["company"])).first()
        if form["company"].isdecimal()
        else None
    )
    try:
        if form["deadline"] and _parse_date(form["deadline"]) is None:
            raise actions.OutreachError(
                _("完成期限格式不正确：请填写日期，如 2026-12-10 或 2026/12/10"), "deadline"
            )
        actions.do_add_item(
            request.user,
            visit,
            problem=form["problem"],
            solution=form["solution"],
            company=company,
            deadline=_parse_date(form["deadline"]),
        )
    except actions.OutreachError as exc:
        return _render_visit(request, visit, error=exc.message, item_form=form, status=400)
    return redirect("outreach:visit", pk=visit.pk)


@login_required
@require_POST
def visit_publication(request, pk: int, action: str):
    """The reviewer publishes the masked summary on /outreach/ or withdraws it."""
    company_scope(request.user, Desk.OUTREACH_MANAGE)
    visit = get_object_or_404(OutreachVisit, pk=pk)
    try:
        if action == "publish":
            actions.do_publish_visit(request.user, visit)
        elif action == "withdraw":
            actions.do_withdraw_visit(request.user, visit)
        else:
            raise Http404
    except actions.OutreachError as exc:
        return _render_visit(request, visit, error=exc.message, status=409)
    return redirect("outreach:visit", pk=visit.pk)


@login_required
@require_POST
def item_act(request, pk: int, action: str):
    item = get_object_or_404(visible_items(request.user).select_related("visit"), pk=pk)
    note = request.POST.get("note", "")
    try:
        if action == "done":
            actions.do_mark_done(request.user, item, note)
        elif action == "close":
            actions.do_close_item(request.user, item, note)
        elif action == "send_back":
            actions.do_send_back(request.user, item, note)
        else:
            raise Http404
    except actions.OutreachError as exc:
        return _render_visit(request, item.visit, error=exc.message, status=400)
    return redirect("outreach:visit", pk=item.visit_id)

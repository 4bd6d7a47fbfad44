"""Season readiness pages: the bureau's overview and each company's checklist."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wennuan.registry.models import HeatingCompany, HeatingSeason, HeatSource
from wennuan.staff.access import user_company_id
from wennuan.staff.scope import Desk, company_scope

from .access import may_update_company, require_update
from .checklists import generate_checklists
from .choices import FUEL_STOCK_TARGET_DAYS, ChecklistTask
from .forms import FuelStockForm, ItemProgressForm, TrainingForm
from .models import FuelStockReport, ReadinessItem, TrainingSession
from .progress import late_items, latest_fuel_days, progress_by_company, readiness_season


def _season(request) -> HeatingSeason | None:
    wanted = request.GET.get("season") or request.POST.get("season")
    if wanted and wanted.isdecimal():
        found = HeatingSeason.objects.filter(pk=int(wanted)).first()
        if found:
            return found
    return readiness_season()


@login_required
def index(request):
    """The bureau sees every company's progress and every late item; company staff go
    straight to their own checklist."""
    company_scope(request.user, Desk.READINESS)
    season = _season(request)
    if season is None:
        return render(request, "readiness/index.html", {"season": None})
    scope = company_scope(request.user, Desk.READINESS)
    if not scope.sees_all:
        company = HeatingCompany.objects.get(pk=scope.company_id)
        return redirect(_company_url(company, season))
    today = timezone.localdate()
    late = list(late_items(season, today)[:200])
    return render(
        request,
        "readiness/index.html",
        {
            "season": season,
            "seasons": HeatingSeason.objects.order_by("-start_date"),
            "progress": progress_by_company(season, today),
            "late": late,
            "today": today,
            "tasks": ChecklistTask.choices,
            "fuel_target_days": FUEL_STOCK_TARGET_DAYS,
            "has_items": ReadinessItem.objects.filter(season=season).exists(),
        },
    )


def _company_url(company, season):
    return f"{reverse('readiness:company', args=[company.code])}?season={season.pk}"


@login_required
def company(request, code: str):
    scope = company_scope(request.user, Desk.READINESS)
    heating_company = get_object_or_404(HeatingCompany, code=code)
    if not scope.contains_company(heating_company.pk):
        raise PermissionDenied
    season = _season(request)
    if season is None:
        return redirect("readiness:index")
    today = timezone.localdate()
    items = list(
        ReadinessItem.objects.filter(season=season, company=heating_company)
        .select_related("substation", "source")
        .order_by("source__code", "substation__code", "due_date")
    )
    sites: dict = {}
    for item in items:
        item.late = item.is_late(today)
        sites.setdefault(item.site, []).append(item)
    show = request.GET.get("show", "")
    if show == "open":
        sites = {site: rows for site, rows in sites.items() if any(not r.done_on for r in rows)}
    elif show == "late":
        sites = {site: rows for site, rows in sites.items() if any(r.late for r in rows)}
    fuel = latest_fuel_days(season, today)
    sources = HeatSource.objects.filter(
        readiness_items__season=season, readiness_items__company=heating_company
    ).distinct()
    progress = progress_by_company(
        season, today, companies=HeatingCompany.objects.filter(pk=heating_company.pk)
    )[0]
    return render(
        request,
        "readiness/company.html",
        {
            "company": heating_company,
            "season": season,
            "sites": sites,
            "progress": progress,
            "show": show,
            "today": today,
            "may_update": may_update_company(request.user, heating_company.pk),
            "fuel": [(source, fuel.get((heating_company.pk, source.pk))) for source in sources],
            "fuel_target_days": FUEL_STOCK_TARGET_DAYS,
            "fuel_reports": FuelStockReport.objects.filter(
                season=season, company=heating_company
            ).select_related("source")[:20],
            "trainings": TrainingSession.objects.filter(season=season, company=heating_company),
            "is_bureau": company_scope(request.user, Desk.READINESS).sees_all,
        },
    )


def _visible_item(user, pk: int) -> ReadinessItem:
    """The item if the user's company owns it (404 for another company's item, so ids of
    other companies' items reveal nothing)."""
    queryset = company_scope(user, Desk.READINESS).filter(
        ReadinessItem.objects.select_related("season", "company")
    )
    return get_object_or_404(queryset, pk=pk)


@login_required
def item_update(request, pk: int):
    company_scope(request.user, Desk.READINESS)
    item = _visible_item(request.user, pk)
    require_update(request.user, item.company_id)
    if request.method == "POST":
        form = ItemProgressForm(request.POST, season=item.season)
        if form.is_valid():
            with transaction.atomic():
                ReadinessItem.objects.filter(pk=item.pk).update(
                    done_on=form.cleaned_data["done_on"],
                    notes=form.cleaned_data["notes"],
                    updated_by=request.user,
                    updated_at=timezone.now(),
                )
            messages.success(request, _("已保存：%(item)s") % {"item": item})
            return redirect(_company_url(item.company, item.season))
        status = 400
    else:
        form = ItemProgressForm(
            initial={"done_on": item.done_on, "notes": item.notes}, season=item.season
        )
        status = 200
    return render(request, "readiness/item_form.html", {"item": item, "form": form}, status=status)


def _own_company(user) -> HeatingCompany:
    company_id = user_company_id(user)
    if company_id is None:
        raise PermissionDenied
    require_update(user, company_id)
    return HeatingCompany.objects.get(pk=company_id)


@login_required
def fuel_new(request):
    company_scope(request.user, Desk.READINESS)
    heating_company = _own_company(request.user)
    season = _season(request)
    if season is None:
        return redirect("readiness:index")
    sources = HeatSource.objects.filter(
        readiness_items__season=season, readiness_items__company=heating_company
    ).distinct()
    if request.method == "POST":
        form = FuelStockForm(request.POST, season=season, sources=sources)
        if form.is_valid():
            report = form.save(commit=False)
            report.season = season
            report.company = heating_company
            report.reported_by = request.user
            report.save()
            messages.success(request, _("燃料储备已填报"))
            return redirect(_company_url(heating_company, season))
        status = 400
    else:
        form = FuelStockForm(
            initial={"reported_on": timezone.localdate()}, season=season, sources=sources
        )
        status = 200
    return render(
        request,
        "readiness/simple_form.html",
        {"form": form, "season": season, "heading": _("填报燃料储备")},
        status=status,
    )


@login_required
def training_new(request):
    company_scope(request.user, Desk.READINESS)
    heating_company = _own_company(request.user)
    season = _season(request)
    if season is None:
        return redirect("readiness:index")
    if request.method == "POST":
        form = TrainingForm(request.POST, season=season)
        if form.is_valid():
            session = form.save(commit=False)
            session.season = season
            session.company = heating_company
            session.recorded_by = request.user
            session.save()
            messages.success(request, _("培训已记录"))
            return redirect(_company_url(heating_company, season))
        status = 400
    else:
        form = TrainingForm(initial={"held_on": timezone.localdate()}, season=season)
        status = 200
    return render(
        request,
        "readiness/simple_form.html",
        {"form": form, "season": season, "heading": _("记录岗前培训")},
        status=status,
    )


@login_required
@require_POST
def generate(request):
    company_scope(request.user, Desk.READINESS_MANAGE)
    season = _season(request)
    if season is None:
        messages.error(request, _("还没有登记供热季"))
        return redirect("readiness:index")
    created = generate_checklists(season)
    messages.success(
        request, _("%(season)s：新生成准备工作 %(n)s 项") % {"season": season.name, "n": created}
    )
    return redirect(f"{reverse('readiness:index')}?season={season.pk}")

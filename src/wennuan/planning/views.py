"""Staff pages of the dispatch centre. ``index`` lists the plans the user may see; the console
(charts, adjust/re-run/approve) builds on these models."""

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from wennuan.staff.access import staff_role

from .access import visible_companies
from .choices import PlanStatus
from .models import Plan, PlanSource

PAGE_SIZE = 50


@login_required
def index(request):
    if staff_role(request.user) is None:
        raise PermissionDenied
    plans = (
        Plan.objects.filter(company__in=visible_companies(request.user))
        .select_related("company", "approved_by")
        .order_by("-date", "company__code", "-version")
    )
    page = Paginator(plans, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "planning/index.html",
        {"page": page, "days": today_and_tomorrow(visible_companies(request.user))},
    )


def today_and_tomorrow(companies) -> list[dict]:
    """For each company, the plan in force today and tomorrow (the approved version, else the
    newest draft) with its peak in MW: what the dispatch engineer looks at first."""
    today = timezone.localdate()
    days = [today, today + timedelta(days=1)]
    companies = list(companies.order_by("code"))
    current = {}
    for plan in Plan.objects.filter(company__in=companies, date__in=days).order_by("version"):
        key = (plan.company_id, plan.date)
        held = current.get(key)
        # approved beats any draft; among equals the newest version wins
        if held is None or plan.status == PlanStatus.APPROVED or held.status != PlanStatus.APPROVED:
            current[key] = plan
    hourly = {}
    for row in PlanSource.objects.filter(plan__in=list(current.values())).only(
        "plan_id", "heat_kw"
    ):
        sums = hourly.setdefault(row.plan_id, [0.0] * 24)
        for h, q in enumerate((row.heat_kw or [])[:24]):
            sums[h] += q or 0.0
    rows = []
    for company in companies:
        cells = []
        for day in days:
            plan = current.get((company.id, day))
            peak = max(hourly.get(plan.pk, [0.0])) / 1000.0 if plan else None
            cells.append({"day": day, "plan": plan, "peak_mw": peak})
        rows.append({"company": company, "cells": cells})
    return rows

"""Staff pages of the dispatch centre. ``index`` lists the plans the user may see; the console
(charts, adjust/re-run/approve) builds on these models."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render

from wennuan.staff.access import staff_role

from .access import visible_companies
from .models import Plan

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
    return render(request, "planning/index.html", {"page": page})

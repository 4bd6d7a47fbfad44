"""Staff pages. Every view asks the access helpers what the user may see."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render

from wennuan.registry.models import Community, Substation
from wennuan.staff.access import scope_to_company, staff_role


@login_required
def home(request):
    if staff_role(request.user) is None:
        raise PermissionDenied
    communities = scope_to_company(
        Community.objects.select_related("company", "substation", "manager"), request.user
    ).order_by("company__code", "name")
    substations = scope_to_company(Substation.objects.all(), request.user)
    page = Paginator(communities, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "console/home.html",
        {
            "profile": getattr(request.user, "staff_profile", None),
            "page": page,
            "community_count": communities.count(),
            "substation_count": substations.count(),
        },
    )

"""The console shell: landing, the register home and the links to every desk. Each desk's pages
live in its app (the work orders' in `workorders/views.py`); every view asks the access helpers
what the user may see."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from wennuan.registry.models import Community, Substation
from wennuan.staff.access import staff_role
from wennuan.staff.choices import Role
from wennuan.staff.scope import Desk, company_scope, may_open


def _desks(user) -> list[tuple[str, str]]:
    """(label, url) of the other desks this user may open: a hotline operator in a hurry
    must not meet buttons that answer 403. The scope table answers, as it does for the desk's
    own views."""

    desks = [
        (_("调度计划"), "planning:index", Desk.PLANS),
        (_("统计报表"), "reports:index", Desk.DASHBOARD),
        (_("访民问暖"), "outreach:index", Desk.OUTREACH),
        (_("供热准备"), "readiness:index", Desk.READINESS),
        (_("公开信息"), "publicinfo:index", None),
    ]
    return [
        (label, reverse(name))
        for label, name, desk in desks
        if desk is None or may_open(user, desk)
    ]


# Each role's own desk: where its day starts after logging in (the directory is one click
# away under 工作台 for everyone).
ROLE_DESKS = {
    Role.OPERATOR: "console:order_new",  # 受理来电
    Role.SUPERVISOR: "reports:index",  # 监管看板
    Role.COMPANY_DISPATCHER: "console:orders",  # 派单队列
    Role.TECHNICIAN: "console:orders",  # 今日待办 heads the list
    Role.COMMUNITY_MANAGER: "console:orders",
    Role.DISPATCH_ENGINEER: "planning:index",  # 调度计划
    Role.ADMIN: "console:home",
}


@login_required
def landing(request):
    """Where a login lands (settings.LOGIN_REDIRECT_URL): the role's desk, not the directory."""
    role = staff_role(request.user)
    if role is None:
        raise PermissionDenied
    return redirect(ROLE_DESKS.get(role, "console:home"))


@login_required
def home(request):
    scope = company_scope(request.user, Desk.REGISTER)
    communities = scope.communities(
        Community.objects.select_related("company", "substation", "manager")
    ).order_by("company__code", "name")
    substations = scope.substations(Substation.objects.all())
    page = Paginator(communities, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "console/home.html",
        {
            "profile": getattr(request.user, "staff_profile", None),
            "page": page,
            "community_count": communities.count(),
            "substation_count": substations.count(),
            "desks": _desks(request.user),
            "may_read_orders": may_open(request.user, Desk.ORDERS),
        },
    )

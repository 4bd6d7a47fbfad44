"""Which companies, communities and orders a user may see on each desk: one table, one answer.

Every staff page and API endpoint asks ``company_scope(user, desk)`` and filters its rows with
the scope it gets back; nothing else decides "which companies may this user see" (design §2).
The table below is the rule, read as: on this desk, a persona reaches

- ``CITY``: every company's rows (and rows not yet routed to a company);
- ``COMPANY``: its own company's rows;
- ``COMMUNITIES``: the rows of the communities it manages (a community manager's login is
  linked to its entry in the register; a login not yet linked sees nothing);
- ``ASSIGNED``: the work orders assigned to it (a technician);
- ``NONE``: the desk answers 403.

Rules the table keeps (and ``tests/wennuan/staff/test_scope.py`` checks cell by cell):

- Every number on the dashboard drills down to the order list, so the dashboard's reach is the
  order desk's reach for every persona: what a number counts is what its drill-down lists.
- The bureau operator (a hotline operator without a company) answers callers about the whole
  city: it reads every city-wide desk a caller may ask about — orders, the register, plans,
  readiness, outreach and the dashboard — and manages none. The weekly report is the bureau's
  report to the city government (generated and filed by supervisors): not the operator's.
- A company's plans, readiness checklists and outreach items belong to the company, not to a
  community: a community manager reads them for its company. The register and the orders are
  per community: a community manager sees its own communities only.
- Managing desks (generating weekly reports or checklists, closing outreach items) are the
  bureau's: supervisors and the administrator. Computing plans is the dispatch engineers' (their
  company) and the administrator's.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import F

from wennuan.registry.models import Community

from .access import staff_role, user_company_id
from .choices import Role


class Desk(enum.StrEnum):
    REGISTER = "register"  # the console's home: communities and substations
    ORDERS = "orders"  # read work orders (acting on them is the transition table's)
    DASHBOARD = "dashboard"  # supervision dashboard and its drill-downs
    WEEKLY_REPORTS = "weekly_reports"  # list, generate and download the weekly report
    PLANS = "plans"  # read dispatch plans and the daily report
    PLAN_COMPUTE = "plan_compute"  # compute, adjust, approve plans
    READINESS = "readiness"  # read readiness checklists; company staff update their own
    READINESS_MANAGE = "readiness_manage"  # generate checklists for every company
    OUTREACH = "outreach"  # read the outreach ranking, visits and plan items
    OUTREACH_MANAGE = "outreach_manage"  # record visits, add, close or send back items


class Reach(enum.IntEnum):
    NONE = 0
    ASSIGNED = 1
    COMMUNITIES = 2
    COMPANY = 3
    CITY = 4


class Persona(enum.StrEnum):
    """A role, with the hotline operator split by whether the login belongs to a company."""

    SUPERVISOR = Role.SUPERVISOR.value
    ADMIN = Role.ADMIN.value
    BUREAU_OPERATOR = "bureau_operator"
    COMPANY_OPERATOR = Role.OPERATOR.value
    COMPANY_DISPATCHER = Role.COMPANY_DISPATCHER.value
    TECHNICIAN = Role.TECHNICIAN.value
    COMMUNITY_MANAGER = Role.COMMUNITY_MANAGER.value
    DISPATCH_ENGINEER = Role.DISPATCH_ENGINEER.value


_P = Persona
CITY, COMPANY, COMMUNITIES, ASSIGNED, NONE = (
    Reach.CITY,
    Reach.COMPANY,
    Reach.COMMUNITIES,
    Reach.ASSIGNED,
    Reach.NONE,
)
_COLUMNS = (
    _P.SUPERVISOR,
    _P.ADMIN,
    _P.BUREAU_OPERATOR,
    _P.COMPANY_OPERATOR,
    _P.COMPANY_DISPATCHER,
    _P.TECHNICIAN,
    _P.COMMUNITY_MANAGER,
    _P.DISPATCH_ENGINEER,
)
# fmt: off
_ROWS = {
    #                      superv.  admin    bureau op  co. op   dispatcher technician  manager      engineer
    Desk.REGISTER:         (CITY,   CITY,    CITY,      COMPANY, COMPANY,   COMPANY,    COMMUNITIES, COMPANY),
    Desk.ORDERS:           (CITY,   CITY,    CITY,      COMPANY, COMPANY,   ASSIGNED,   COMMUNITIES, NONE),
    Desk.DASHBOARD:        (CITY,   CITY,    CITY,      COMPANY, COMPANY,   ASSIGNED,   COMMUNITIES, NONE),
    Desk.WEEKLY_REPORTS:   (CITY,   CITY,    NONE,      NONE,    NONE,      NONE,       NONE,        NONE),
    Desk.PLANS:            (CITY,   CITY,    CITY,      COMPANY, COMPANY,   COMPANY,    COMPANY,     COMPANY),
    Desk.PLAN_COMPUTE:     (NONE,   CITY,    NONE,      NONE,    NONE,      NONE,       NONE,        COMPANY),
    Desk.READINESS:        (CITY,   CITY,    CITY,      COMPANY, COMPANY,   COMPANY,    COMPANY,     COMPANY),
    Desk.READINESS_MANAGE: (CITY,   CITY,    NONE,      NONE,    NONE,      NONE,       NONE,        NONE),
    Desk.OUTREACH:         (CITY,   CITY,    CITY,      COMPANY, COMPANY,   COMPANY,    COMPANY,     COMPANY),
    Desk.OUTREACH_MANAGE:  (CITY,   CITY,    NONE,      NONE,    NONE,      NONE,       NONE,        NONE),
}
# fmt: on
SCOPE_TABLE: dict[Desk, dict[Persona, Reach]] = {
    desk: dict(zip(_COLUMNS, reaches, strict=True)) for desk, reaches in _ROWS.items()
}


def persona_of(user) -> Persona | None:
    role = staff_role(user)
    if role is None:
        return None
    if role == Role.OPERATOR:
        return _P.BUREAU_OPERATOR if user_company_id(user) is None else _P.COMPANY_OPERATOR
    return Persona(role)


@dataclass(frozen=True)
class CompanyScope:
    """What one user reaches on one desk; filters querysets accordingly."""

    reach: Reach
    company_id: int | None = None
    user: object = field(default=None, compare=False, repr=False)
    community_ids: frozenset[int] = frozenset()

    @classmethod
    def city(cls) -> CompanyScope:
        """The whole city (the worker's snapshots, the weekly report)."""
        return cls(Reach.CITY)

    @property
    def sees_all(self) -> bool:
        return self.reach is Reach.CITY

    @property
    def is_company_or_wider(self) -> bool:
        return self.reach >= Reach.COMPANY

    def filter(self, queryset, company_field: str = "company", community_field: str | None = None):
        """Rows of ``queryset`` in reach. ``company_field`` names the row's company;
        ``community_field`` its community ("" for Community rows themselves, None when rows
        belong to a company only: a narrower reach then sees the company's rows)."""
        if self.reach is Reach.NONE:
            return queryset.none()
        if self.reach is Reach.CITY:
            return queryset
        rows = queryset.filter(**{f"{company_field}_id": self.company_id})
        if self.reach is Reach.COMMUNITIES and community_field is not None:
            column = f"{community_field}_id" if community_field else "pk"
            rows = rows.filter(**{f"{column}__in": sorted(self.community_ids)})
        return rows

    def companies(self, queryset):
        """Heating companies in reach."""
        if self.reach is Reach.NONE:
            return queryset.none()
        return queryset if self.reach is Reach.CITY else queryset.filter(pk=self.company_id)

    def communities(self, queryset):
        return self.filter(queryset, community_field="")

    def substations(self, queryset):
        """Substations in reach (a community manager's: those serving its communities)."""
        rows = self.filter(queryset)
        if self.reach is Reach.COMMUNITIES:
            rows = rows.filter(communities__in=sorted(self.community_ids)).distinct()
        return rows

    def orders(self, queryset, *, prefer_other_indexes: bool = True):
        """Work orders in reach. With ``prefer_other_indexes`` (the dashboard's aggregates) the
        company is compared as ``company_id + 0`` so that the database keeps using the more
        selective index of the other filters (a day's ``created_at`` range, the open
        ``state``s) instead of the company index, which matches a third of a season's orders
        (measured: 835 → ~200 ms for a company's dashboard with 200,000 orders on SQLite);
        the order list, sorted along the (company, state, due_at) index, wants it."""
        if self.reach is Reach.NONE:
            return queryset.none()
        if self.reach is Reach.CITY:
            return queryset
        if prefer_other_indexes:
            rows = queryset.alias(scope_company_id=F("company_id") + 0).filter(
                scope_company_id=self.company_id
            )
        else:
            rows = queryset.filter(company_id=self.company_id)
        if self.reach is Reach.COMMUNITIES:
            rows = rows.filter(community_id__in=sorted(self.community_ids))
        elif self.reach is Reach.ASSIGNED:
            rows = rows.filter(assignee=self.user)
        return rows

    def contains_company(self, company_id: int | None) -> bool:
        if self.reach is Reach.CITY:
            return True
        return self.reach is not Reach.NONE and company_id == self.company_id

    def contains_order(self, order) -> bool:
        """Whether ``order`` is in reach (orders not routed to a company are the bureau's)."""
        if not self.contains_company(order.company_id):
            return False
        if self.reach is Reach.COMMUNITIES:
            return order.community_id in self.community_ids
        if self.reach is Reach.ASSIGNED:
            return order.assignee_id == getattr(self.user, "pk", None)
        return True


NO_SCOPE = CompanyScope(Reach.NONE)


def _managed_community_ids(user, company_id) -> frozenset[int]:
    cached = getattr(user, "_wennuan_managed_communities", None)
    if cached is None:
        cached = frozenset(
            Community.objects.filter(
                company_id=company_id, manager__login_account__user=user
            ).values_list("pk", flat=True)
        )
        user._wennuan_managed_communities = cached
    return cached


def reach_of(user, desk: Desk) -> Reach:
    persona = persona_of(user)
    return Reach.NONE if persona is None else SCOPE_TABLE[desk][persona]


def company_scope(user, desk: Desk, *, strict: bool = True) -> CompanyScope:
    """What ``user`` reaches on ``desk``. PermissionDenied when nothing (``strict``), else the
    empty scope (a queryset filtered by it is empty)."""
    reach = reach_of(user, desk)
    if reach is Reach.NONE:
        if strict:
            raise PermissionDenied
        return NO_SCOPE
    if reach is Reach.CITY:
        return CompanyScope(Reach.CITY, user=user)
    company_id = user_company_id(user)
    communities = frozenset()
    if reach is Reach.COMMUNITIES:
        communities = _managed_community_ids(user, company_id)
    return CompanyScope(reach, company_id=company_id, user=user, community_ids=communities)


def may_open(user, desk: Desk) -> bool:
    return reach_of(user, desk) is not Reach.NONE

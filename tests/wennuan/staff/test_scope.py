"""The scope table (``wennuan.staff.scope``) as a matrix: every desk × persona, each checked on
rows of its own company and community, another community of its company, and another company;
the desk's page answers 403 exactly where the table says NONE. And a community manager's
pages agree with each other (home, dashboard numbers, drill-down, order list)."""

import re

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied

from wennuan.registry.models import Community, HeatingCompany, Manager
from wennuan.staff.scope import SCOPE_TABLE, Desk, Persona, Reach, company_scope, reach_of
from wennuan.workorders.models import ManagerAccount, WorkOrder

C, CO, CM, A, N = Reach.CITY, Reach.COMPANY, Reach.COMMUNITIES, Reach.ASSIGNED, Reach.NONE

# The decisions, written out again so that a change to the table is a change to this test too.
# Columns: supervisor, admin, bureau_operator, operator (company), dispatcher, technician,
# community_manager, dispatch_engineer.
EXPECTED = {
    Desk.REGISTER: (C, C, C, CO, CO, CO, CM, CO),
    Desk.ORDERS: (C, C, C, CO, CO, A, CM, N),
    Desk.DASHBOARD: (C, C, C, CO, CO, A, CM, N),
    Desk.WEEKLY_REPORTS: (C, C, N, N, N, N, N, N),
    Desk.PLANS: (C, C, C, CO, CO, CO, CO, CO),
    Desk.PLAN_COMPUTE: (N, C, N, N, N, N, N, CO),
    Desk.READINESS: (C, C, C, CO, CO, CO, CO, CO),
    Desk.READINESS_MANAGE: (C, C, N, N, N, N, N, N),
    Desk.OUTREACH: (C, C, C, CO, CO, CO, CO, CO),
    Desk.OUTREACH_MANAGE: (C, C, N, N, N, N, N, N),
}
PERSONAS = [
    "supervisor",
    "admin",
    "bureau_operator",
    "operator",
    "dispatcher",
    "technician",
    "community_manager",
    "dispatch_engineer",
]
PERSONA_OF = {  # the conftest's persona names → the table's columns
    "supervisor": Persona.SUPERVISOR,
    "admin": Persona.ADMIN,
    "bureau_operator": Persona.BUREAU_OPERATOR,
    "operator": Persona.COMPANY_OPERATOR,
    "dispatcher": Persona.COMPANY_DISPATCHER,
    "technician": Persona.TECHNICIAN,
    "community_manager": Persona.COMMUNITY_MANAGER,
    "dispatch_engineer": Persona.DISPATCH_ENGINEER,
}
PAGES = {
    Desk.REGISTER: "/console/",
    Desk.ORDERS: "/console/orders/",
    Desk.DASHBOARD: "/console/reports/",
    Desk.WEEKLY_REPORTS: "/console/reports/weekly/",
    Desk.PLANS: "/console/dispatch/",
    Desk.READINESS: "/console/readiness/",
    Desk.OUTREACH: "/console/outreach/",
}


def test_the_table_is_the_written_decision_for_every_desk_and_persona():
    assert set(SCOPE_TABLE) == set(Desk)
    assert set(PERSONA_OF.values()) == set(Persona)
    for desk, reaches in EXPECTED.items():
        for persona, reach in zip(PERSONAS, reaches, strict=True):
            assert SCOPE_TABLE[desk][PERSONA_OF[persona]] is reach, (desk, persona)


@pytest.fixture
def world(small_city, personas, make_order):
    """The north company's communities split between the persona's manager (剑桥学府, 金盾小区)
    and another manager (北苑); one order in each kind of place, the manager's assigned to the
    technician."""
    north = small_city.north
    own = small_city.communities["剑桥学府"]
    ManagerAccount.objects.create(user=personas["community_manager"], manager=own.manager)
    other_manager = Manager.objects.create(name="赵强", phone="13853010003", company=north)
    other_community = Community.objects.create(
        name="北苑",
        company=north,
        substation=own.substation,
        manager=other_manager,
        aliases=[],
        district="牡丹区",
        address="北苑路1号",
        heated_area_m2=30000,
        households=300,
        buildings=4,
        terminal=own.terminal,
        design_heat_index_w_m2=45,
    )
    orders = {
        "own": make_order("剑桥学府"),
        "other_community": make_order(phone="13853012222", community=other_community),
        "other_company": make_order("金鼎小区", phone="13853013333"),
    }
    WorkOrder.objects.filter(pk=orders["own"].pk).update(assignee=personas["technician"])
    orders["own"].refresh_from_db()
    return orders


# What each reach shows of (own community, other community of the company, other company);
# for orders ASSIGNED sees the technician's order, which is in the own community.
SEES = {
    C: {"own", "other_community", "other_company"},
    CO: {"own", "other_community"},
    CM: {"own"},
    A: {"own"},
    N: set(),
}
COMMUNITY_OF = {"own": "剑桥学府", "other_community": "北苑", "other_company": "金鼎小区"}


@pytest.mark.parametrize("desk", list(Desk))
@pytest.mark.parametrize("persona", [*PERSONAS, "outsider"])
def test_each_desk_and_persona_sees_what_the_table_says(
    client, personas, world, small_city, desk, persona
):
    user = personas[persona]
    reach = N if persona == "outsider" else EXPECTED[desk][PERSONAS.index(persona)]
    assert reach_of(user, desk) is reach
    if reach is N:
        with pytest.raises(PermissionDenied):
            company_scope(user, desk)
        scope = company_scope(user, desk, strict=False)
    else:
        scope = company_scope(user, desk)
    seen_orders = {
        name
        for name, order in world.items()
        if scope.orders(WorkOrder.objects.filter(pk=order.pk)).exists()
    }
    assert seen_orders == SEES[reach]
    assert {name for name, order in world.items() if scope.contains_order(order)} == SEES[reach]
    communities = set(scope.communities(Community.objects.all()).values_list("name", flat=True))
    expected_communities = {COMMUNITY_OF[name] for name in SEES[reach]}
    if reach in (C, CO):  # the rest of the register too
        expected_communities |= {"金盾小区"} | ({"学府名苑"} if reach is C else set())
    if reach is CM:
        expected_communities |= {"金盾小区"}  # the manager's second community, no orders
    if reach is A:  # the register has no assignee: a technician's reach there is not ASSIGNED
        expected_communities = None
    if expected_communities is not None:
        assert communities == expected_communities
    companies = set(scope.companies(HeatingCompany.objects.all()).values_list("code", flat=True))
    assert companies == {C: {"north", "south"}, N: set()}.get(reach, {"north"})

    if desk in PAGES:
        cache.clear()
        client.force_login(user)
        status = client.get(PAGES[desk]).status_code
        assert (status == 403) == (reach is N), (PAGES[desk], status)


def order_numbers(response) -> set[str]:
    return set(re.findall(r"GN\d{13}", response.content.decode()))


def test_a_community_managers_pages_agree(client, personas, world):
    """Home, dashboard numbers, their drill-downs and the order list: the manager's own
    communities everywhere (the dashboard used to count the whole company's)."""
    cache.clear()
    client.force_login(personas["community_manager"])
    home = client.get("/console/")
    assert home.context["community_count"] == 2
    html = home.content.decode()
    assert "<td>剑桥学府</td>" in html and "<td>北苑</td>" not in html

    listed = order_numbers(client.get("/console/orders/?all=1"))
    assert listed == {world["own"].number}

    dashboard = client.get("/console/reports/")
    assert dashboard.status_code == 200
    assert dashboard.context["intake_total"] == 1
    assert [row["row"].open for row in dashboard.context["open_rows"]] == [1]
    assert [r["row"].name for r in dashboard.context["ranking"]] == ["剑桥学府"]
    for href in (
        dashboard.context["intake_total_url"],
        dashboard.context["open_rows"][0]["open_url"],
        dashboard.context["ranking"][0]["complaints_url"],
    ):
        drilled = client.get(href)
        assert drilled.status_code == 302
        assert order_numbers(client.get(drilled["Location"])) == listed
    assert sum(dashboard.context["chart"]["data"][0]["y"]) == 1

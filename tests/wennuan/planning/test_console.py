"""The dispatch console of one plan: who sees and changes what, adjust and re-run, approve,
bad values and stale forms (messages, never a 500), compute today's plan."""

import json
import re

import pytest
from django.urls import reverse

from wennuan.planning.charts import source_labels
from wennuan.planning.choices import AdjustmentKind, PlanStatus
from wennuan.planning.engine import compute_company_plan
from wennuan.planning.models import Plan, PlanAdjustment, PlanSubstation
from wennuan.registry.models import HeatSource
from wennuan.staff.models import StaffProfile

from .conftest import NOW, PLAN_DAY, weather_for


@pytest.fixture
def north_plan(plan_city):
    return compute_company_plan(plan_city.north, PLAN_DAY, weather_for(PLAN_DAY, -4.0), now=NOW)


def _figure(page: str, name: str) -> dict:
    match = re.search(
        rf'<script id="{name}-chart-data" type="application/json">(.*?)</script>', page, re.S
    )
    assert match, name
    return json.loads(match.group(1))


def test_console_shows_charts_table_network_and_forms_to_the_engineer(north_plan, client, personas):
    client.force_login(personas["dispatch_engineer"])
    response = client.get(reverse("planning:plan", args=[north_plan.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "/assets/plotly.min.js" in page
    demand = _figure(page, "demand")
    names = [trace["name"] for trace in demand["data"]]
    assert names == ["计划供热 (MW)", "需热 (MW)", "热源可用能力 (MW)"]
    station = PlanSubstation.objects.get(plan=north_plan)
    assert demand["data"][1]["y"][12] == pytest.approx(station.demand_kw[12] / 1000, rel=1e-6)
    sources = _figure(page, "sources")
    assert sources["data"][0]["name"].startswith("测试热电厂")
    network = _figure(page, "network")
    pipe_traces = [t for t in network["data"] if t["mode"] == "lines"]
    assert sum(len([x for x in t["x"] if x is not None]) for t in pipe_traces) == 4  # 2 pipes
    stations = next(t for t in network["data"] if t["name"].startswith("换热站"))
    assert stations["marker"]["color"] == [pytest.approx(station.min_dp_margin_bar)]
    assert page.count('class="substation-row"') == 1 and "北一站" in page
    assert 'id="setpoint-form"' in page and 'id="source-form"' in page and 'id="approve"' in page


def test_supervisor_reads_only_other_company_404_outsider_403_anonymous_login(
    north_plan, client, personas
):
    url = reverse("planning:plan", args=[north_plan.pk])
    client.force_login(personas["supervisor"])
    page = client.get(url).content.decode()
    assert "北一站" in page and "只读" in page
    assert 'id="source-form"' not in page and 'id="approve"' not in page
    adjust = reverse("planning:adjust", args=[north_plan.pk])
    body = {"kind": "source_limit", "source": 1, "first_hour": 0, "last_hour": 23, "value": 1}
    assert client.post(adjust, body).status_code == 403
    assert (
        client.post(
            reverse("planning:approve", args=[north_plan.pk]), {"confirm": "yes"}
        ).status_code
        == 403
    )
    client.force_login(personas["dispatcher"])  # same company, not an engineer: reads only
    assert client.get(url).status_code == 200
    assert client.post(adjust, body).status_code == 403
    client.force_login(personas["south_dispatcher"])
    assert client.get(url).status_code == 404
    assert client.post(adjust, body).status_code == 404
    client.force_login(personas["outsider"])
    assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302
    assert Plan.objects.count() == 1 and north_plan.adjustments.count() == 0


def test_engineer_limits_a_source_reruns_and_approves(north_plan, client, personas):
    client.force_login(personas["dispatch_engineer"])
    plant = HeatSource.objects.get(code="plant")
    peak_kw = max(PlanSubstation.objects.get(plan=north_plan).demand_kw)
    response = client.post(
        reverse("planning:adjust", args=[north_plan.pk]),
        {
            "kind": "source_limit",
            "source": plant.pk,
            "first_hour": 6,
            "last_hour": 9,
            "value": round(0.5 * peak_kw),
            "reason": "机组检修",
        },
        follow=True,
    )
    new = Plan.objects.get(company=north_plan.company, date=PLAN_DAY, version=2)
    assert response.redirect_chain[-1][0] == reverse("planning:plan", args=[new.pk])
    page = response.content.decode()
    assert "生成草稿 v2" in page and "机组检修" in page
    adjustment = new.adjustments.get()
    assert (adjustment.kind, adjustment.first_hour, adjustment.last_hour) == (
        AdjustmentKind.SOURCE_LIMIT,
        6,
        9,
    )
    assert new.based_on == north_plan and new.at_risk_count > 0
    assert 'class="risk-row"' in page
    heat = PlanSubstation.objects.get(plan=new).heat_kw
    assert max(heat[6:10]) <= 0.5 * peak_kw and heat[12] > 0.5 * peak_kw

    response = client.post(
        reverse("planning:approve", args=[new.pk]), {"confirm": "yes"}, follow=True
    )
    new.refresh_from_db()
    assert new.status == PlanStatus.APPROVED and new.approved_by == personas["dispatch_engineer"]
    assert "已批准 v2" in response.content.decode()
    # Who computed and approved it, by name as colleagues know them, not by login.
    StaffProfile.objects.filter(user=personas["dispatch_engineer"]).update(display_name="赵调度")
    page = client.get(reverse("planning:plan", args=[new.pk])).content.decode()
    assert "批准：赵调度" in page and "dispatch_engineer" not in page


def test_supply_setpoint_adjustment(north_plan, client, personas):
    client.force_login(personas["dispatch_engineer"])
    station = north_plan.company.substations.get()
    client.post(
        reverse("planning:adjust", args=[north_plan.pk]),
        {
            "kind": "supply_temp",
            "substation": station.pk,
            "first_hour": 0,
            "last_hour": 23,
            "value": 55,
        },
    )
    new = Plan.objects.get(version=2)
    assert PlanSubstation.objects.get(plan=new).supply_temp_c == [55.0] * 24


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            {"kind": "source_limit", "first_hour": 0, "last_hour": 24, "value": 1000},
            "小时应在 0–23 之间",
        ),
        (
            {"kind": "source_limit", "first_hour": -1, "last_hour": 5, "value": 1000},
            "小时应在 0–23 之间",
        ),
        (
            {"kind": "source_limit", "first_hour": 9, "last_hour": 5, "value": 1000},
            "结束小时不能早于开始小时",
        ),
        (
            {"kind": "source_limit", "first_hour": 0, "last_hour": 5, "value": -10},
            "出力上限不能为负数",
        ),
        (
            {"kind": "source_limit", "first_hour": 0, "last_hour": 5, "value": 9e9},
            "不能超过热源的供热能力",
        ),
        (
            {"kind": "source_limit", "first_hour": 0, "last_hour": 5, "value": "很多"},
            "请输入数字",
        ),
        (
            {"kind": "supply_temp", "first_hour": 0, "last_hour": 5, "value": 150},
            "供水温度设定应在 25–95 °C 之间",
        ),
        (
            {"kind": "supply_temp", "first_hour": 0, "last_hour": 5, "value": 10},
            "供水温度设定应在 25–95 °C 之间",
        ),
    ],
)
def test_bad_values_get_chinese_errors_and_change_nothing(
    north_plan, client, personas, body, message
):
    client.force_login(personas["dispatch_engineer"])
    target = (
        {"source": HeatSource.objects.get(code="plant").pk}
        if body["kind"] == "source_limit"
        else {"substation": north_plan.company.substations.get().pk}
    )
    response = client.post(reverse("planning:adjust", args=[north_plan.pk]), {**body, **target})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Plan.objects.count() == 1 and PlanAdjustment.objects.count() == 0


def test_unknown_target_or_kind_is_refused(north_plan, client, personas):
    client.force_login(personas["dispatch_engineer"])
    south_station = north_plan.company.__class__.objects.get(code="south").substations.get()
    url = reverse("planning:adjust", args=[north_plan.pk])
    response = client.post(
        url,
        {
            "kind": "supply_temp",
            "substation": south_station.pk,
            "first_hour": 0,
            "last_hour": 1,
            "value": 50,
        },
    )
    assert response.status_code == 400 and "请选择本计划中的一项" in response.content.decode()
    response = client.post(url, {"kind": "delete_everything"}, follow=True)
    assert "未知的调整类型" in response.content.decode()
    assert Plan.objects.count() == 1


def test_stale_forms_get_a_message_never_a_500(north_plan, client, personas):
    client.force_login(personas["dispatch_engineer"])
    plant = HeatSource.objects.get(code="plant")
    body = {
        "kind": "source_limit",
        "source": plant.pk,
        "first_hour": 0,
        "last_hour": 23,
        "value": 2000,
    }
    client.post(reverse("planning:adjust", args=[north_plan.pk]), body)
    v2 = Plan.objects.get(version=2)
    # The first tab still shows v1: adjusting it again is refused and leads to v2.
    response = client.post(reverse("planning:adjust", args=[north_plan.pk]), body, follow=True)
    assert response.redirect_chain[-1][0] == reverse("planning:plan", args=[v2.pk])
    assert "已有更新的版本 v2" in response.content.decode()
    response = client.post(
        reverse("planning:approve", args=[north_plan.pk]), {"confirm": "yes"}, follow=True
    )
    assert "已有更新的版本 v2" in response.content.decode()
    assert Plan.objects.count() == 2
    client.post(reverse("planning:approve", args=[v2.pk]), {"confirm": "yes"})
    response = client.post(
        reverse("planning:approve", args=[v2.pk]), {"confirm": "yes"}, follow=True
    )
    assert response.status_code == 200 and "不能再次批准" in response.content.decode()
    north_plan.refresh_from_db()
    assert north_plan.status == PlanStatus.DRAFT
    # Adjusting the approved (latest) version makes a new draft; v2 stays the day's plan.
    client.post(reverse("planning:adjust", args=[v2.pk]), {**body, "value": 3000})
    v2.refresh_from_db()
    assert v2.status == PlanStatus.APPROVED
    assert Plan.objects.get(version=3).status == PlanStatus.DRAFT


def test_engineer_computes_todays_plan_from_the_index(plan_city, client, personas):
    client.force_login(personas["dispatch_engineer"])
    page = client.get(reverse("planning:index")).content.decode()
    assert 'id="compute-today"' in page
    response = client.post(reverse("planning:compute_today"), follow=True)
    plan = Plan.objects.get()
    assert plan.company == plan_city.north and plan.created_by == personas["dispatch_engineer"]
    assert response.redirect_chain[-1][0] == reverse("planning:plan", args=[plan.pk])
    client.force_login(personas["supervisor"])
    assert 'id="compute-today"' not in client.get(reverse("planning:index")).content.decode()
    assert client.post(reverse("planning:compute_today")).status_code == 403
    assert Plan.objects.count() == 1


def test_admin_computes_a_company_by_code_and_bad_codes_get_a_message(plan_city, client, personas):
    client.force_login(personas["admin"])
    response = client.post(reverse("planning:compute_today"), {"company": "nope"}, follow=True)
    assert "请填写正确的热力公司代码" in response.content.decode() and Plan.objects.count() == 0
    client.post(reverse("planning:compute_today"), {"company": "south"})
    assert Plan.objects.get().company == plan_city.south
    client.force_login(personas["dispatch_engineer"])  # cannot compute another company's plan
    response = client.post(reverse("planning:compute_today"), {"company": "south"}, follow=True)
    assert "请填写正确的热力公司代码" in response.content.decode() and Plan.objects.count() == 1


def test_console_queries_do_not_grow_with_the_network(plan_city, client, personas):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from wennuan.registry.choices import Terminal
    from wennuan.registry.models import NetworkJunction, Substation

    from ..conftest import make_community  # noqa: TID252

    north = plan_city.north
    client.force_login(personas["dispatch_engineer"])

    def queries():
        plan = compute_company_plan(north, PLAN_DAY, weather_for(PLAN_DAY, -1.0), now=NOW)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("planning:plan", args=[plan.pk])).status_code == 200
        return len(captured)

    small = queries()
    first = Substation.objects.get(code="N-S001")
    for i in range(3):
        station = Substation.objects.create(
            code=f"N-X{i}",
            name=f"北加{i}站",
            company=north,
            source=first.source,
            latitude=35.2,
            longitude=115.4,
            design_load_kw=2000,
            terminal=Terminal.RADIATOR,
            junction=NetworkJunction.objects.get(company=north, code="J1"),
        )
        make_community(f"北加{i}小区", north, station, first.communities.first().manager)
    assert queries() == small


def test_company_without_a_network_model_still_gets_its_console(plan_city, client, personas):
    plan = compute_company_plan(plan_city.south, PLAN_DAY, weather_for(PLAN_DAY, -1.0), now=NOW)
    client.force_login(personas["supervisor"])
    page = client.get(reverse("planning:plan", args=[plan.pk])).content.decode()
    network = _figure(page, "network")
    assert [t["name"] for t in network["data"]] == ["换热站（未接入管网模型）"]
    assert "南一站" in page and page.count('class="substation-row"') == 1


def test_network_map_labels_each_source_once_on_free_sides():
    labels, positions = source_labels(
        [
            ("一号热电厂", 115.400, 35.200),
            ("一号热电厂", 115.420, 35.210),  # its second connection: no second label
            ("东郊锅炉房", 115.405, 35.203),  # 500 m away: another side
            ("南郊锅炉房", 115.401, 35.199),  # a third one close by: a third side
            ("西郊锅炉房", 115.300, 35.100),  # far away: above, as usual
        ]
    )
    assert labels == ["一号热电厂", "", "东郊锅炉房", "南郊锅炉房", "西郊锅炉房"]
    assert positions[0] == "top center" and positions[4] == "top center"
    assert len({positions[0], positions[2], positions[3]}) == 3

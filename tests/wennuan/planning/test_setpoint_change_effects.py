"""A set-point change shows all its effects before it is approved and is not lost afterwards
(issue 16 item 8): rooms above the overheating limit are flagged, the version comparison lists
every source whose output or outlet temperature moved (an idle boiler started), recomputing the
day keeps the approved adjustments, and approving goes through a confirmation step."""

import re

import pytest
from django.urls import reverse

from wennuan.planning.choices import AdjustmentKind, PlanStatus, PlanTrigger
from wennuan.planning.engine import compute_company_plan, compute_plans, rerun_plan
from wennuan.planning.models import Plan, PlanSource
from wennuan.registry.models import HeatSource

from .conftest import NOW, PLAN_DAY, weather_for
from .test_source_arrangement import two_sources  # noqa: F401 (fixture)

MILD_C = 5.0


def _section(page: str, section_id: str) -> str:
    found = re.search(rf'<section class="card" id="{section_id}">(.*?)</section>', page, re.S)
    assert found, f"the page has a #{section_id} section"
    return found.group(1)


def _adjust(client, plan, data) -> Plan:
    response = client.post(reverse("planning:adjust", args=[plan.pk]), data, follow=True)
    assert response.status_code == 200
    return Plan.objects.filter(company=plan.company, date=plan.date).order_by("-version").first()


def test_a_raise_on_a_mild_day_warns_of_overheated_rooms(plan_city, client, personas):
    north = plan_city.north
    station = north.substations.get()
    base = compute_company_plan(north, PLAN_DAY, weather_for(PLAN_DAY, MILD_C), now=NOW)
    assert not any("过热" in w for w in base.warnings)
    client.force_login(personas["dispatch_engineer"])
    new = _adjust(
        client,
        base,
        {
            "kind": "supply_temp",
            "substation": station.pk,
            "first_hour": 0,
            "last_hour": 23,
            "value": 75,
            "reason": "试提高",
        },
    )
    assert new.version == 2
    warmest = max(max(r.predicted_indoor_c) for r in new.community_results.all())
    assert warmest > 24.0
    assert any("预测室温超过 24 °C" in w and "剑桥学府" in w for w in new.warnings)
    page = client.get(reverse("planning:plan", args=[new.pk])).content.decode()
    effect = _section(page, "setpoint-effect")
    assert "过热" in effect and 'class="num bad overheated"' in effect


def test_the_comparison_shows_an_idle_boiler_started_and_the_plants_outlet(
    two_sources,  # noqa: F811
    client,
    personas,
):
    north = two_sources.north
    station = north.substations.get()
    plant = HeatSource.objects.get(code="plant")
    boiler = HeatSource.objects.get(code="north-boiler")
    base = compute_company_plan(north, PLAN_DAY, weather_for(PLAN_DAY, -2.0), now=NOW)
    peak_kw = max(PlanSource.objects.get(plan=base, source=plant).heat_kw)
    limited = rerun_plan(
        base,
        adjustment={
            "kind": AdjustmentKind.SOURCE_LIMIT,
            "source_id": plant.id,
            "value": round(peak_kw * 1.01),
            "reason": "机组限出力",
        },
        now=NOW,
    )
    assert PlanSource.objects.get(plan=limited, source=boiler).total_heat_kwh < 1.0
    client.force_login(personas["dispatch_engineer"])
    raised = _adjust(
        client,
        limited,
        {
            "kind": "supply_temp",
            "substation": station.pk,
            "first_hour": 0,
            "last_hour": 23,
            "value": 72,
            "reason": "剑桥学府室温偏低",
        },
    )
    assert PlanSource.objects.get(plan=raised, source=boiler).total_heat_kwh > 1000
    page = client.get(reverse("planning:plan", args=[raised.pk])).content.decode()
    changes = _section(page, "source-changes")
    rows = dict(re.findall(r'data-source="([^"]+)">(.*?)</tr>', changes, re.S))
    assert "启动（原停运）" in rows["north-boiler"] and "停运" in rows["north-boiler"]
    assert "plant" in rows  # the plant's output moved too
    sources = _section(page, "sources")
    assert "北城锅炉房" in sources


def test_recomputing_the_day_keeps_the_approved_adjustment(plan_city, client, personas):
    north = plan_city.north
    station = north.substations.get()
    base = compute_company_plan(north, PLAN_DAY, weather_for(PLAN_DAY, -2.0), now=NOW)
    raised = rerun_plan(
        base,
        adjustment={
            "kind": AdjustmentKind.SUPPLY_TEMP,
            "substation_id": station.id,
            "first_hour": 0,
            "last_hour": 23,
            "value": 72.0,
            "reason": "剑桥学府室温偏低",
        },
        now=NOW,
    )
    client.force_login(personas["dispatch_engineer"])
    client.post(reverse("planning:approve", args=[raised.pk]), {"confirm": "yes"})
    raised.refresh_from_db()
    assert raised.status == PlanStatus.APPROVED

    (again,) = compute_plans(
        PLAN_DAY, companies=[north], weather=weather_for(PLAN_DAY, -2.0), now=NOW
    )
    assert again.version == 3
    adjustment = again.adjustments.get()
    assert (adjustment.kind, adjustment.value, adjustment.reason) == (
        AdjustmentKind.SUPPLY_TEMP,
        72.0,
        "剑桥学府室温偏低",
    )
    assert max(again.substation_results.get().supply_temp_c) == pytest.approx(72.0)
    assert "沿用已批准的 v2 的 1 项调整" in again.inputs["note"]
    page = client.get(reverse("planning:plan", args=[again.pk])).content.decode()
    assert "沿用已批准的 v2 的 1 项调整" in page and "剑桥学府室温偏低" in page


def test_approval_needs_a_confirmation_showing_what_changes(plan_city, client, personas):
    north = plan_city.north
    station = north.substations.get()
    base = compute_plans(
        PLAN_DAY,
        companies=[north],
        weather=weather_for(PLAN_DAY, MILD_C),
        now=NOW,
        trigger=PlanTrigger.CONSOLE,
    )[0]
    client.force_login(personas["dispatch_engineer"])
    client.post(reverse("planning:approve", args=[base.pk]), {"confirm": "yes"})
    raised = _adjust(
        client,
        base,
        {
            "kind": "supply_temp",
            "substation": station.pk,
            "first_hour": 0,
            "last_hour": 23,
            "value": 75,
            "reason": "试提高",
        },
    )
    # The console's button leads to the confirmation step; a POST without it changes nothing.
    console = client.get(reverse("planning:plan", args=[raised.pk])).content.decode()
    assert re.search(r'<form method="get" action="[^"]*/approve/"', console)
    response = client.post(reverse("planning:approve", args=[raised.pk]))
    raised.refresh_from_db()
    assert raised.status == PlanStatus.DRAFT
    page = response.content.decode()
    assert response.status_code == 200 and "确认批准" in page
    assert "取代 v1" in page and "试提高" in page
    assert 'id="overheat-warning"' in page and "剑桥学府" in page
    assert 'id="source-changes-table"' in page and "测试热电厂" in page
    assert re.search(r'id="confirm-peak-mw">[\d.]+ MW', page)

    response = client.post(
        reverse("planning:approve", args=[raised.pk]), {"confirm": "yes"}, follow=True
    )
    raised.refresh_from_db()
    base.refresh_from_db()
    assert raised.status == PlanStatus.APPROVED and base.status == PlanStatus.SUPERSEDED
    assert "已批准 v2" in response.content.decode()

"""`wennuan plan` and GET /api/v1/plans/{date}: the design §8 contract, errors, scoping,
approval and immutability, proactive orders without duplicates."""

import io
import json
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from wennuan.api.models import ApiClient
from wennuan.planning.actions import approve_plan
from wennuan.planning.choices import AdjustmentKind, PlanStatus
from wennuan.planning.engine import compute_company_plan, rerun_plan
from wennuan.planning.models import Plan, PlanAdjustment, PlanImmutableError, WeatherSeries
from wennuan.planning.proactive import open_proactive_orders
from wennuan.registry.models import NetworkPipe
from wennuan.workorders.choices import Channel
from wennuan.workorders.models import WorkOrder

from .conftest import NOW, PLAN_DAY, weather_for

DAY = PLAN_DAY.isoformat()


def weather_csv(tmp_path, temp_c=-3.0, hours=range(24), extra="") -> Path:
    lines = ["timestamp,outdoor_temp_c"]
    lines += [f"{DAY} {h:02d}:00,{temp_c}" for h in hours]
    path = tmp_path / "weather.csv"
    path.write_text("\n".join(lines) + extra + "\n", encoding="utf-8")
    return path


def run_plan(*args) -> str:
    out = io.StringIO()
    call_command("plan", *args, stdout=out)
    return out.getvalue()


def test_plan_json_has_the_design_shape_and_equals_the_api(plan_city, tmp_path, client, personas):
    text = run_plan("--date", DAY, "--weather-csv", str(weather_csv(tmp_path)), "--json")
    payload = json.loads(text)
    assert payload["date"] == DAY
    assert [c["company"] for c in payload["companies"]] == ["北城热力有限公司", "南城热力有限公司"]
    company = payload["companies"][0]
    assert {s["name"] for s in company["sources"]} == {"测试热电厂"}
    assert len(company["sources"][0]["heat_kw"]) == 24
    station = company["substations"][0]
    assert station["name"] == "北一站"
    for key in ("heat_kw", "supply_temp_c", "return_temp_c", "dp_margin_bar"):
        assert len(station[key]) == 24
    assert {c["name"] for c in company["communities"]} == {"剑桥学府", "金盾小区"}
    assert all(
        len(c["predicted_indoor_c"]) == 24 and c["at_risk"] is False for c in company["communities"]
    )
    # Exactly the design §8 keys.
    assert set(payload) == {"date", "companies"}
    assert set(company) == {"company", "sources", "substations", "communities"}
    assert set(company["sources"][0]) == {"name", "heat_kw"}
    assert set(station) == {"name", "heat_kw", "supply_temp_c", "return_temp_c", "dp_margin_bar"}
    assert set(company["communities"][0]) == {"name", "predicted_indoor_c", "at_risk"}

    client.force_login(personas["supervisor"])
    response = client.get(f"/api/v1/plans/{DAY}")
    assert response.status_code == 200
    assert response.json() == payload
    detailed = client.get(f"/api/v1/plans/{DAY}?details=1").json()["companies"][0]["plan"]
    assert detailed["version"] == 1 and detailed["status"] == "draft"
    assert detailed["weather_provider"] == "csv" and detailed["outdoor_temp_c"] == [-3.0] * 24
    assert detailed["lift_bar"] == Plan.objects.get(company__code="north").inputs["lift_bar"] > 0
    assert 0 < detailed["design_lift_bar"] <= detailed["lift_bar"]


def test_api_is_scoped_by_company(plan_city, client, personas):
    weather = weather_for(PLAN_DAY, -1.0)
    for company in (plan_city.north, plan_city.south):
        compute_company_plan(company, PLAN_DAY, weather, now=NOW)
    client.force_login(personas["dispatch_engineer"])  # north
    names = [c["company"] for c in client.get(f"/api/v1/plans/{DAY}").json()["companies"]]
    assert names == ["北城热力有限公司"]
    assert client.get(f"/api/v1/plans/{DAY}?company=south").status_code == 404
    client.force_login(personas["south_dispatcher"])
    names = [c["company"] for c in client.get(f"/api/v1/plans/{DAY}").json()["companies"]]
    assert names == ["南城热力有限公司"]
    client.force_login(personas["supervisor"])
    assert len(client.get(f"/api/v1/plans/{DAY}").json()["companies"]) == 2
    assert len(client.get(f"/api/v1/plans/{DAY}?company=south").json()["companies"]) == 1
    client.force_login(personas["outsider"])
    assert client.get(f"/api/v1/plans/{DAY}").status_code == 403
    client.logout()
    assert client.get(f"/api/v1/plans/{DAY}").status_code == 401
    _client, token = ApiClient.issue("12345 平台")
    response = client.get(f"/api/v1/plans/{DAY}", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200 and len(response.json()["companies"]) == 2


def test_api_errors(plan_city, client, personas):
    client.force_login(personas["supervisor"])
    response = client.get("/api/v1/plans/2026-13-01")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "date"
    assert client.get(f"/api/v1/plans/{DAY}").status_code == 404  # nothing computed yet


def test_command_errors_are_clear_and_store_nothing(plan_city, tmp_path):
    with pytest.raises(CommandError, match="未知的热力公司"):
        run_plan("--date", DAY, "--company", "nowhere")
    with pytest.raises(CommandError, match="日期"):
        run_plan("--date", "15/12/2026")
    bad = weather_csv(tmp_path, extra=f"\n{DAY} 24:00,1\n{DAY} 05:00,abc")
    with pytest.raises(CommandError) as info:
        run_plan("--date", DAY, "--weather-csv", str(bad))
    assert "第 26 行" in str(info.value) and "第 27 行" in str(info.value)
    short = weather_csv(tmp_path, hours=range(12))
    with pytest.raises(CommandError, match="24 个小时"):
        run_plan("--date", DAY, "--weather-csv", str(short))
    with pytest.raises(CommandError, match="找不到"):
        run_plan("--date", DAY, "--weather-csv", str(tmp_path / "missing.csv"))
    assert Plan.objects.count() == 0 and WeatherSeries.objects.count() == 0


def test_command_by_company_short_name_prints_a_summary(plan_city, tmp_path):
    out = run_plan(
        "--date", DAY, "--company", "南城热力", "--weather-csv", str(weather_csv(tmp_path))
    )
    assert "南城热力" in out and "第 1 版" in out
    assert list(Plan.objects.values_list("company__code", flat=True)) == ["south"]


def test_command_prints_what_the_engineer_must_act_on(plan_city, tmp_path):
    """An outsider's 6 a.m. run: the summary said "流量不足换热站 0 个" and nothing of the pump
    lift raised for the day, which only the plan page showed."""
    NetworkPipe.objects.filter(company=plan_city.north).update(inner_diameter_m=0.12)
    csv_path = weather_csv(tmp_path, temp_c=-16.0)
    out = run_plan("--date", DAY, "--company", "north", "--weather-csv", str(csv_path))
    plan = Plan.objects.get(company__code="north")
    raised = [w for w in plan.warnings if "提高到" in w]
    assert raised and f"  ! {raised[0]}" in out


def test_approved_plan_cannot_change_without_a_new_version(plan_city, personas):
    north = plan_city.north
    draft = compute_company_plan(north, PLAN_DAY, weather_for(PLAN_DAY, -1.0), now=NOW)
    with pytest.raises(PermissionDenied):  # a south dispatcher may not approve north's plan
        approve_plan(draft, personas["south_dispatcher"])
    approved = approve_plan(draft, personas["dispatch_engineer"], now=NOW)
    assert (
        approved.status == PlanStatus.APPROVED
        and approved.approved_by == personas["dispatch_engineer"]
    )
    approved.comment = "改一下"
    with pytest.raises(PlanImmutableError):
        approved.save()
    with pytest.raises(PlanImmutableError):
        approve_plan(approved, personas["dispatch_engineer"])
    assert Plan.objects.get(pk=approved.pk).comment == ""
    # Changing means a new version; approving it supersedes the old one.
    station = north.substations.get()
    new = rerun_plan(
        approved,
        adjustment={"kind": AdjustmentKind.SUPPLY_TEMP, "substation_id": station.id, "value": 60.0},
        now=NOW,
    )
    assert (new.version, new.status, new.based_on_id) == (2, PlanStatus.DRAFT, approved.pk)
    assert PlanAdjustment.objects.filter(plan=approved).count() == 0
    approve_plan(new, personas["dispatch_engineer"], now=NOW)
    statuses = dict(Plan.objects.values_list("version", "status"))
    assert statuses == {1: PlanStatus.SUPERSEDED, 2: PlanStatus.APPROVED}


def test_proactive_orders_are_not_duplicated_on_reruns(plan_city):
    north = plan_city.north
    first = compute_company_plan(north, PLAN_DAY, weather_for(PLAN_DAY, -4.0), now=NOW)
    plant = first.source_results.get().source
    cut = rerun_plan(
        first,
        adjustment={"kind": AdjustmentKind.SOURCE_LIMIT, "source_id": plant.id, "value": 1000.0},
        now=NOW,
    )
    open_proactive_orders(cut, now=NOW)
    orders = WorkOrder.objects.filter(channel=Channel.PROACTIVE)
    assert orders.count() == 2
    assert {o.community.name for o in orders} == {"剑桥学府", "金盾小区"}
    assert all(o.company == north and "未诉先办" in o.text for o in orders)
    again = rerun_plan(cut, now=NOW)  # same adjustments, still cold
    assert again.at_risk_count == 2
    assert open_proactive_orders(again, now=NOW) == []  # linked to the open ones
    assert WorkOrder.objects.filter(channel=Channel.PROACTIVE).count() == 2
    linked = {row.proactive_order_id for row in again.community_results.all()}
    assert linked == set(orders.values_list("id", flat=True))


def test_a_company_that_cannot_be_planned_stops_the_whole_run(plan_city, tmp_path):
    from wennuan.registry.models import HeatingCompany

    HeatingCompany.objects.create(code="east", legal_name="东城热力有限公司", short_name="东城热力")
    with pytest.raises(CommandError, match="东城热力 没有登记换热站"):
        run_plan("--date", DAY, "--weather-csv", str(weather_csv(tmp_path)))
    assert Plan.objects.count() == 0 and WeatherSeries.objects.count() == 0

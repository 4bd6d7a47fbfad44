"""Issue 16.5: "16,5" and full-width "１６．５" are numbers in every set-point and temperature
field: the plan's adjustments, the operator's 反映室温, the admin (one field class,
wennuan.lib.forms.UserNumberField)."""

import pytest
from django.urls import reverse

from wennuan.lib.forms import UserNumberField
from wennuan.planning.engine import compute_company_plan
from wennuan.planning.models import Plan, PlanSubstation
from wennuan.registry.models import City
from wennuan.workorders.models import WorkOrder

from .conftest import NOW, PLAN_DAY, weather_for


@pytest.mark.parametrize(
    ("typed", "number"), [("16,5", 16.5), ("１６．５", 16.5), ("16，5", 16.5), ("-4,9", -4.9)]
)
def test_the_field_reads_what_people_type(typed, number):
    assert UserNumberField().clean(typed) == number


def test_the_field_names_a_non_number_in_chinese():
    with pytest.raises(Exception, match="请填写数字"):
        UserNumberField().clean("很多")


def test_a_setpoint_with_a_decimal_comma(plan_city, client, personas):
    plan = compute_company_plan(plan_city.north, PLAN_DAY, weather_for(PLAN_DAY, -4.0), now=NOW)
    client.force_login(personas["dispatch_engineer"])
    station = plan.company.substations.get()
    response = client.post(
        reverse("planning:adjust", args=[plan.pk]),
        {
            "kind": "supply_temp",
            "substation": station.pk,
            "first_hour": 0,
            "last_hour": 23,
            "value": "５５，５",
        },  # fmt: skip
    )
    assert response.status_code == 302
    new = Plan.objects.get(version=2)
    assert PlanSubstation.objects.get(plan=new).supply_temp_c == [55.5] * 24


def test_the_operators_stated_temperature_with_a_decimal_comma(client, personas, season):
    client.force_login(personas["operator"])
    response = client.post(
        "/console/orders/new/",
        {
            "text": "剑桥学府3号楼2单元502暖气不热",
            "phone": "13953015555",
            "community": "剑桥学府",
            "channel": "12319",
            "stated_temp_c": "16,5",
        },  # fmt: skip
    )
    assert response.status_code == 302
    assert WorkOrder.objects.get().stated_temp_c == 16.5


def test_the_admin_reads_a_decimal_comma(admin_client, small_city):
    city = City.objects.get()
    page = admin_client.get(reverse("admin:registry_city_change", args=[city.pk]))
    form = page.context["adminform"].form
    assert isinstance(form.fields["design_outdoor_temp_c"], UserNumberField)
    assert form.fields["design_outdoor_temp_c"].clean("-5,2") == -5.2

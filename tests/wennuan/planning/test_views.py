"""The staff list of plans: company scoping, outsider refused, anonymous redirected."""

from django.urls import reverse

from wennuan.planning.engine import compute_company_plan

from .conftest import NOW, PLAN_DAY, weather_for


def test_plan_list_is_scoped_by_company(plan_city, client, personas):
    weather = weather_for(PLAN_DAY, -1.0)
    for company in (plan_city.north, plan_city.south):
        compute_company_plan(company, PLAN_DAY, weather, now=NOW)
    url = reverse("planning:index")
    client.force_login(personas["dispatch_engineer"])
    page = client.get(url).content.decode()
    assert page.count('class="plan-row"') == 1 and "北城热力" in page and "南城热力" not in page
    client.force_login(personas["supervisor"])
    page = client.get(url).content.decode()
    assert page.count('class="plan-row"') == 2 and "2026-12-15" in page
    client.force_login(personas["outsider"])
    assert client.get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302

"""Readiness pages: companies see and update only their own items; the bureau sees all."""

import datetime as dt

import pytest
from django.utils import timezone

from wennuan.readiness.models import FuelStockReport, ReadinessItem, TrainingSession

from ..conftest import PASSWORD  # noqa: TID252


@pytest.fixture(autouse=True)
def before_the_season(time_machine):
    time_machine.move_to(timezone.make_aware(dt.datetime(2026, 11, 5, 10, 0)))


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def north_item(small_city, task="water_filling"):
    return ReadinessItem.objects.get(substation__code="N-S001", task=task)


def south_item(small_city, task="water_filling"):
    return ReadinessItem.objects.get(substation__code="S-S001", task=task)


def test_company_user_updates_own_item(client, personas, checklist, small_city):
    login(client, personas["dispatch_engineer"])
    item = north_item(small_city)
    response = client.post(
        f"/console/readiness/items/{item.pk}/", {"done_on": "2026-10-24", "notes": "已上水，无渗漏"}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.done_on == dt.date(2026, 10, 24)
    assert item.notes == "已上水，无渗漏"
    assert item.updated_by == personas["dispatch_engineer"]
    page = client.get(response["Location"]).content.decode()
    assert "10月24日 完成" in page


@pytest.mark.parametrize(
    "done_on, message",
    [
        ("2026-11-20", "完成日期不能晚于今天"),
        ("2025-01-01", "请核对年份"),
        ("明天", "有效的日期"),
    ],
)
def test_bad_dates_are_refused_and_change_nothing(
    client, personas, checklist, small_city, done_on, message
):
    login(client, personas["dispatcher"])
    item = north_item(small_city)
    response = client.post(f"/console/readiness/items/{item.pk}/", {"done_on": done_on})
    assert response.status_code == 400
    assert message in response.content.decode()
    item.refresh_from_db()
    assert item.done_on is None and item.updated_by is None


def test_company_cannot_see_or_update_another_companys_items(
    client, personas, checklist, small_city
):
    login(client, personas["dispatch_engineer"])
    other = south_item(small_city)
    assert client.get(f"/console/readiness/items/{other.pk}/").status_code == 404
    response = client.post(f"/console/readiness/items/{other.pk}/", {"done_on": "2026-11-01"})
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.done_on is None
    assert client.get("/console/readiness/companies/south/").status_code == 403
    page = client.get("/console/readiness/companies/north/").content.decode()
    assert "北一站" in page and "南一站" not in page


def test_company_user_lands_on_own_checklist(client, personas, checklist):
    login(client, personas["technician"])
    response = client.get("/console/readiness/")
    assert response.status_code == 302
    assert response["Location"].startswith("/console/readiness/companies/north/")


def test_bureau_sees_every_company_and_late_items(client, personas, checklist, small_city):
    ReadinessItem.objects.filter(company=small_city.north, task="inspection").update(
        done_on=dt.date(2026, 10, 12)
    )
    login(client, personas["supervisor"])
    page = client.get("/console/readiness/").content.decode()
    assert "北城热力" in page and "南城热力" in page
    assert page.count('class="company-progress"') == 2
    # On 11-05 inspection (due 10-16), filling (10-26) and pressure test (10-31) are past due.
    # south: its substation, nothing done → 3; north: substation and plant, inspection done → 4
    assert page.count('class="late-item"') == 3 + 4
    south_page = client.get("/console/readiness/companies/south/").content.decode()
    assert "南一站" in south_page
    assert "更新" not in south_page  # the bureau reads, the company reports


def test_bureau_cannot_update_company_items(client, personas, checklist, small_city):
    login(client, personas["supervisor"])
    item = north_item(small_city)
    assert (
        client.post(f"/console/readiness/items/{item.pk}/", {"done_on": "2026-11-01"}).status_code
        == 403
    )
    item.refresh_from_db()
    assert item.done_on is None


def test_generate_is_for_the_bureau(client, personas, coming_season):
    login(client, personas["dispatcher"])
    assert (
        client.post("/console/readiness/generate/", {"season": coming_season.pk}).status_code == 403
    )
    assert not ReadinessItem.objects.exists()
    client.logout()
    login(client, personas["supervisor"])
    response = client.post("/console/readiness/generate/", {"season": coming_season.pk})
    assert response.status_code == 302
    assert ReadinessItem.objects.filter(season=coming_season).count() == 12


def test_outsider_and_anonymous(client, personas, checklist, small_city):
    item = north_item(small_city)
    urls = [
        "/console/readiness/",
        "/console/readiness/companies/north/",
        f"/console/readiness/items/{item.pk}/",
        "/console/readiness/fuel/new/",
        "/console/readiness/training/new/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/console/login/" in response["Location"], url
    login(client, personas["outsider"])
    for url in urls:
        assert client.get(url).status_code == 403, url
    assert client.post("/console/readiness/generate/").status_code == 403


def test_fuel_stock_report(client, personas, checklist, small_city):
    from wennuan.registry.models import HeatSource

    plant = HeatSource.objects.get()
    login(client, personas["dispatch_engineer"])
    bad = client.post(
        "/console/readiness/fuel/new/",
        {
            "season": checklist.pk,
            "source": plant.pk,
            "reported_on": "2026-11-05",
            "stock_days": "-3",
        },
    )
    assert bad.status_code == 400 and "0 到 365" in bad.content.decode()
    good = client.post(
        "/console/readiness/fuel/new/",
        {
            "season": checklist.pk,
            "source": plant.pk,
            "reported_on": "2026-11-05",
            "stock_days": "18.5",
        },
    )
    assert good.status_code == 302
    assert FuelStockReport.objects.get().stock_days == 18.5
    # the south company does not report for the plant (north is its main customer)
    client.logout()
    login(client, personas["south_dispatcher"])
    response = client.post(
        "/console/readiness/fuel/new/",
        {
            "season": checklist.pk,
            "source": plant.pk,
            "reported_on": "2026-11-05",
            "stock_days": "10",
        },
    )
    assert response.status_code == 400
    assert FuelStockReport.objects.count() == 1


def test_training_session(client, personas, checklist):
    login(client, personas["dispatcher"])
    response = client.post(
        "/console/readiness/training/new/",
        {
            "season": checklist.pk,
            "held_on": "2026-10-20",
            "topic": "热线接听规范",
            "attendees": "24",
        },
    )
    assert response.status_code == 302
    session = TrainingSession.objects.get()
    assert (session.company.code, session.attendees) == ("north", 24)
    bad = client.post(
        "/console/readiness/training/new/",
        {"season": checklist.pk, "held_on": "2026-10-20", "topic": "x", "attendees": "0"},
    )
    assert bad.status_code == 400
    assert TrainingSession.objects.count() == 1
    client.logout()
    login(client, personas["supervisor"])
    assert client.get("/console/readiness/training/new/").status_code == 403


# Permission matrix: (persona, sees the overview, may open north's page, may open south's page,
# may update a north item)
MATRIX = [
    ("supervisor", True, True, True, False),
    ("admin", True, True, True, False),
    ("bureau_operator", True, True, True, False),
    ("operator", False, True, False, False),
    ("dispatcher", False, True, False, True),
    ("technician", False, True, False, True),
    ("community_manager", False, True, False, True),
    ("dispatch_engineer", False, True, False, True),
    ("south_dispatcher", False, False, True, False),
]


@pytest.mark.parametrize("persona, overview, north, south, update", MATRIX)
def test_permission_matrix(
    client, personas, checklist, small_city, persona, overview, north, south, update
):
    login(client, personas[persona])
    response = client.get("/console/readiness/")
    assert response.status_code == (200 if overview else 302)
    for code, allowed in (("north", north), ("south", south)):
        status = client.get(f"/console/readiness/companies/{code}/").status_code
        assert status == (200 if allowed else 403), (code, status)
    item = north_item(small_city)
    response = client.post(f"/console/readiness/items/{item.pk}/", {"done_on": "2026-11-01"})
    expected = 302 if update else (403 if north else 404)
    assert response.status_code == expected
    item.refresh_from_db()
    assert (item.done_on is not None) == update

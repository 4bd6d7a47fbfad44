"""GET /healthz for monitoring (issue 17): JSON, 200 ok/degraded, 503 down, no login."""

from datetime import date, timedelta

import pytest
import time_machine
from django.utils import timezone

from wennuan.lib.scheduling import record_worker_pass
from wennuan.registry.models import HeatingSeason

pytestmark = pytest.mark.django_db

NOON = timezone.make_aware(timezone.datetime(2026, 12, 3, 12, 0))


def get(client):
    response = client.get("/healthz")
    assert response["Content-Type"] == "application/json"
    return response.status_code, response.json()


@time_machine.travel(NOON, tick=False)
def test_ok_when_the_worker_has_just_passed(client):
    record_worker_pass(NOON - timedelta(seconds=30))
    status, body = get(client)
    assert status == 200
    assert body["status"] == "ok"
    assert body["checks"]["database"] == {"status": "ok"}
    assert body["checks"]["migrations"] == {"status": "ok", "pending": 0}
    assert body["checks"]["worker"] == {"status": "ok", "last_pass_age_s": 30.0, "threshold_s": 300}


@time_machine.travel(NOON, tick=False)
def test_down_with_503_when_the_worker_is_stopped_past_its_threshold(client):
    status, body = get(client)  # never passed
    assert (status, body["status"], body["checks"]["worker"]["last_pass_age_s"]) == (
        503,
        "down",
        None,
    )
    record_worker_pass(NOON - timedelta(seconds=301))
    status, body = get(client)
    assert (status, body["status"]) == (503, "down")
    assert body["checks"]["worker"]["last_pass_age_s"] == 301.0


@time_machine.travel(NOON, tick=False)
def test_degraded_but_200_when_no_plan_was_made_in_the_heating_season(client):
    record_worker_pass(NOON)
    HeatingSeason.objects.create(
        name="2026-2027",
        start_date=date(2026, 11, 15),
        end_date=date(2027, 3, 15),
        residential_tariff_yuan_m2="22.00",
        non_residential_tariff_yuan_m2="30.00",
        base_fee_share="0.30",
    )
    status, body = get(client)
    assert (status, body["status"]) == (200, "degraded")
    assert body["checks"]["plan"] == {
        "status": "degraded",
        "last_plan_age_h": None,
        "threshold_h": 30,
        "in_season": True,
    }


def test_reveals_no_secrets_and_needs_no_login(client, settings):
    text = client.get("/healthz").content.decode()
    assert settings.SECRET_KEY not in text
    assert str(settings.DATABASES["default"]["NAME"]) not in text
    assert "password" not in text.lower()


def test_down_when_the_database_is_unreachable(client, monkeypatch):
    from wennuan.operations import health

    def unreachable():
        return health.Check(health.DOWN, {"error": "OperationalError"})

    monkeypatch.setattr(health, "check_database", unreachable)
    status, body = get(client)
    assert (status, body) == (
        503,
        {"status": "down", "checks": {"database": {"status": "down", "error": "OperationalError"}}},
    )

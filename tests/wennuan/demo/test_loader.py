"""`wennuan demo --no-serve` loads the whole demo city (design §8)."""

import os
import sqlite3
import subprocess
import sys

import pytest
from django.core.management import call_command

from wennuan.registry.models import (
    Community,
    HeatingCompany,
    HeatSource,
    NetworkJunction,
    NetworkPipe,
    ServiceLine,
    Substation,
)
from wennuan.staff.choices import Role
from wennuan.staff.models import StaffProfile


@pytest.fixture
def demo_loaded(db, demo_register_csv):
    call_command("load_demo", register_csv=str(demo_register_csv))


def test_demo_city_holds_the_register_file_and_enough_communities(demo_loaded, demo_register_csv):
    assert Community.objects.count() >= 500
    assert Substation.objects.count() >= 120
    assert set(HeatingCompany.objects.values_list("legal_name", flat=True)) == {
        "菏泽永恒热力有限公司",
        "菏泽民生热力有限公司",
        "菏泽吉源热力有限公司",
    }
    for company in HeatingCompany.objects.all():
        assert NetworkPipe.objects.filter(company=company).count() > 10
        assert NetworkJunction.objects.filter(company=company, substations__isnull=False).exists()
        assert company.primary_service_line() is not None
    剑桥 = Community.objects.get(name="剑桥学府")
    assert 剑桥.company.legal_name == "菏泽永恒热力有限公司"
    assert 剑桥.manager and len(剑桥.manager.phone) == 11
    assert Community.objects.filter(manager__isnull=True).count() == 0
    assert ServiceLine.objects.filter(owner="bureau", number="12319").count() == 6
    shared_sources = [s for s in HeatSource.objects.all() if s.companies.count() == 2]
    assert len(shared_sources) == 1


def test_demo_has_a_persona_for_every_role(demo_loaded):
    roles = set(StaffProfile.objects.values_list("role", flat=True))
    assert roles == set(Role.values)
    for role in (Role.COMPANY_DISPATCHER, Role.TECHNICIAN, Role.DISPATCH_ENGINEER):
        assert StaffProfile.objects.filter(role=role).values("company").distinct().count() == 3


def test_loading_twice_keeps_one_city(demo_loaded, demo_register_csv):
    count = Community.objects.count()
    call_command("load_demo", register_csv=str(demo_register_csv))
    assert Community.objects.count() == count


def test_wennuan_demo_no_serve_on_a_fresh_database(tmp_path):
    env = {
        **os.environ,
        "WENNUAN_DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        # A user's clone: no shared data folder beside it (issue 17). The register ships.
        "WENNUAN_SHARED_DATA": str(tmp_path / "no-shared-data"),
    }
    env.pop("SECRET_KEY", None)  # the demo makes and keeps its own key
    result = subprocess.run(
        [sys.executable, "-m", "wennuan.cli", "demo", "--no-serve"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "supervisor" in result.stdout and "yongheng-dispatcher" in result.stdout
    with sqlite3.connect(tmp_path / "demo.sqlite3") as connection:
        (count,) = connection.execute("select count(*) from registry_community").fetchone()
    assert count >= 500
    assert (tmp_path / "secret_key").exists()

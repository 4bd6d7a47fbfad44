"""A small city of two companies and a persona for every role (design §2)."""

from dataclasses import dataclass

import pytest

from wennuan.registry.choices import LineOwner, Terminal
from wennuan.registry.models import (
    City,
    Community,
    HeatingCompany,
    HeatSource,
    Manager,
    ServiceLine,
    Substation,
)
from wennuan.staff.choices import Role
from wennuan.staff.models import StaffProfile
from wennuan.staff.roles import assign_role_group, sync_role_groups

PASSWORD = "persona-password-2026"


@dataclass
class SmallCity:
    north: HeatingCompany
    south: HeatingCompany
    communities: dict[str, Community]


def make_community(name, company, substation, manager, **extra) -> Community:
    values = dict(
        aliases=[],
        district="牡丹区",
        address="中华路1号",
        heated_area_m2=50000,
        households=500,
        buildings=6,
        terminal=Terminal.RADIATOR,
        design_heat_index_w_m2=45,
    )
    values.update(extra)
    return Community.objects.create(
        name=name, company=company, substation=substation, manager=manager, **values
    )


@pytest.fixture
def small_city(db) -> SmallCity:
    City.objects.create(name="测试市", bureau_name="测试市城市管理局")
    north = HeatingCompany.objects.create(
        code="north", legal_name="北城热力有限公司", short_name="北城热力"
    )
    south = HeatingCompany.objects.create(
        code="south", legal_name="南城热力有限公司", short_name="南城热力"
    )
    ServiceLine.objects.create(
        number="05305550001", label="北城热力24小时热线", owner=LineOwner.COMPANY, company=north
    )
    ServiceLine.objects.create(
        number="05305550002", label="南城热力24小时热线", owner=LineOwner.COMPANY, company=south
    )
    for line in range(1, 3):
        ServiceLine.objects.create(
            number="12319", label=f"12319 供热服务热线 {line}号线", owner=LineOwner.BUREAU
        )
    plant = HeatSource.objects.create(
        code="plant", name="测试热电厂", kind="chp", capacity_mw=200, latitude=35.2, longitude=115.4
    )
    plant.companies.set([north, south])
    station_n = Substation.objects.create(
        code="N-S001",
        name="北一站",
        company=north,
        source=plant,
        latitude=35.2,
        longitude=115.4,
        design_load_kw=5000,
        terminal=Terminal.RADIATOR,
    )
    station_s = Substation.objects.create(
        code="S-S001",
        name="南一站",
        company=south,
        source=plant,
        latitude=35.2,
        longitude=115.4,
        design_load_kw=5000,
        terminal=Terminal.RADIATOR,
    )
    manager_n = Manager.objects.create(name="张伟", phone="13853010001", company=north)
    manager_s = Manager.objects.create(name="李娜", phone="13853010002", company=south)
    communities = {
        "剑桥学府": make_community(
            "剑桥学府", north, station_n, manager_n, aliases=["剑桥学府小区", "剑桥"]
        ),
        "金盾小区": make_community("金盾小区", north, station_n, manager_n, aliases=["金盾"]),
        "金鼎小区": make_community("金鼎小区", south, station_s, manager_s),
        "学府名苑": make_community("学府名苑", south, station_s, manager_s, district="定陶区"),
    }
    return SmallCity(north=north, south=south, communities=communities)


def make_user(django_user_model, username, role, company=None):
    user = django_user_model.objects.create_user(username=username, password=PASSWORD)
    StaffProfile.objects.create(user=user, role=role, company=company, display_name=username)
    assign_role_group(user, role)
    return user


@pytest.fixture
def personas(small_city, django_user_model) -> dict:
    """One user per role; company roles in the north company, plus a south dispatcher and an
    outsider (a login with no staff role) who must be refused everywhere."""
    sync_role_groups()
    north = small_city.north
    people = {
        "supervisor": make_user(django_user_model, "supervisor", Role.SUPERVISOR),
        "admin": make_user(django_user_model, "admin", Role.ADMIN),
        "bureau_operator": make_user(django_user_model, "bureau_operator", Role.OPERATOR),
        "operator": make_user(django_user_model, "operator", Role.OPERATOR, north),
        "dispatcher": make_user(django_user_model, "dispatcher", Role.COMPANY_DISPATCHER, north),
        "technician": make_user(django_user_model, "technician", Role.TECHNICIAN, north),
        "community_manager": make_user(
            django_user_model, "community_manager", Role.COMMUNITY_MANAGER, north
        ),
        "dispatch_engineer": make_user(
            django_user_model, "dispatch_engineer", Role.DISPATCH_ENGINEER, north
        ),
        "south_dispatcher": make_user(
            django_user_model, "south_dispatcher", Role.COMPANY_DISPATCHER, small_city.south
        ),
        "outsider": django_user_model.objects.create_user(username="outsider", password=PASSWORD),
    }
    return people


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Personas log in many times; the production hasher is deliberately slow."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def default_language_after_each_test():
    """A request in English activates English for the whole thread (LocaleMiddleware does not
    deactivate it); without this, every later test in the run would see English strings."""
    yield
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def fresh_lookup_caches():
    """Each test's database is rolled back: the process-local lookup caches (register index,
    policies, seasons) must not carry one test's rows into the next."""
    from wennuan.lib import lookups

    lookups.clear()
    yield
    lookups.clear()


def _load_workorder_fixtures():
    """The work-order fixtures (a heating season in progress, ``make_order``, ``good_visit``)
    live beside the work-order tests and serve every app's tests; loaded once, under one
    module name that tests may import (tests are not packages: importlib mode)."""
    import importlib.util
    import sys
    from pathlib import Path

    name = "wennuan_workorder_test_fixtures"
    if name not in sys.modules:
        path = Path(__file__).parent / "workorders" / "fixtures.py"
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


season = _load_workorder_fixtures().season
make_order = _load_workorder_fixtures().make_order

"""Who sees what (design §2): a permission matrix over every staff page, not examples."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from wennuan.registry.models import Community
from wennuan.staff.choices import Role
from wennuan.staff.models import StaffProfile
from wennuan.staff.roles import group_name
from wennuan.staff.scope import Desk, company_scope

pytestmark = pytest.mark.django_db

NORTH = {"剑桥学府", "金盾小区"}
ALL = {"剑桥学府", "金盾小区", "金鼎小区", "学府名苑"}

# persona -> communities the console shows them (None: refused)
CONSOLE_MATRIX = {
    "supervisor": ALL,
    "admin": ALL,
    "bureau_operator": ALL,
    "operator": NORTH,
    "dispatcher": NORTH,
    "technician": NORTH,
    "community_manager": set(),  # its own communities: this login is linked to none
    "dispatch_engineer": NORTH,
    "south_dispatcher": {"金鼎小区", "学府名苑"},
    "outsider": None,
}


@pytest.mark.parametrize("persona", sorted(CONSOLE_MATRIX))
def test_console_shows_each_role_only_its_companys_communities(client, personas, persona):
    client.force_login(personas[persona])
    response = client.get("/console/")
    expected = CONSOLE_MATRIX[persona]
    if expected is None:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    html = response.content.decode()
    shown = {name for name in ALL if f"<td>{name}</td>" in html}
    assert shown == expected


def test_anonymous_is_sent_to_login(client, small_city):
    response = client.get("/console/")
    assert response.status_code == 302 and "/console/login/" in response["Location"]


def test_login_page_logs_a_persona_in_and_rejects_a_wrong_password(client, personas):
    bad = client.post("/console/login/", {"username": "dispatcher", "password": "wrong"})
    assert "用户名或密码不正确" in bad.content.decode()
    good = client.post(
        "/console/login/", {"username": "dispatcher", "password": "persona-password-2026"}
    )
    # Through the landing view to the role's desk (tests/wennuan/console/test_landing_desks.py).
    assert good.status_code == 302 and good["Location"] == "/console/start/"


@pytest.mark.parametrize("persona", sorted(CONSOLE_MATRIX))
def test_access_helpers_agree_with_the_matrix(personas, small_city, persona):
    user = personas[persona]
    if CONSOLE_MATRIX[persona] is None:
        with pytest.raises(PermissionDenied):
            company_scope(user, Desk.REGISTER)
        return
    scope = company_scope(user, Desk.REGISTER)
    visible = set(scope.communities(Community.objects.all()).values_list("name", flat=True))
    assert visible == CONSOLE_MATRIX[persona]
    assert scope.contains_company(small_city.south.id) == ("金鼎小区" in CONSOLE_MATRIX[persona])
    assert scope.sees_all == (CONSOLE_MATRIX[persona] == ALL)


def test_every_role_has_its_group(personas):
    for role in Role:
        assert Group.objects.filter(name=group_name(role)).exists()
    assert personas["dispatcher"].groups.get().name == group_name(Role.COMPANY_DISPATCHER)
    assert personas["admin"].has_perm("registry.change_community")
    assert not personas["supervisor"].has_perm("registry.change_community")
    assert personas["supervisor"].has_perm("registry.view_community")


def test_database_refuses_a_company_role_without_company(personas, django_user_model):
    user = django_user_model.objects.create_user(username="loose")
    with pytest.raises(IntegrityError), transaction.atomic():
        StaffProfile.objects.create(user=user, role=Role.TECHNICIAN, display_name="x")

"""Giving staff their roles the documented ways: `wennuan createstaff`, the admin's user page,
and the `role:<code>` groups of the glossary (issue 17)."""

import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

from wennuan.staff.choices import Role
from wennuan.staff.models import StaffProfile
from wennuan.staff.roles import group_name, sync_role_groups

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-enough-password-2026"


def createstaff(*args, password=None):
    out = io.StringIO()
    stdin = io.StringIO(f"{password}\n") if password else None
    if stdin is not None:
        import sys

        real, sys.stdin = sys.stdin, stdin
    try:
        call_command("createstaff", *args, stdout=out)
    finally:
        if stdin is not None:
            sys.stdin = real
    return out.getvalue()


def test_createstaff_makes_a_company_login_that_opens_its_desk(client, small_city):
    output = createstaff(
        "li.dispatch",
        "--role",
        "company_dispatcher",
        "--company",
        "north",
        "--name",
        "李调度",
        "--password-stdin",
        password=PASSWORD,
    )
    assert "created staff login li.dispatch: company_dispatcher of north" in output
    profile = StaffProfile.objects.get(user__username="li.dispatch")
    assert (profile.role, profile.company.code, profile.display_name) == (
        Role.COMPANY_DISPATCHER,
        "north",
        "李调度",
    )
    assert profile.user.groups.filter(name=group_name(Role.COMPANY_DISPATCHER)).exists()
    assert client.login(username="li.dispatch", password=PASSWORD)
    desk = client.get("/console/")
    assert desk.status_code == 200
    assert "剑桥学府" in desk.text and "金鼎小区" not in desk.text  # north only


def test_createstaff_changes_the_role_of_an_existing_login(small_city):
    createstaff("wang", "--role", "operator", "--company", "north")
    output = createstaff("wang", "--role", "supervisor")
    assert "updated staff login wang: supervisor" in output
    profile = StaffProfile.objects.get(user__username="wang")
    assert (profile.role, profile.company) == (Role.SUPERVISOR, None)
    names = set(profile.user.groups.values_list("name", flat=True))
    assert names == {group_name(Role.SUPERVISOR)}


@pytest.mark.parametrize(
    "args, message",
    [
        (["x", "--role", "technician"], "--company"),
        (["x", "--role", "supervisor", "--company", "north"], "主管部门"),
        (["x", "--role", "technician", "--company", "nowhere"], "nowhere"),
        (
            ["x", "--role", "operator", "--company", "north", "--communities", "剑桥学府"],
            "小区管理员",
        ),
    ],
)
def test_createstaff_refuses_what_cannot_work(small_city, args, message):
    with pytest.raises(CommandError, match=message):
        createstaff(*args)
    assert not StaffProfile.objects.filter(user__username="x").exists()


def test_a_community_manager_login_reads_its_communities(small_city):
    community = small_city.communities["剑桥学府"]
    createstaff(
        "mgr", "--role", "community_manager", "--company", "north", "--communities", "剑桥学府"
    )
    from wennuan.workorders.models import ManagerAccount

    assert ManagerAccount.objects.get(user__username="mgr").manager == community.manager


def test_a_login_put_in_a_role_group_has_that_role(client, small_city, django_user_model):
    """The glossary says roles are groups role:<code>; a user put in role:supervisor in the
    admin got a bare 403 everywhere."""
    sync_role_groups()
    user = django_user_model.objects.create_user(username="grouped", password=PASSWORD)
    user.groups.add(Group.objects.get(name=group_name(Role.SUPERVISOR)))
    client.force_login(user)
    response = client.get("/console/")
    assert response.status_code == 200
    assert "金鼎小区" in response.text  # the supervisor sees every company


@pytest.mark.parametrize("language, text", [("zh-hans", "尚未分配角色"), ("en", "has no role")])
def test_a_login_without_a_role_is_told_so(client, small_city, django_user_model, language, text):
    user = django_user_model.objects.create_user(username="nobody", password=PASSWORD)
    client.force_login(user)
    client.cookies["django_language"] = language
    response = client.get("/console/", headers={"accept-language": language})
    assert response.status_code == 403
    assert text in response.text and "nobody" in response.text


def test_the_admin_user_page_gives_a_role(admin_client, small_city, django_user_model):
    user = django_user_model.objects.create_user(username="zhao", password=PASSWORD)
    response = admin_client.post(
        f"/admin/auth/user/{user.pk}/change/",
        {
            "username": "zhao",
            "is_active": "on",
            "date_joined_0": "2026-11-01",
            "date_joined_1": "08:00:00",
            "staff_profile-TOTAL_FORMS": "1",
            "staff_profile-INITIAL_FORMS": "0",
            "staff_profile-MIN_NUM_FORMS": "0",
            "staff_profile-MAX_NUM_FORMS": "1",
            "staff_profile-0-role": "technician",
            "staff_profile-0-company": str(small_city.north.pk),
            "staff_profile-0-display_name": "赵师傅",
            "staff_profile-0-phone": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    user.refresh_from_db()
    assert user.staff_profile.role == Role.TECHNICIAN
    assert user.groups.filter(name=group_name(Role.TECHNICIAN)).exists()

"""After logging in, each role lands on its own desk, not on the directory (issue 16.8)."""

import pytest
from django.urls import reverse

from ..conftest import PASSWORD  # noqa: TID252

pytestmark = pytest.mark.django_db

LANDING = {
    "operator": "console:order_new",  # 受理来电
    "bureau_operator": "console:order_new",
    "supervisor": "reports:index",  # 监管看板
    "dispatcher": "console:orders",  # 派单队列
    "technician": "console:orders",  # 今日待办
    "community_manager": "console:orders",
    "dispatch_engineer": "planning:index",  # 调度计划
    "admin": "console:home",
}


@pytest.mark.parametrize("persona", sorted(LANDING))
def test_login_lands_on_the_roles_desk(client, personas, season, persona):
    page = client.post(
        reverse("console:login"),
        {"username": personas[persona].username, "password": PASSWORD},
        follow=True,
    )
    assert page.status_code == 200
    assert page.redirect_chain[-1][0] == reverse(LANDING[persona])


def test_technician_lands_on_today(client, personas, season):
    page = client.post(
        reverse("console:login"),
        {"username": "technician", "password": PASSWORD},
        follow=True,
    )
    assert "今日待办" in page.content.decode()


def test_a_next_parameter_still_wins(client, personas, season):
    page = client.post(
        reverse("console:login") + "?next=/console/",
        {"username": "technician", "password": PASSWORD, "next": "/console/"},
    )
    assert page.url == "/console/"


def test_a_login_without_a_role_is_told_so(client, personas):
    page = client.post(
        reverse("console:login"), {"username": "outsider", "password": PASSWORD}, follow=True
    )
    assert page.status_code == 403
    assert "账号尚未分配角色" in page.content.decode()

"""English complete (issue 16): the demo city's pages in English carry no Chinese the system wrote.

Every desk of every persona and the public pages are walked by following their links (one page
per URL shape, exports and the feed included); what may stay Chinese is user data, named by
its source in ``english_walk.data_values``.
"""

import pytest
from django.core.management import call_command

from wennuan.planning.models import Plan
from wennuan.workorders.models import Event, WorkOrder

from .english_walk import data_values, leftovers, walk

DESKS = (
    "/console/",
    "/console/dispatch/",
    "/console/reports/",
    "/console/info/",
    "/console/outreach/",
    "/console/readiness/",
)
PUBLIC = ("/", "/complaint/", "/lookup/", "/directory/", "/replies/", "/info/", "/feed.atom")
PERSONAS = (
    "supervisor",
    "operator",
    "yongheng-dispatcher",
    "yongheng-technician",
    "yongheng-engineer",
    "yongheng-manager",
)


def test_the_check_tells_system_text_from_data():
    data = ["剑桥学府", "张桂兰"]
    assert leftovers("Version：v1（Approved）", data) == ["：", "（", "）"]
    assert leftovers("剑桥学府 · 张桂兰 · Meets standard", data) == []
    assert leftovers("剑桥学府 · 系统 · Press", data) == ["系统"]


@pytest.fixture
def demo_city(db, demo_register_csv):
    call_command("load_demo", register_csv=str(demo_register_csv))


@pytest.mark.slow
def test_the_demo_city_in_english_shows_no_chinese_system_text(
    client, demo_city, django_user_model
):
    # Pages holding what the system wrote come first (one page per URL shape is read): an
    # order the worker pressed (its reason, the actor "系统", a home "3号楼2单元") and a plan
    # with warnings.
    pressed = Event.objects.filter(actor__isnull=True, action="press", order__building__gt="")
    order = WorkOrder.objects.get(pk=pressed.values("order_id")[:1])
    plan = Plan.objects.exclude(warnings=[]).order_by("-date").first()
    assert plan is not None
    starts = (
        f"/console/orders/{order.number}/",
        f"/console/dispatch/plans/{plan.pk}/",
        f"/api/v1/plans/{plan.date.isoformat()}?details=1",  # Accept-Language: en
        *DESKS,
    )
    data = data_values()
    found = walk(client, PUBLIC, data)
    visited = 0
    for username in PERSONAS:
        client.force_login(django_user_model.objects.get(username=username))
        pages = walk(client, starts, data, limit=250, visited=(seen := []))
        found.update(pages)
        visited += len(seen)
        client.logout()
    assert visited > 100
    assert not found, "\n".join(f"{path}: {' | '.join(left)}" for path, left in found.items())

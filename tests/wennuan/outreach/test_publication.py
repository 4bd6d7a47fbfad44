"""Outreach notes reach /outreach/ only masked and after the bureau's review (issue 16)."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from wennuan.outreach import actions
from wennuan.registry.models import City

PRIVATE = ["刘桂英", "桂英", "13853012345", "5301234", "5512345", "王建国", "502", "1101"]


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()


def _record(personas, small_city):
    visit = actions.do_record_visit(
        personas["supervisor"],
        community=small_city.communities["剑桥学府"],
        visited_on=timezone.localdate(),
        participants="供热管理科 王某，热力公司客服中心",
        findings=(
            "3号楼2单元502住户刘桂英（13853012345）私装管道泵，"
            "邻户王建国先生（0530-5512345）室温16.5℃；6号楼1单元1101室散热器存气。"
        ),
        homes_visited=3,
    )
    actions.do_add_item(
        personas["supervisor"],
        visit,
        problem="3-2-502住户刘桂英私装管道泵",
        solution="上门告知并拆除（联系电话138 5301 2345）",
        company=small_city.north,
        deadline=timezone.localdate() + timedelta(days=3),
    )
    return visit


def _public(client, visit) -> tuple[int, str]:
    client.logout()
    listing = client.get("/outreach/").content.decode()
    summary = client.get(f"/outreach/{visit.pk}/")
    return summary.status_code, listing + summary.content.decode()


def test_bureau_reviews_then_publishes_masked_and_withdraws(client, personas, small_city):
    visit = _record(personas, small_city)
    status, page = _public(client, visit)
    assert status == 404 and "剑桥学府" not in page

    client.force_login(personas["dispatcher"])
    assert client.post(f"/console/outreach/visits/{visit.pk}/publish/").status_code == 403
    client.force_login(personas["supervisor"])
    detail = client.get(f"/console/outreach/visits/{visit.pk}/").content.decode()
    preview = detail.split('class="masked-preview">')[1].split("</blockquote>")[0]
    assert "刘*（138****2345）" in preview and "王*先生（0530-****345）" in preview
    assert not any(piece in preview for piece in PRIVATE)
    response = client.post(f"/console/outreach/visits/{visit.pk}/publish/")
    assert response.status_code == 302

    status, page = _public(client, visit)
    assert status == 200 and "私装管道泵" in page and "138****2345" in page
    assert not any(piece in page for piece in PRIVATE)
    assert not any(piece in client.get("/feed.atom").content.decode() for piece in PRIVATE)

    client.force_login(personas["supervisor"])
    client.post(f"/console/outreach/visits/{visit.pk}/withdraw/")
    visit.refresh_from_db()
    assert visit.withdrawn_by == personas["supervisor"] and visit.published_by is not None
    assert _public(client, visit)[0] == 404
    client.force_login(personas["supervisor"])
    response = client.post(f"/console/outreach/visits/{visit.pk}/withdraw/")
    assert response.status_code == 409 and "尚未公开" in response.content.decode()


def test_without_review_a_public_visit_is_published_as_recorded(client, personas, small_city):
    City.objects.update(review_publications=False)
    visit = _record(personas, small_city)
    status, page = _public(client, visit)
    assert status == 200 and "私装管道泵" in page
    assert not any(piece in page for piece in PRIVATE)

"""Issue 16 (supervisor): KPI tiles with trends at the top of the dashboard (open, overdue,
answered in time, compliant visits, satisfaction, each against the week before), and a
header on every drill-down saying what it shows."""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from wennuan.workorders import actions
from wennuan.workorders.choices import Category

from ..workorders.fixtures import good_visit  # noqa: TID252

URL = "/console/reports/"


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()
    yield
    cache.clear()


def _tiles(response) -> dict:
    return {k["tile"].key: k for k in response.context["kpis"]}


def _visited(make_order, personas, temp, when, phone):
    order = make_order(phone=phone, now=when - timedelta(hours=2))
    order = actions.do_accept(order, personas["dispatcher"], now=when - timedelta(hours=1))
    order = actions.do_assign(
        order, personas["dispatcher"], personas["technician"], now=when - timedelta(minutes=30)
    )
    good_visit(order, personas["technician"], temp=temp, visited_at=when, now=when)
    order.refresh_from_db()
    return order


def test_tiles_show_now_and_the_change_against_last_week(client, personas, make_order):
    now = timezone.now()
    last_week = now - timedelta(days=9)
    # Last week: 2 visits, 1 compliant (50 %); this week: 3 visits, all compliant (100 %).
    _visited(make_order, personas, 15.0, last_week, "13853010001")
    answered = _visited(make_order, personas, 21.0, last_week, "13853010002")
    for index in range(3):
        _visited(make_order, personas, 21.0, now - timedelta(days=1), f"1385302000{index}")
    # Last week's callback: unsatisfied; this week: one satisfied.
    answered = actions.do_reply(answered, personas["dispatcher"], "已达标", now=last_week)
    actions.do_callback(answered, personas["supervisor"], "unsatisfied", now=last_week)
    recent = make_order(category=Category.LEAK, text="漏水", phone="13853030000")
    recent = actions.do_accept(recent, personas["dispatcher"])
    recent = actions.do_reply(recent, personas["dispatcher"], "漏点已修复")
    actions.do_callback(recent, personas["supervisor"], "satisfied")

    client.force_login(personas["supervisor"])
    response = client.get(URL)
    tiles = _tiles(response)
    assert list(tiles) == [
        "open", "overdue", "answered_in_time", "compliant_visits", "satisfaction"
    ]  # fmt: skip
    visits = tiles["compliant_visits"]["tile"]
    assert (visits.value, visits.previous, visits.change, visits.trend) == (
        100.0, 50.0, 50.0, "better"
    )  # fmt: skip
    satisfaction = tiles["satisfaction"]["tile"]
    assert (satisfaction.value, satisfaction.previous) == (100.0, 0.0)
    open_tile = tiles["open"]["tile"]
    # Open now: the 3 visited this week, last week's unanswered one and the one reopened by
    # its unsatisfied callback; a week ago the 2 of then.
    assert (open_tile.value, open_tile.previous) == (5, 2)
    page = response.content.decode()
    assert page.index('class="kpi-tiles"') < page.index('id="intake"')  # at the top
    assert "较上周 ▲ +50.0 个百分点" in page


def test_every_dashboard_number_opens_a_list_that_says_what_it_shows(
    client, personas, make_order, small_city
):
    now = timezone.now()
    _visited(make_order, personas, 15.0, now - timedelta(days=2), "13853010001")
    make_order(phone="13853010003", community=small_city.communities["金鼎小区"])
    client.force_login(personas["supervisor"])
    page = client.get(URL).content.decode()
    links = sorted(set(re.findall(r'href="(/console/(?:reports/drill/|orders/\?ids)[^"]+)"', page)))
    metrics = {re.search(r"metric=(\w+)", link).group(1) for link in links if "metric=" in link}
    assert {"kpi_open", "kpi_non_compliant", "intake", "open", "community"} <= metrics
    for link in links:
        response = client.get(link.replace("&amp;", "&"), follow=True)
        listed = response.content.decode()
        header = re.search(r'<p class="drill-header"[^>]*>(.*?)</p>', listed, re.S)
        assert header, link
        text = re.sub(r"<[^>]+>", "", header.group(1))
        assert "监管看板 ›" in text and "共" in text, (link, text)
        assert len(text) > len("监管看板 ›  · 共 0 件"), (link, text)


def test_overdue_a_week_ago_counts_orders_answered_since(client, personas, make_order):
    """An order late a week ago and answered since was overdue then: the tile's "before" must
    not drop it because its current deadline (due_at) is gone."""
    now = timezone.now()
    late = make_order(category=Category.LEAK, text="漏水", now=now - timedelta(days=9))
    late = actions.do_accept(late, personas["dispatcher"], now=now - timedelta(days=9))
    actions.do_reply(late, personas["dispatcher"], "漏点已修复", now=now - timedelta(days=2))
    client.force_login(personas["supervisor"])
    overdue = _tiles(client.get(URL))["overdue"]["tile"]
    # Leak: 24 h to resolve; answered after 7 days — late a week ago, answered now.
    assert (overdue.value, overdue.previous) == (0, 1)

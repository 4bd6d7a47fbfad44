"""The public navigation: every public page links the information pages and the latest daily
heating report (用热日报), and a citizen who follows the report link gets a page, not an error,
even before any plan or measurement exists."""

import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

LOCAL_TZ = ZoneInfo("Asia/Shanghai")  # TIME_ZONE of the settings
# A morning in the season, after the default publication time (07:00 local).
MORNING = datetime(2026, 12, 15, 9, 0, tzinfo=LOCAL_TZ)
# Before the publication time: today's report is not out yet, yesterday's is the latest.
EARLY = datetime(2026, 12, 15, 6, 0, tzinfo=LOCAL_TZ)

NAV = re.compile(r"<nav>(.*?)</nav>", re.S)


def nav_links(page: str) -> dict[str, str]:
    """Link text → href of the site header's navigation."""
    nav = NAV.search(page)
    assert nav, "the page has no <nav>"
    return {
        text.strip(): href
        for href, text in re.findall(r'<a href="([^"]+)">([^<]+)</a>', nav.group(1))
    }


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/directory/", "/replies/", "/info/"])
def test_every_public_page_links_the_daily_report(small_city, client, path):
    with time_machine.travel(MORNING, tick=False):
        response = client.get(path)
    assert response.status_code == 200
    links = nav_links(response.content.decode())
    assert links["用热日报"] == reverse("planning_public:daily_report_latest") == "/reports/daily/"
    assert links["供热信息"] == "/info/"


@pytest.mark.django_db
def test_anonymous_visitor_follows_the_link_to_the_latest_report(small_city, client):
    """No plan, no meter reading, no visit yet: the report of today still opens, with its
    companies and dashes, and says that there is no weather data."""
    with time_machine.travel(MORNING, tick=False):
        href = nav_links(client.get("/").content.decode())["用热日报"]
        response = client.get(href)
    assert response.status_code == 200
    page = response.content.decode()
    assert "测试市用热日报 · 2026年12月15日" in page
    assert "无气温数据" in page
    assert page.count('class="company-row"') == 2  # 北城热力 and 南城热力, nothing computed
    assert "北城热力" in page and "南城热力" in page
    assert "/reports/daily/2026-12-15.pdf" in page


@pytest.mark.django_db
def test_before_publication_the_link_gives_yesterdays_report(small_city, client):
    with time_machine.travel(EARLY, tick=False):
        response = client.get(nav_links(client.get("/").content.decode())["用热日报"])
        assert response.status_code == 200
        assert "用热日报 · 2026年12月14日" in response.content.decode()
        # Today's report is not published yet: its dated page is a 404, not an empty page.
        assert client.get("/reports/daily/2026-12-15/").status_code == 404


@pytest.mark.django_db
def test_report_link_works_before_the_register_is_imported(client):
    """A fresh installation (no city, no company): the nav and the report page still answer."""
    with time_machine.travel(MORNING, tick=False):
        href = nav_links(client.get("/").content.decode())["用热日报"]
        response = client.get(href)
    assert response.status_code == 200
    assert "用热日报 · 2026年12月15日" in response.content.decode()


# The pages README.md names (its "Commands" paragraph): each must exist and answer as described.
README = Path(__file__).resolve().parents[3] / "README.md"
PUBLIC_PAGES = [
    "/directory/?q=剑桥",
    "/api/v1/directory?q=jqxf",
    "/complaint/",
    "/lookup/",
    "/replies/",
    "/info/",
    "/reports/daily/",
    "/outreach/",
    "/feed.atom",
    "/api/v1/openapi.json",
]
STAFF_DESKS = [
    "/console/",
    "/console/orders/",
    "/console/dispatch/",
    "/console/reports/",
    "/console/outreach/",
    "/console/info/",
    "/console/readiness/",
]


@pytest.mark.django_db
def test_public_pages_named_in_the_readme_answer_without_login(small_city, client):
    readme = README.read_text(encoding="utf-8")
    with time_machine.travel(MORNING, tick=False):
        for path in PUBLIC_PAGES:
            assert f"`{path}`" in readme, path
            assert client.get(path).status_code == 200, path


@pytest.mark.django_db
def test_staff_desks_named_in_the_readme_need_a_login(personas, client):
    readme = README.read_text(encoding="utf-8")
    with time_machine.travel(MORNING, tick=False):
        for path in STAFF_DESKS:
            assert f"`{path}`" in readme, path
            response = client.get(path)
            assert response.status_code == 302, path
            assert response["Location"].startswith("/console/login/"), path
        client.force_login(personas["supervisor"])
        for path in STAFF_DESKS:
            assert client.get(path).status_code == 200, path

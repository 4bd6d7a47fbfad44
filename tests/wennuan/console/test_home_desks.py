"""The console home offers each persona exactly the desks it may open."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

DESKS = ["planning:index", "reports:index", "outreach:index", "readiness:index", "publicinfo:index"]

EXPECTED = {
    "supervisor": set(DESKS),
    "admin": set(DESKS),
    # A bureau hotline operator reads every city-wide desk a caller may ask about (the scope
    # table, wennuan.staff.scope).
    "bureau_operator": set(DESKS),
    "operator": set(DESKS),
    "dispatcher": set(DESKS),
    "technician": set(DESKS),
    "community_manager": set(DESKS),
    # Engineers read no orders, so no dashboard of numbers drilling down to orders.
    "dispatch_engineer": set(DESKS) - {"reports:index"},
}


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_every_desk_button_opens_and_every_hidden_desk_refuses(client, personas, season, persona):
    client.force_login(personas[persona])
    page = client.get(reverse("console:home"))
    assert page.status_code == 200
    links = re.search(r'<p class="desk-links">(.*?)</p>', page.content.decode(), re.S)
    shown = set(re.findall(r'href="([^"]+)"', links.group(1))) if links else set()
    urls = {name: reverse(name) for name in DESKS}
    assert shown == {urls[name] for name in EXPECTED[persona]}
    for name, url in urls.items():
        # follow: the readiness desk sends company staff straight to their own checklist
        status = client.get(url, follow=True).status_code
        assert status == (200 if name in EXPECTED[persona] else 403), (name, status)


def test_the_outsider_gets_no_console(client, personas):
    client.force_login(personas["outsider"])
    assert client.get(reverse("console:home")).status_code == 403

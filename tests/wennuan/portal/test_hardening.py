"""Issue 18 on the public pages: control characters, the form's limit per address, the
trusted-proxy address, CSP and Permissions-Policy."""

import pytest

from wennuan.lib.addresses import client_address
from wennuan.workorders.models import WorkOrder

FORM = {
    "text": "暖气不热，屋里16度",
    "phone": "13953012345",
    "community": "金鼎小区",
    "building": "2",
    "unit": "1",
    "room": "302",
}


def test_a_control_character_in_the_form_is_dropped_and_the_complaint_kept(client, season):
    """Issue 18 item 6 at the edge; the outsider's walk: refusing threw the whole form away.
    Word's Shift+Enter (vertical tab) is a line break."""
    response = client.post("/complaint/", {**FORM, "room": "3\x0101", "text": "暖气\x0b不热"})
    assert response.status_code == 200
    order = WorkOrder.objects.get()
    assert order.room == "301" and order.text == "暖气\n不热"
    # Tabs and line breaks are text, not control characters to refuse.
    response = client.post("/complaint/", {**FORM, "text": "暖气不热\r\n屋里\t16度"})
    assert response.status_code == 200


def test_one_address_with_many_phones_is_limited(client, season):
    """Issue 18 item 11: 20 complaints from one address with 20 phones all went through."""
    statuses = [
        client.post(
            "/complaint/", {**FORM, "phone": f"139530{index:05d}", "room": f"{index + 100}"}
        ).status_code
        for index in range(12)
    ]
    assert statuses == [200] * 10 + [429] * 2
    assert WorkOrder.objects.count() == 10
    # Another address is not affected.
    response = client.post("/complaint/", {**FORM, "phone": "13953099999"}, REMOTE_ADDR="10.1.1.1")
    assert response.status_code == 200


class FakeRequest:
    def __init__(self, remote, forwarded=None):
        self.META = {"REMOTE_ADDR": remote}
        if forwarded is not None:
            self.META["HTTP_X_FORWARDED_FOR"] = forwarded


@pytest.mark.parametrize(
    "remote, forwarded, expected",
    [
        ("203.0.113.7", None, "203.0.113.7"),
        # Not from a trusted proxy: the header is anyone's to forge.
        ("203.0.113.7", "1.2.3.4", "203.0.113.7"),
        # From nginx on the host: the address nginx saw.
        ("127.0.0.1", "198.51.100.9", "198.51.100.9"),
        # The client prepended a forged entry: the rightmost untrusted one counts.
        ("127.0.0.1", "1.2.3.4, 198.51.100.9", "198.51.100.9"),
        # Two trusted hops (nginx behind a load balancer in 10.0.0.0/8).
        ("127.0.0.1", "198.51.100.9, 10.0.0.5", "198.51.100.9"),
        # Garbage in the header: nothing left of it is believed.
        ("127.0.0.1", "198.51.100.9, not-an-ip", "127.0.0.1"),
        ("", None, None),
    ],
)
def test_client_address_believes_forwarded_for_only_from_trusted_proxies(
    settings, remote, forwarded, expected
):
    from wennuan.lib.addresses import parse_networks

    settings.WENNUAN_TRUSTED_PROXIES = parse_networks("127.0.0.1/32, 10.0.0.0/8")
    assert client_address(FakeRequest(remote, forwarded)) == expected


def test_bad_trusted_proxies_fail_loudly():
    from wennuan.lib.addresses import parse_networks

    with pytest.raises(ValueError, match="not-a-network"):
        parse_networks("127.0.0.1/32, not-a-network")


def test_pages_carry_csp_and_permissions_policy(client, small_city):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    script_src = next(d for d in csp.split("; ") if d.startswith("script-src"))
    # No inline script runs unless the page gave it the request's nonce (the dashboard's and
    # the plan's chart scripts do; their browser tests check the charts still draw).
    assert script_src.startswith("script-src 'self'") and "unsafe" not in script_src
    assert "object-src 'none'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "camera=()" in response["Permissions-Policy"]

"""The client's address: the one answer for rate limits, the login throttle and the audit.

Behind nginx every request comes from the proxy's address; the client's is in
X-Forwarded-For, which anyone can also send directly. So the header is read only when the
request came from a proxy listed in ``WENNUAN_TRUSTED_PROXIES`` (CIDRs), and then from the
right: each trusted hop appended the address it saw, the first untrusted one from the right is
the client (anything left of it was written by the client and proves nothing).
"""

import ipaddress

from django.conf import settings


def parse_networks(text: str) -> list:
    """CIDRs separated by commas ("127.0.0.1/32, 10.0.0.0/8"); ValueError names a bad one."""
    networks = []
    for part in text.split(","):
        part = part.strip()
        if part:
            try:
                networks.append(ipaddress.ip_network(part, strict=False))
            except ValueError as error:
                raise ValueError(f"{part!r} is not an IP network: {error}") from None
    return networks


def _address(text: str):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address) -> bool:
    return any(address in network for network in settings.WENNUAN_TRUSTED_PROXIES)


def client_address(request) -> str | None:
    """The address of whoever sent ``request`` (text, e.g. "203.0.113.7"), or None if unknown."""
    remote = _address(request.META.get("REMOTE_ADDR", ""))
    if remote is None:
        return None
    if not _trusted(remote):
        return str(remote)
    hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    client = remote
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            break  # a forged or broken entry: trust nothing left of it
        client = address
        if not _trusted(address):
            break
    return str(client)

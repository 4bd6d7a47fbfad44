"""The demo history shows issue 16's privacy rule at work: staff typed names, phones and rooms
into replies and outreach notes; every public page shows them masked, never the digits."""

import re

import pytest
from django.core.management import call_command

from wennuan.outreach.models import OutreachVisit
from wennuan.workorders.models import WorkOrder

# The residents the demo's outreach notes name (wennuan.outreach.demo_data).
OUTREACH_RESIDENTS = ("刘桂英", "王建国", "赵秀兰")
ROOM = re.compile(r"\d+号楼(?:\d+单元)?\d{3,4}|\d+-\d+-\d{3,4}|\d+单元\d{3,4}")


def _private_pieces(text: str, names=()) -> set[str]:
    """The names, phone digits and room numbers in ``text`` that must never be public."""
    pieces = {name for name in names if name}
    # Surname and first given character (the given name alone also occurs in place names).
    pieces |= {name[:2] for name in names if len(name) > 2}
    for run in re.findall(r"\d[\d\s-]{6,}\d", text):
        digits = re.sub(r"\D", "", run)
        pieces |= {digits, digits[-8:-3]} if len(digits) >= 10 else {digits}
    pieces |= set(ROOM.findall(text))
    return pieces


def _public_text(client) -> str:
    pages = []
    url = "/replies/"
    while url:
        page = client.get(url).content.decode()
        pages.append(page)
        following = re.search(r'href="(\?page=\d+)">下一页', page)
        url = f"/replies/{following.group(1)}" if following else None
    assert len(pages) > 3
    pages.append(client.get("/outreach/").content.decode())
    for visit in OutreachVisit.objects.filter(published_at__isnull=False):
        pages.append(client.get(f"/outreach/{visit.pk}/").content.decode())
    pages.append(client.get("/feed.atom").content.decode())
    for fmt in ("json", "xml"):  # Open311's public list carries the published replies too
        pages.append(client.get(f"/open311/v2/requests.{fmt}").content.decode())
    # Order numbers (public by design) would match a phone's middle digits by chance.
    return re.sub(r"GN\d{13}", "GN-", "".join(pages))


@pytest.mark.slow
def test_demo_publishes_typed_personal_data_only_masked(db, client, shared_data):
    call_command("load_demo", register_csv=str(shared_data / "heze-demo" / "communities.csv"))
    typed = [
        order
        for order in WorkOrder.objects.filter(is_published=True).exclude(caller_name="")
        if order.caller_name in order.reply and ROOM.search(order.reply)
    ]
    published_visits = OutreachVisit.objects.filter(published_at__isnull=False)
    assert len(typed) + published_visits.count() >= 20
    assert any("0530-" in order.reply for order in typed)  # landlines as well as mobiles
    assert published_visits.exists() and OutreachVisit.objects.filter(published_at=None).exists()

    public = _public_text(client)
    for order in typed:
        assert order.reply.split("：", 1)[1] in public  # the reply proper is there
        leaks = [p for p in _private_pieces(order.reply, [order.caller_name]) if p in public]
        assert not leaks, (order.number, leaks)
    for visit in published_visits:
        texts = [visit.findings] + [f"{i.problem} {i.solution}" for i in visit.items.all()]
        for text in texts:
            leaks = [p for p in _private_pieces(text, OUTREACH_RESIDENTS) if p in public]
            assert not leaks, leaks
    assert "***" in public and re.search(r"1\d\d\*{4}\d{4}", public)
    assert re.search(r"0530-\*{4}\d{3}", public)

"""Walk a loaded city's pages in English and list Chinese text that is not user data.

The walk follows the links each page offers (one page per URL shape: digits stand for any
number), from every desk of a persona and the public pages. What may stay Chinese on an
English page is data, named here by its source: the register's names and addresses, people's
names, what citizens wrote and what staff typed. Those values are cut out of the page before
the check, so a Chinese word the system wrote itself is caught wherever it appears.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urljoin, urlsplit

from django.conf import settings

from wennuan.workorders.models import TEMPLATE_PLACEHOLDERS

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]+")
# Language names in the switcher are written in their own language, on purpose; the reply
# templates' placeholders are what staff type in a template, in every language (design §5).
ALLOWED_UI = ("中文", *TEMPLATE_PLACEHOLDERS)
SKIP = re.compile(
    r"^/(admin|i18n|static|media|assets|accounts/logout|healthz)|/(delete|logout)\b|\.(png|jpg|pdf)$"
)
TAGS = re.compile(r"<(script|style)\b.*?</\1>|<[^>]+>", re.S | re.I)
LINK = re.compile(r"""href=["']([^"'#]+)["']""")
# attributes a reader sees or hears
SEEN_ATTRIBUTES = re.compile(r"""\b(?:title|placeholder|aria-label|alt)=["']([^"']*)["']""")


def data_values() -> list[str]:
    """Every value that is user data (longest first, so a name inside an address goes last)."""
    from django.contrib.auth import get_user_model

    from wennuan.lib.masking import mask_name, mask_text, masked_reply
    from wennuan.outreach.models import OutreachVisit, PlanItem
    from wennuan.publicinfo.models import ArticleVersion, FeeStandard
    from wennuan.readiness.models import FuelStockReport, ReadinessItem, TrainingSession
    from wennuan.registry.models import (
        City,
        Community,
        DutyShift,
        HeatingCompany,
        HeatSource,
        Manager,
        ServiceLine,
        Substation,
    )
    from wennuan.staff.models import StaffProfile
    from wennuan.workorders.models import Callback, Reading, ReplyTemplate, Visit, WorkOrder

    values: set[str] = set()

    def take(model, *fields):
        for row in model.objects.values_list(*fields):
            for value in row:
                if isinstance(value, str):
                    values.add(value)
                elif isinstance(value, list):
                    values.update(v for v in value if isinstance(v, str))

    take(City, "name", "bureau_name")
    take(HeatingCompany, "legal_name", "short_name")
    take(HeatSource, "name")
    take(Substation, "name")
    take(Community, "name", "aliases", "district", "address")
    take(Manager, "name")
    take(ServiceLine, "label")
    take(StaffProfile, "display_name")
    user_model = get_user_model()
    take(user_model, "first_name", "last_name")
    # what citizens wrote and staff typed
    take(WorkOrder, "text", "caller_name", "building", "unit", "room", "reply")
    take(Visit, "rectification", "actions_taken")
    take(Reading, "room")
    take(ReplyTemplate, "title", "text")
    take(Callback, "note")
    # what staff wrote for the public and for each other
    take(ArticleVersion, "title", "body_html", "note")
    take(FeeStandard, "notes_html")
    take(DutyShift, "operator_name")
    take(ReadinessItem, "task", "notes")
    take(TrainingSession, "topic", "notes")
    take(FuelStockReport, "notes")
    take(OutreachVisit, "participants", "homes_note", "findings")
    take(PlanItem, "problem", "solution", "done_note", "check_note")
    # staff-written HTML, as the text pieces a page shows
    for html_text in list(values):
        if "<" in html_text:
            values.update(p.strip() for p in html.unescape(TAGS.sub("\n", html_text)).split("\n"))
    # the same, masked as the public reads it
    for order in WorkOrder.objects.exclude(reply="").only("reply", "caller_name", "phone"):
        values.add(masked_reply(order))
    values.update(mask_text(v) for v in list(values))
    # long text cut short in lists (|truncatechars:40 and :60)
    values.update(v[:n] for v in list(values) for n in (39, 59) if len(v) > n + 1)
    values.update(mask_name(v) for v in list(values))
    return sorted((v for v in values if v and CJK.search(v)), key=len, reverse=True)


def visible_text(body: str) -> str:
    text = TAGS.sub(" ", body)
    seen = " ".join(SEEN_ATTRIBUTES.findall(body))
    return html.unescape(text + " " + seen)


def strip_data(text: str, data: list[str]) -> str:
    for value in data:
        if value in text:
            text = text.replace(value, " ")
    return text


def leftovers(text: str, data: list[str]) -> list[str]:
    text = strip_data(html.unescape(text), data)
    for word in ALLOWED_UI:
        text = text.replace(word, " ")
    return CJK.findall(text)


def shape(path: str, query: str = "") -> str:
    """One page per URL shape: numbers are any number, a query by its parameter names."""
    keys = sorted({part.split("=")[0] for part in query.split("&") if part})
    return re.sub(r"\d+", "N", path) + ("?" + "&".join(keys) if keys else "")


def walk(client, starts, data, *, limit=400, visited=None) -> dict[str, list[str]]:
    """{path: Chinese fragments left} over the pages reachable from ``starts`` (the pages
    read are appended to ``visited``)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    queue, seen_shapes, found = list(starts), set(), {}
    while queue and len(seen_shapes) < limit:
        path = queue.pop(0)
        split = urlsplit(path)
        if split.netloc and split.netloc != "testserver":
            continue
        path = split.path + (f"?{split.query}" if split.query else "")
        key = shape(split.path, split.query)
        if key in seen_shapes or SKIP.search(split.path):
            continue
        seen_shapes.add(key)
        response = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
        if response.status_code != 200 or response.streaming:
            continue
        content_type = response.get("Content-Type", "")
        body = response.content.decode("utf-8", "replace")
        if content_type.startswith("text/html"):
            text = visible_text(strip_data(body, data))
            for link in LINK.findall(body):
                queue.append(urljoin(split.path, html.unescape(link)))
        elif content_type.startswith(("text/csv", "application/json", "application/atom")):
            text = TAGS.sub(" ", body) if "atom" in content_type else body
            text = html.unescape(text)
            if content_type.startswith("application/json"):
                import json

                text = json.dumps(json.loads(body), ensure_ascii=False)
        else:
            continue
        if visited is not None:
            visited.append(path)
        left = leftovers(text, data)
        if left:
            found[path] = sorted(set(left))
    return found

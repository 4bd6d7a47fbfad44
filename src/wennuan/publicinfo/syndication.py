"""The Atom feed at /feed.atom (design §8): notices and reports for the companies' WeChat
editors to pick up.

Any app contributes entries with a module ``<app>/feed.py`` defining
``def feed_items(limit: int) -> list[FeedItem]`` (only public, already published items, newest
first). The feed merges every app's items, newest first, and keeps ``FEED_LIMIT``. Discovery
follows ``wennuan.lib.scheduling``: apps are found by module name, so adding an app's feed needs
no change here.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from wennuan.lib.discovery import app_modules
from wennuan.registry.models import City

FEED_LIMIT = 50


@dataclass(frozen=True)
class FeedItem:
    """One entry of the public feed.

    ``link`` is a site path (``/info/notices/3/``) or an absolute URL; ``unique_id`` must stay the
    same for the life of the entry (feed readers use it to spot updates), e.g.
    ``"wennuan:notice:3"``. ``published`` and ``updated`` are aware datetimes."""

    title: str
    link: str
    summary_html: str
    published: datetime
    unique_id: str
    updated: datetime | None = None
    author: str = ""
    categories: tuple[str, ...] = field(default_factory=tuple)


def atom_id(unique_id: str) -> str:
    """An Atom entry id (an IRI) for ``unique_id``: kept if it is already a URI readers accept
    (tag:, urn:, http(s):), else a name-based UUID URN, stable for the same string."""
    if unique_id.startswith(("tag:", "urn:", "http://", "https://")):
        return unique_id
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, unique_id)}"


def feed_modules() -> list:
    return app_modules("feed")


def collect_feed_items(limit: int = FEED_LIMIT) -> list[FeedItem]:
    items: list[FeedItem] = []
    for module in feed_modules():
        items.extend(module.feed_items(limit))
    items.sort(key=lambda item: item.updated or item.published, reverse=True)
    return items[:limit]


class PublicAtomFeed(Feed):
    feed_type = Atom1Feed
    title = _("供热信息")
    subtitle = _("供热通知公告与报表")

    def link(self):
        return reverse("publicinfo_public:index")

    def feed_url(self):
        return reverse("publicinfo_public:feed")

    def author_name(self):
        # RFC 4287 wants an author on the feed when entries have none: the publishing bureau.
        city = City.objects.first()
        return city.bureau_name if city else str(_("供热主管部门"))

    def items(self):
        return collect_feed_items(FEED_LIMIT)

    def item_title(self, item: FeedItem):
        return item.title

    def item_description(self, item: FeedItem):
        return item.summary_html

    def item_link(self, item: FeedItem):
        return item.link

    def item_guid(self, item: FeedItem):
        return atom_id(item.unique_id)

    item_guid_is_permalink = False

    # Every stamp in the city's time (+08:00): items from different apps came as UTC or local
    # and one feed showed both offsets.
    def item_pubdate(self, item: FeedItem):
        return timezone.localtime(item.published)

    def item_updateddate(self, item: FeedItem):
        return timezone.localtime(item.updated or item.published)

    def item_author_name(self, item: FeedItem):
        return item.author or None

    def item_categories(self, item: FeedItem):
        return item.categories

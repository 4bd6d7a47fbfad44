"""Public information's entries in /feed.atom: published notices (see syndication.py)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from .choices import ArticleKind
from .queries import public_articles
from .syndication import FeedItem


def feed_items(limit: int) -> list[FeedItem]:
    now = timezone.now()
    items = []
    for article, version in public_articles(ArticleKind.NOTICE, now=now)[:limit]:
        first_public = article.first_public_at
        items.append(
            FeedItem(
                title=version.title,
                link=reverse("publicinfo_public:article", args=[article.pk]),
                summary_html=version.body_html,
                published=first_public or version.publish_at,
                updated=version.publish_at,
                unique_id=f"wennuan:notice:{article.pk}",
                categories=(str(ArticleKind.NOTICE.label),),
            )
        )
    return items

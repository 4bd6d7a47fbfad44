"""What the public may see now: the one place that decides it (pages and feed both ask)."""

from __future__ import annotations

from datetime import date

from django.db.models import Prefetch
from django.utils import timezone

from wennuan.registry.models import HeatingSeason

from .choices import VersionStatus
from .models import Article, ArticleVersion


def public_articles(kind: str | None = None, now=None) -> list[tuple[Article, ArticleVersion]]:
    """(article, its public version) pairs; notices newest first, others in sort order.

    ``article.first_public_at`` is set to the publish time of its first published version
    (the entry's "published" date in the feed)."""
    now = now or timezone.now()
    articles = Article.objects.prefetch_related(
        Prefetch("versions", queryset=ArticleVersion.objects.exclude(status=VersionStatus.DRAFT))
    )
    if kind:
        articles = articles.filter(kind=kind)
    pairs = []
    for article in articles:
        version = article.public_version(now)
        if version is None:
            continue
        published_times = [
            v.publish_at
            for v in article.versions.all()
            if v.status == VersionStatus.PUBLISHED and v.publish_at <= now
        ]
        article.first_public_at = min(published_times)
        pairs.append((article, version))
    if kind == "notice":
        pairs.sort(key=lambda pair: (not pair[0].is_urgent, -pair[1].publish_at.timestamp()))
    else:
        pairs.sort(key=lambda pair: (pair[0].sort_order, pair[0].pk))
    return pairs


def public_seasons(now=None) -> list[HeatingSeason]:
    """Seasons whose fee standard is published, newest first."""
    now = now or timezone.now()
    return list(
        HeatingSeason.objects.filter(
            fee_standard__publish_at__isnull=False, fee_standard__publish_at__lte=now
        )
        .select_related("fee_standard")
        .order_by("-start_date")
    )


def default_season(seasons: list[HeatingSeason], today: date) -> HeatingSeason | None:
    """The season running today, else the next one to start, else the latest."""
    for season in seasons:
        if season.start_date <= today <= season.end_date:
            return season
    upcoming = [s for s in seasons if s.start_date > today]
    if upcoming:
        return min(upcoming, key=lambda s: s.start_date)
    return seasons[0] if seasons else None

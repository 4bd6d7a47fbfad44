"""Every write to public information goes through these functions (one transaction each)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from .access import require_editor
from .models import Article, ArticleVersion


@transaction.atomic
def do_save_version(
    user,
    *,
    article: Article | None,
    kind: str,
    title: str,
    body_markdown: str,
    status: str,
    publish_at,
    is_urgent: bool = False,
    sort_order: int = 100,
    note: str = "",
) -> ArticleVersion:
    """Save a new version (and the article itself when ``article`` is None)."""
    require_editor(user)
    if article is None:
        article = Article.objects.create(kind=kind, is_urgent=is_urgent, sort_order=sort_order)
    else:
        # Lock the article so two editors saving at once get consecutive version numbers.
        article = Article.objects.select_for_update().get(pk=article.pk)
        article.is_urgent = is_urgent
        article.sort_order = sort_order
        article.save(update_fields=["is_urgent", "sort_order"])
    last = article.versions.aggregate(last=Max("number"))["last"] or 0
    return ArticleVersion.objects.create(
        article=article,
        number=last + 1,
        title=title,
        body_markdown=body_markdown,
        status=status,
        publish_at=publish_at,
        saved_by=user,
        saved_at=timezone.now(),
        note=note,
    )


def do_revert(user, article: Article, number: int, *, status: str, publish_at) -> ArticleVersion:
    """A new version with the title and text of version ``number`` (history stays intact)."""
    old = article.versions.get(number=number)
    return do_save_version(
        user,
        article=article,
        kind=article.kind,
        title=old.title,
        body_markdown=old.body_markdown,
        status=status,
        publish_at=publish_at,
        is_urgent=article.is_urgent,
        sort_order=article.sort_order,
        note=f"恢复为第 {number} 版",
    )

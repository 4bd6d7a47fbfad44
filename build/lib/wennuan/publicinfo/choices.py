"""Choices of public information. Stable codes in the database, Chinese labels in the UI."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ArticleKind(models.TextChoices):
    """What a piece of public content is; decides the page it appears on."""

    NOTICE = "notice", _("通知公告")
    FAQ = "faq", _("常见问题")
    SAFETY = "safety", _("安全知识")


class VersionStatus(models.TextChoices):
    """A saved version is a draft (never public), published (public from its publish time) or
    a withdrawal (from its publish time the article is hidden again)."""

    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("发布")
    WITHDRAWN = "withdrawn", _("撤下")

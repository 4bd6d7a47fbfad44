"""Public information edited by the bureau: articles with every save kept as a version, and
the fee standard of each heating season.

Which version citizens see (see :meth:`Article.public_version`): among the versions that are
not drafts and whose publish time has come, the newest one; if that one is a withdrawal, the
article is hidden. So a scheduled edit keeps the old text online until its time, a draft never
shows, and a revert is just a new version with old content (history is never rewritten).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wennuan.registry.models import HeatingSeason

from .choices import ArticleKind, VersionStatus
from .markdown import render_markdown


class Article(models.Model):
    """One item of public content (a notice, an FAQ entry, a safety tip) across its versions."""

    kind = models.CharField(_("类别"), max_length=10, choices=ArticleKind.choices)
    sort_order = models.PositiveSmallIntegerField(
        _("排序"), default=100, help_text=_("数字小的排在前面（常见问题、安全知识用）")
    )
    is_urgent = models.BooleanField(
        _("重要提醒"), default=False, help_text=_("如寒潮预警：在首页置顶并醒目显示")
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("公开信息")
        verbose_name_plural = _("公开信息")
        ordering = ["kind", "sort_order", "id"]

    def __str__(self):
        latest = self.latest_version()
        return latest.title if latest else f"#{self.pk}"

    def latest_version(self) -> ArticleVersion | None:
        versions = self._versions()
        return versions[0] if versions else None

    def _versions(self) -> list[ArticleVersion]:
        """Newest first; uses prefetched versions when the caller prefetched them."""
        return sorted(self.versions.all(), key=lambda v: v.number, reverse=True)

    def public_version(self, now=None) -> ArticleVersion | None:
        now = now or timezone.now()
        for version in self._versions():
            if version.status == VersionStatus.DRAFT or version.publish_at is None:
                continue
            if version.publish_at > now:
                continue
            return version if version.status == VersionStatus.PUBLISHED else None
        return None

    def scheduled_version(self, now=None) -> ArticleVersion | None:
        """The next version waiting for its publish time, if any."""
        now = now or timezone.now()
        waiting = [
            v
            for v in self._versions()
            if v.status != VersionStatus.DRAFT and v.publish_at and v.publish_at > now
        ]
        return min(waiting, key=lambda v: v.publish_at) if waiting else None


class ArticleVersion(models.Model):
    """One save of an article: immutable once written (edits and reverts add a version)."""

    article = models.ForeignKey(
        Article, verbose_name=_("信息"), related_name="versions", on_delete=models.CASCADE
    )
    number = models.PositiveIntegerField(_("版本号"))
    title = models.CharField(_("标题"), max_length=120)
    body_markdown = models.TextField(_("正文 (Markdown)"))
    body_html = models.TextField(_("正文 (HTML)"), editable=False)
    status = models.CharField(
        _("状态"), max_length=10, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    publish_at = models.DateTimeField(
        _("发布时间"), null=True, blank=True, help_text=_("到此时间才对公众显示；草稿为空")
    )
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("保存人"),
        related_name="+",
        on_delete=models.PROTECT,
    )
    saved_at = models.DateTimeField(_("保存时间"), default=timezone.now)
    note = models.CharField(_("修改说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("版本")
        verbose_name_plural = _("版本")
        ordering = ["article", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="article_version_unique"),
            models.CheckConstraint(
                name="article_version_publish_time_unless_draft",
                condition=Q(status="draft") | Q(publish_at__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.title} v{self.number}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("article versions are immutable; save a new version instead")
        self.body_html = render_markdown(self.body_markdown)
        super().save(*args, **kwargs)


class FeeStandard(models.Model):
    """What the public fee page says about one season, beyond the tariffs the register keeps on
    :class:`~wennuan.registry.models.HeatingSeason` (prices, base-fee share): the payment
    period, notes, and when it becomes public."""

    season = models.OneToOneField(
        HeatingSeason,
        verbose_name=_("供热季"),
        related_name="fee_standard",
        on_delete=models.CASCADE,
    )
    payment_start_date = models.DateField(_("缴费开始日期"))
    payment_end_date = models.DateField(_("缴费截止日期"))
    notes_markdown = models.TextField(_("说明 (Markdown)"), blank=True)
    notes_html = models.TextField(_("说明 (HTML)"), blank=True, editable=False)
    publish_at = models.DateTimeField(
        _("发布时间"), null=True, blank=True, help_text=_("为空表示草稿，不公开")
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("修改人"),
        related_name="+",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    updated_at = models.DateTimeField(_("修改时间"), default=timezone.now)

    class Meta:
        verbose_name = _("收费标准")
        verbose_name_plural = _("收费标准")
        ordering = ["-season__start_date"]
        constraints = [
            models.CheckConstraint(
                name="fee_payment_end_after_start",
                condition=Q(payment_end_date__gte=models.F("payment_start_date")),
            )
        ]

    def __str__(self):
        return str(self.season)

    def save(self, *args, **kwargs):
        self.notes_html = render_markdown(self.notes_markdown)
        super().save(*args, **kwargs)

    def is_public(self, now=None) -> bool:
        return self.publish_at is not None and self.publish_at <= (now or timezone.now())


def season_fee_yuan(
    season: HeatingSeason, area_m2: Decimal, *, residential: bool, suspended: bool
) -> Decimal:
    """The heating fee for one season in yuan, rounded to the fen.

    fee = heated area [m²] × tariff [元/m²·季]; a suspended home (报停) pays the base-fee
    share of it (基本热费, e.g. 30 %)."""
    tariff = (
        season.residential_tariff_yuan_m2 if residential else season.non_residential_tariff_yuan_m2
    )
    fee = Decimal(area_m2) * Decimal(tariff)
    if suspended:
        fee *= Decimal(season.base_fee_share)
    return fee.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

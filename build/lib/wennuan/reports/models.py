"""Stored weekly reports (周报), so that any week's report can be downloaded again later."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class WeeklyReport(models.Model):
    """The bureau leadership's report of one Monday-to-Sunday week, as Excel and PDF.

    Generated on demand or by the worker every Monday for the week before; regenerating a week
    replaces its files (the figures may have changed through late callbacks)."""

    week_start = models.DateField(_("周一"), unique=True)
    generated_at = models.DateTimeField(_("生成时间"), default=timezone.now)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("生成人"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    xlsx = models.FileField(_("Excel"), upload_to="reports/weekly/", blank=True)
    pdf = models.FileField(_("PDF"), upload_to="reports/weekly/", blank=True)
    summary = models.JSONField(_("摘要"), default=dict, blank=True)

    class Meta:
        verbose_name = _("周报")
        verbose_name_plural = _("周报")
        ordering = ["-week_start"]

    def __str__(self):
        return f"周报 {self.week_start:%Y-%m-%d}"


class DashboardSnapshot(models.Model):
    """The dashboard's expensive season figures (rates and medians per company and week,
    complaints per day, community ranking, clusters), refreshed by the worker every few minutes
    (only what changed is recomputed) so that no page view pays for aggregating a whole season. ``figures`` is a pickle of
    :class:`wennuan.reports.snapshot.SeasonFigures`, written only by this application (as
    Django's own database cache does)."""

    season = models.OneToOneField(
        "registry.HeatingSeason",
        verbose_name=_("供暖季"),
        related_name="+",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
    )
    computed_at = models.DateTimeField(_("统计时间"))
    # The last refresh that found nothing changed since ``computed_at`` (the figures were still
    # exact then); the snapshot's freshness is judged by this, its figures' age by computed_at.
    checked_at = models.DateTimeField(_("核对时间"), null=True, blank=True)
    compute_ms = models.FloatField(_("计算耗时 (ms)"), default=0)
    figures = models.BinaryField(_("统计数据"))

    class Meta:
        verbose_name = _("看板统计快照")
        verbose_name_plural = _("看板统计快照")

    def __str__(self):
        return f"{self.season_id} {self.computed_at:%Y-%m-%d %H:%M}"

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

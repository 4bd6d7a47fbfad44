"""Season readiness: the pre-season checklist of every substation and heat source, fuel stock
reports and staff training sessions, each owned by one heating company.

An item is *late* when it is not done after its due date, or was done after it (see
:meth:`ReadinessItem.is_late`); due dates come from the season's start date
(``choices.TASK_LEAD_DAYS``).
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from wennuan.registry.models import HeatingCompany, HeatingSeason, HeatSource, Substation

from .choices import ChecklistTask


def late_condition(today: date) -> Q:
    """Items late on ``today``: open past their due date, or done after it."""
    return Q(done_on__isnull=True, due_date__lt=today) | Q(done_on__gt=F("due_date"))


class ReadinessItem(models.Model):
    """One step of the pre-season checklist for one substation or one heat source."""

    season = models.ForeignKey(
        HeatingSeason,
        verbose_name=_("供热季"),
        related_name="readiness_items",
        on_delete=models.CASCADE,
    )
    company = models.ForeignKey(
        HeatingCompany,
        verbose_name=_("责任公司"),
        related_name="readiness_items",
        on_delete=models.PROTECT,
    )
    substation = models.ForeignKey(
        Substation,
        verbose_name=_("换热站"),
        related_name="readiness_items",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
    )
    source = models.ForeignKey(
        HeatSource,
        verbose_name=_("热源"),
        related_name="readiness_items",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
    )
    task = models.CharField(_("工作"), max_length=20, choices=ChecklistTask.choices)
    due_date = models.DateField(_("要求完成日期"))
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    notes = models.TextField(_("情况说明"), blank=True, max_length=1000)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填报人"),
        related_name="+",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    updated_at = models.DateTimeField(_("填报时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("准备工作")
        verbose_name_plural = _("准备工作")
        ordering = ["season", "company", "source", "substation", "due_date"]
        constraints = [
            models.CheckConstraint(
                name="readiness_item_one_site",
                condition=(Q(substation__isnull=False) & Q(source__isnull=True))
                | (Q(substation__isnull=True) & Q(source__isnull=False)),
            ),
            models.UniqueConstraint(
                fields=["season", "substation", "task"],
                condition=Q(substation__isnull=False),
                name="readiness_item_unique_substation_task",
            ),
            models.UniqueConstraint(
                fields=["season", "source", "task"],
                condition=Q(source__isnull=False),
                name="readiness_item_unique_source_task",
            ),
        ]
        indexes = [models.Index(fields=["season", "company", "done_on"])]

    def __str__(self):
        return f"{self.site} · {self.get_task_display()}"

    @property
    def site(self):
        return self.substation or self.source

    def is_late(self, today: date) -> bool:
        if self.done_on is None:
            return today > self.due_date
        return self.done_on > self.due_date


class FuelStockReport(models.Model):
    """A company's report of how many days of fuel a heat source holds on a date."""

    season = models.ForeignKey(
        HeatingSeason,
        verbose_name=_("供热季"),
        related_name="fuel_reports",
        on_delete=models.CASCADE,
    )
    company = models.ForeignKey(
        HeatingCompany,
        verbose_name=_("填报公司"),
        related_name="fuel_reports",
        on_delete=models.PROTECT,
    )
    source = models.ForeignKey(
        HeatSource, verbose_name=_("热源"), related_name="fuel_reports", on_delete=models.CASCADE
    )
    reported_on = models.DateField(_("填报日期"))
    stock_days = models.FloatField(
        _("燃料储备 (天)"), validators=[MinValueValidator(0), MaxValueValidator(365)]
    )
    notes = models.CharField(_("说明"), max_length=300, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填报人"),
        related_name="+",
        on_delete=models.PROTECT,
    )

    class Meta:
        verbose_name = _("燃料储备")
        verbose_name_plural = _("燃料储备")
        ordering = ["-reported_on", "-id"]
        constraints = [
            models.CheckConstraint(
                name="fuel_stock_days_range",
                condition=Q(stock_days__gte=0) & Q(stock_days__lte=365),
            )
        ]

    def __str__(self):
        return f"{self.source} {self.reported_on} {self.stock_days:g} 天"


class TrainingSession(models.Model):
    """A pre-season staff training session (岗前培训) held by a company."""

    season = models.ForeignKey(
        HeatingSeason,
        verbose_name=_("供热季"),
        related_name="training_sessions",
        on_delete=models.CASCADE,
    )
    company = models.ForeignKey(
        HeatingCompany,
        verbose_name=_("热力公司"),
        related_name="training_sessions",
        on_delete=models.PROTECT,
    )
    held_on = models.DateField(_("培训日期"))
    topic = models.CharField(_("培训内容"), max_length=120)
    attendees = models.PositiveIntegerField(
        _("参训人数"), validators=[MinValueValidator(1), MaxValueValidator(10000)]
    )
    notes = models.CharField(_("说明"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填报人"),
        related_name="+",
        on_delete=models.PROTECT,
    )

    class Meta:
        verbose_name = _("培训")
        verbose_name_plural = _("培训")
        ordering = ["-held_on", "-id"]
        constraints = [
            models.CheckConstraint(
                name="training_attendees_positive", condition=Q(attendees__gte=1)
            )
        ]

    def __str__(self):
        return f"{self.held_on} {self.topic}"

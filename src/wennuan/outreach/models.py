"""访民问暖: the bureau's visits to the communities with the most problems, and the plan of
items each visit yields, tracked until the bureau has checked and closed every one."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import ItemStatus


class OutreachVisit(models.Model):
    """One outreach visit (访民问暖) to a community: who went, what they saw, and (through its
    items) the plan of solutions with deadlines. Published as a summary unless marked private;
    the homes visited are published only as a number (the note may name rooms)."""

    community = models.ForeignKey(
        "registry.Community",
        verbose_name=_("小区"),
        related_name="outreach_visits",
        on_delete=models.PROTECT,
    )
    visited_on = models.DateField(_("走访日期"))
    participants = models.TextField(_("参加人员"))
    substations = models.ManyToManyField(
        "registry.Substation", verbose_name=_("查看的换热站"), related_name="+", blank=True
    )
    homes_visited = models.PositiveIntegerField(_("入户户数"), default=0)
    homes_note = models.TextField(_("入户情况（不公开）"), blank=True)
    findings = models.TextField(_("发现的问题"))
    is_public = models.BooleanField(_("公开"), default=True)
    # Public only once a reviewer has read the masked text (when the city asks for review);
    # the last review stays recorded, also after a withdrawal.
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核公开人"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("撤回人"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("记录时间"), default=timezone.now)

    class Meta:
        verbose_name = _("访民问暖走访")
        verbose_name_plural = _("访民问暖走访")
        ordering = ["-visited_on", "-id"]

    def __str__(self):
        return f"{self.community} {self.visited_on:%Y-%m-%d}"


class PlanItem(models.Model):
    """One item of a visit's plan: the problem, the solution, the responsible company and a
    deadline. The company marks it done; the bureau closes it after checking, or sends it back.
    The worker reminds the company before the deadline and flags it overdue after."""

    visit = models.ForeignKey(
        OutreachVisit, verbose_name=_("走访"), related_name="items", on_delete=models.PROTECT
    )
    problem = models.TextField(_("问题"))
    solution = models.TextField(_("解决措施"))
    company = models.ForeignKey(
        "registry.HeatingCompany",
        verbose_name=_("责任单位"),
        related_name="outreach_items",
        on_delete=models.PROTECT,
    )
    deadline = models.DateField(_("完成期限"), db_index=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=ItemStatus.choices, default=ItemStatus.OPEN, db_index=True
    )
    overdue = models.BooleanField(_("逾期"), default=False)
    reminded_at = models.DateTimeField(_("到期提醒时间"), null=True, blank=True)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    done_note = models.TextField(_("完成情况"), blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.SET_NULL, null=True, blank=True
    )
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.SET_NULL, null=True, blank=True
    )
    check_note = models.TextField(_("核查意见"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("整改事项")
        verbose_name_plural = _("整改事项")
        ordering = ["deadline", "id"]

    def __str__(self):
        return self.problem[:30]

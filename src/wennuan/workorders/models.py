"""Work orders (工单) and everything recorded about them (design §4).

State and clock fields change only through ``wennuan.workorders.actions``; the event log is
append-only and is the audit trail.
"""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from wennuan.lib.phones import validate_phone
from wennuan.staff.access import staff_role, user_company_id
from wennuan.staff.choices import Role

from .choices import (
    OPEN_STATES,
    Action,
    Category,
    Cause,
    Channel,
    Clock,
    RoomKind,
    Satisfaction,
    State,
    Verdict,
)

# Temperatures a person can plausibly read indoors or report; anything else is a typo.
TEMPERATURE_VALIDATORS = [MinValueValidator(-10), MaxValueValidator(40)]


class WorkOrder(models.Model):
    """A complaint or request routed to the responsible heating company, with its deadlines.

    ``due_at`` is the nearest deadline the company has not met yet, ``press_at`` the moment
    (80 % of the way to it) the worker presses; both are recomputed by every action so the
    worker and the queues only read indexed columns.
    """

    number = models.CharField(_("工单号"), max_length=20, unique=True)
    channel = models.CharField(_("来源"), max_length=20, choices=Channel.choices)
    api_client = models.ForeignKey(
        "api.ApiClient",
        verbose_name=_("推送系统"),
        related_name="orders",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    external_id = models.CharField(_("外部编号"), max_length=60, blank=True)
    caller_name = models.CharField(_("来电人"), max_length=40, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, validators=[validate_phone])
    community = models.ForeignKey(
        "registry.Community",
        verbose_name=_("小区"),
        related_name="work_orders",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    company = models.ForeignKey(
        "registry.HeatingCompany",
        verbose_name=_("责任单位"),
        related_name="work_orders",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    building = models.CharField(_("楼号"), max_length=10, blank=True)
    unit = models.CharField(_("单元"), max_length=10, blank=True)
    room = models.CharField(_("户号"), max_length=10, blank=True)
    text = models.TextField(_("诉求内容"))
    stated_temp_c = models.FloatField(
        _("反映室温 (°C)"), null=True, blank=True, validators=TEMPERATURE_VALIDATORS
    )
    category = models.CharField(_("类别"), max_length=20, choices=Category.choices)
    state = models.CharField(
        _("状态"), max_length=20, choices=State.choices, default=State.RECEIVED, db_index=True
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("维修人员"),
        related_name="assigned_orders",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    master = models.ForeignKey(
        "self",
        verbose_name=_("主工单"),
        related_name="duplicates",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    reply = models.TextField(_("答复内容"), blank=True)
    is_published = models.BooleanField(_("已公开"), default=False, db_index=True)

    pressed = models.BooleanField(_("催办"), default=False)
    supervised = models.BooleanField(_("督办"), default=False)
    extension_requested = models.BooleanField(_("申请延期"), default=False)
    extension_approved = models.BooleanField(_("已延期"), default=False)
    requested_extension_until = models.DateTimeField(_("申请延期至"), null=True, blank=True)
    overdue = models.BooleanField(_("超期"), default=False, db_index=True)

    created_at = models.DateTimeField(_("受理时间"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now, db_index=True)
    clock_started_at = models.DateTimeField(_("计时起点"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    first_visit_at = models.DateTimeField(_("首次入户时间"), null=True, blank=True)
    # Set by a not-at-home visit: the on-site clock waits for the citizen (design §4.3) until
    # the next visit, which moves the on-site deadline by the time waited.
    onsite_paused_at = models.DateTimeField(_("入户计时暂停于"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    # An order no company could be told for waits in the bureau's routing queue until this.
    routing_deadline = models.DateTimeField(_("转办时限"), null=True, blank=True, db_index=True)
    sign_deadline = models.DateTimeField(_("签收时限"), null=True, blank=True, db_index=True)
    onsite_deadline = models.DateTimeField(_("入户时限"), null=True, blank=True, db_index=True)
    resolve_deadline = models.DateTimeField(_("办结时限"), null=True, blank=True, db_index=True)
    due_at = models.DateTimeField(_("最近时限"), null=True, blank=True, db_index=True)
    press_at = models.DateTimeField(_("自动催办时间"), null=True, blank=True, db_index=True)
    breached_at = models.DateTimeField(_("本时限超期时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("工单")
        verbose_name_plural = _("工单")
        ordering = ["-created_at"]
        indexes = [
            # The queues page through ids answered from these (list pages, design §4.3).
            models.Index(
                fields=["company", "state", "due_at", "created_at"], name="order_company_queue"
            ),
            models.Index(fields=["state", "created_at", "id"], name="order_state_recent"),
            models.Index(fields=["created_at", "id"], name="order_recent"),
            models.Index(fields=["company", "created_at", "id"], name="order_company_recent"),
            models.Index(
                fields=["company", "category", "created_at"], name="order_company_category"
            ),
            # The worker's overdue sweep: deadlines not yet marked as breached.
            models.Index(
                fields=["due_at"],
                condition=models.Q(breached_at__isnull=True),
                name="order_due_unbreached",
            ),
            models.Index(fields=["phone", "created_at"], name="order_phone"),
            models.Index(fields=["community", "building", "unit", "room"], name="order_home"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["api_client", "external_id"],
                condition=~models.Q(external_id=""),
                name="order_external_id_per_client",
            )
        ]

    def __str__(self):
        return self.number

    @property
    def home_label(self) -> str:
        """ "3号楼2单元501" / "Bldg 3, Unit 2, 501" in the reader's language."""
        parts = []
        if self.building:
            parts.append(gettext("%(building)s号楼") % {"building": self.building})
        if self.unit:
            parts.append(gettext("%(unit)s单元") % {"unit": self.unit})
        if self.room:
            parts.append(self.room)
        # Chinese writes the parts together; English separates them.
        chinese = (translation.get_language() or "zh").startswith("zh")
        return ("" if chinese else ", ").join(parts)

    @property
    def last_verdict_label(self) -> str:
        """The verdict of the latest visit (uses prefetched visits when present)."""
        visits = list(self.visits.all())
        return str(visits[-1].get_verdict_display()) if visits else ""

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class EventQuerySet(models.QuerySet):
    """The audit trail is append-only: bulk updates and deletes are refused too."""

    def update(self, **kwargs):
        raise TypeError("work-order events are append-only")

    def delete(self):
        raise TypeError("work-order events are append-only")


class Event(models.Model):
    """One thing that happened to an order: who, when, from which state to which, and why."""

    order = models.ForeignKey(
        WorkOrder, verbose_name=_("工单"), related_name="events", on_delete=models.PROTECT
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        related_name="+",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    actor_label = models.CharField(_("操作方"), max_length=80)
    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    action = models.CharField(_("动作"), max_length=30, choices=Action.choices)
    from_state = models.CharField(_("原状态"), max_length=20, blank=True, choices=State.choices)
    to_state = models.CharField(_("新状态"), max_length=20, blank=True, choices=State.choices)
    reason = models.TextField(_("理由"), blank=True)
    data = models.JSONField(_("数据"), default=dict, blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("工单事件")
        verbose_name_plural = _("工单事件")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.order_id} {self.action} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("work-order events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("work-order events are append-only")


class Visit(models.Model):
    """A home visit (入户) with the temperature test of design §4.4; the verdict is computed."""

    order = models.ForeignKey(
        WorkOrder, verbose_name=_("工单"), related_name="visits", on_delete=models.PROTECT
    )
    technician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("维修人员"),
        related_name="visits",
        on_delete=models.PROTECT,
    )
    visited_at = models.DateTimeField(_("入户时间"), default=timezone.now)
    not_home = models.BooleanField(_("住户不在家"), default=False)
    access_refused = models.BooleanField(_("拒绝入户"), default=False)
    closed_30_min = models.BooleanField(_("门窗已关闭30分钟以上"), default=False)
    centre_height_ok = models.BooleanField(_("房间中央、离地1.4–1.5米测量"), default=False)
    read_after_10_min = models.BooleanField(_("稳定10分钟后读数"), default=False)
    outdoor_temp_c = models.FloatField(
        _("室外温度 (°C)"), null=True, blank=True, validators=[MinValueValidator(-40)]
    )
    causes = models.JSONField(_("原因"), default=list, blank=True)
    actions_taken = models.TextField(_("现场处理"), blank=True)
    violations = models.TextField(_("发现的违规"), blank=True)
    rectification = models.TextField(_("整改要求"), blank=True)
    photo = models.FileField(_("照片"), upload_to="visits/%Y/%m/", blank=True)
    resident_confirmed = models.BooleanField(_("住户签字确认"), default=False)
    home_area_m2 = models.FloatField(
        _("房屋供热面积 (m²)"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    standard_temp_c = models.FloatField(_("室温标准 (°C)"), default=18)
    verdict = models.CharField(_("结论"), max_length=20, choices=Verdict.choices)
    lowest_reading_c = models.FloatField(_("最低室温 (°C)"), null=True, blank=True)

    class Meta:
        verbose_name = _("入户记录")
        verbose_name_plural = _("入户记录")
        ordering = ["visited_at", "id"]

    def __str__(self):
        return f"{self.order_id} {self.get_verdict_display()}"

    @property
    def shortfall_k(self) -> float:
        if self.lowest_reading_c is None:
            return 0.0
        return max(0.0, self.standard_temp_c - self.lowest_reading_c)

    def cause_labels(self) -> list[str]:
        labels = dict(Cause.choices)
        return [str(labels.get(code, code)) for code in self.causes]


class Reading(models.Model):
    """One room's indoor temperature at a visit."""

    visit = models.ForeignKey(
        Visit, verbose_name=_("入户记录"), related_name="readings", on_delete=models.CASCADE
    )
    room = models.CharField(_("房间"), max_length=20)
    kind = models.CharField(_("类型"), max_length=10, choices=RoomKind.choices)
    temp_c = models.FloatField(_("室温 (°C)"), validators=TEMPERATURE_VALIDATORS)

    class Meta:
        verbose_name = _("测温读数")
        verbose_name_plural = _("测温读数")
        ordering = ["id"]

    def __str__(self):
        return f"{self.room} {self.temp_c} °C"


class Callback(models.Model):
    """A call back (回访) to the citizen after the reply, with their satisfaction."""

    order = models.ForeignKey(
        WorkOrder, verbose_name=_("工单"), related_name="callbacks", on_delete=models.PROTECT
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("回访人"),
        related_name="+",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    at = models.DateTimeField(_("回访时间"), default=timezone.now)
    satisfaction = models.CharField(_("满意度"), max_length=20, choices=Satisfaction.choices)
    note = models.TextField(_("回访记录"), blank=True)

    class Meta:
        verbose_name = _("回访")
        verbose_name_plural = _("回访")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.order_id} {self.get_satisfaction_display()}"


class DeadlinePolicy(models.Model):
    """Time limits per category (design §4.3); the administrator edits them in the admin.

    Minutes are wall-clock minutes on the 24×7 clock and working minutes on the business
    calendar (one working day = the working hours of ``deadlines.WORKDAY``)."""

    category = models.CharField(_("类别"), max_length=20, choices=Category.choices, unique=True)
    sign_minutes = models.PositiveIntegerField(_("签收时限 (分钟)"))
    onsite_minutes = models.PositiveIntegerField(_("入户/首次答复时限 (分钟)"))
    resolve_minutes = models.PositiveIntegerField(_("办结时限 (分钟)"))
    clock = models.CharField(_("计时方式"), max_length=20, choices=Clock.choices)

    class Meta:
        verbose_name = _("时限规则")
        verbose_name_plural = _("时限规则")
        ordering = ["category"]

    def __str__(self):
        return self.get_category_display()


class IdempotencyKey(models.Model):
    """A client's Idempotency-Key and the order it created: a retried push returns it again.

    ``key`` is the SHA-256 of the whole key as sent (a key is never cut: two keys sharing a
    prefix are two complaints); ``body_hash`` that of the request body, so the same key with a
    different body is refused (422) instead of answered with an unrelated order. Rows from
    before the hash have an empty ``body_hash`` and are not compared."""

    client = models.ForeignKey(
        "api.ApiClient", related_name="idempotency_keys", on_delete=models.CASCADE
    )
    key = models.CharField(max_length=64)
    body_hash = models.CharField(max_length=64, blank=True, default="")
    order = models.ForeignKey(WorkOrder, related_name="+", on_delete=models.CASCADE)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "key"], name="idempotency_key_per_client")
        ]

    def __str__(self):
        return f"{self.client_id}:{self.key}"


class OrderNumberCounter(models.Model):
    """The last sequence number given out per day ("GN20261127" → 123): the next order number
    is this row incremented in place, which the database serialises on SQLite and PostgreSQL,
    so any number of workers never take the same number (reading the highest existing number
    and adding one collided with more than two workers, issue 18 item 3)."""

    prefix = models.CharField(max_length=12, primary_key=True)
    last_sequence = models.PositiveIntegerField()

    def __str__(self):
        return f"{self.prefix} {self.last_sequence}"


class InboxMessage(models.Model):
    """An in-app notification for a staff user (the worker's presses and breaches)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="inbox", on_delete=models.CASCADE
    )
    order = models.ForeignKey(
        WorkOrder, related_name="+", on_delete=models.CASCADE, null=True, blank=True
    )
    text = models.CharField(_("内容"), max_length=200)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("站内消息")
        verbose_name_plural = _("站内消息")
        ordering = ["-created_at"]

    def __str__(self):
        return self.text


class CallerHistoryView(models.Model):
    """Audit of who looked at a caller's earlier orders (personal data, design §4.5)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="+", on_delete=models.PROTECT)
    phone = models.CharField(max_length=20)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("来电历史查询记录")
        verbose_name_plural = _("来电历史查询记录")

    def __str__(self):
        return f"{self.user_id} {self.phone} {self.at:%Y-%m-%d %H:%M}"


class LookupFailure(models.Model):
    """A failed public look-up (wrong number or phone digits): the rate limit of /lookup/ counts
    these per address, and per order number and address, so four digits cannot be guessed by
    trying while the real caller is never locked out by someone else's guesses."""

    ip = models.GenericIPAddressField(_("IP地址"), null=True, blank=True)
    number = models.CharField(_("工单号"), max_length=20, blank=True)
    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("查询失败记录")
        verbose_name_plural = _("查询失败记录")
        indexes = [
            models.Index(fields=["ip", "at"], name="lookup_failure_ip"),
            models.Index(fields=["number", "at"], name="lookup_failure_number"),
        ]

    def __str__(self):
        return f"{self.ip} {self.number} {self.at:%Y-%m-%d %H:%M}"


class ComplaintSubmission(models.Model):
    """A complaint sent through the public form, by address: the form's limit per address
    (one address sending complaints for twenty phones is a script, issue 18 item 11)."""

    ip = models.GenericIPAddressField(_("IP地址"))
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("网上诉求提交记录")
        verbose_name_plural = _("网上诉求提交记录")
        indexes = [models.Index(fields=["ip", "at"], name="complaint_submission_ip")]

    def __str__(self):
        return f"{self.ip} {self.at:%Y-%m-%d %H:%M}"


class ManagerAccount(models.Model):
    """Links a community manager's login (role community_manager) to their entry in the
    register: they read the orders of the communities that entry manages, nothing else."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("账号"),
        related_name="manager_account",
        on_delete=models.CASCADE,
    )
    manager = models.OneToOneField(
        "registry.Manager",
        verbose_name=_("小区管理员"),
        related_name="login_account",
        on_delete=models.CASCADE,
    )

    class Meta:
        verbose_name = _("小区管理员账号")
        verbose_name_plural = _("小区管理员账号")

    def __str__(self):
        return f"{self.user} → {self.manager}"

    def clean(self):
        if staff_role(self.user) != Role.COMMUNITY_MANAGER:
            raise ValidationError({"user": _("该账号的角色不是小区管理员")})
        if user_company_id(self.user) != self.manager.company_id:
            raise ValidationError({"manager": _("小区管理员属于其他热力公司")})


class FeeReductionRule(models.Model):
    """The fee reduction (退费) rule of design §4.4, edited by the administrator: the share of
    the daily fee refunded per under-heated day, by how far the home fell short of the
    standard. The default is modelled on the Beijing heating contract; Heze's own rule replaces
    it when known. The active record is used for every order; without one the default holds."""

    name = models.CharField(_("名称"), max_length=60, unique=True)
    is_active = models.BooleanField(_("启用"), default=True)
    small_shortfall_k = models.FloatField(
        _("轻度不足上限 (K)"), default=2.0, validators=[MinValueValidator(0.1)]
    )
    small_ratio = models.FloatField(
        _("轻度不足退费比例"),
        default=0.4,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    medium_shortfall_k = models.FloatField(
        _("中度不足上限 (K)"), default=4.0, validators=[MinValueValidator(0.1)]
    )
    medium_ratio = models.FloatField(
        _("中度不足退费比例"),
        default=0.6,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    large_ratio = models.FloatField(
        _("严重不足退费比例"),
        default=1.0,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    grace_hours = models.PositiveIntegerField(
        _("免退费修复时限 (小时)"), default=24, help_text=_("在此时限内修复的不退费")
    )

    class Meta:
        verbose_name = _("退费规则")
        verbose_name_plural = _("退费规则")
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=models.Q(is_active=True), name="one_active_fee_rule"
            ),
            models.CheckConstraint(
                name="fee_rule_bands_increase",
                condition=models.Q(medium_shortfall_k__gt=models.F("small_shortfall_k")),
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.medium_shortfall_k <= self.small_shortfall_k:
            raise ValidationError({"medium_shortfall_k": _("中度不足上限必须大于轻度不足上限")})
        if not self.small_ratio <= self.medium_ratio <= self.large_ratio:
            raise ValidationError({"medium_ratio": _("退费比例应随室温不足程度递增")})
        if self.is_active:
            others = FeeReductionRule.objects.filter(is_active=True).exclude(pk=self.pk)
            if others.exists():
                raise ValidationError({"is_active": _("只能启用一条退费规则，请先停用其他规则")})


class FormSubmission(models.Model):
    """The one-time token of a complaint form (public or the operator's) and the order it
    made: a double click, or Back and submit again, shows that order instead of making a
    second one (issue 16.11). The token is unique, so two submits racing each other cannot
    both insert: the loser's transaction (and its order) is rolled back."""

    token = models.CharField(max_length=64, unique=True)
    order = models.ForeignKey(WorkOrder, related_name="+", on_delete=models.CASCADE)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"{self.token} → {self.order_id}"


# What a template may leave for the order to fill; anything else in braces (ASCII or
# full-width) would reach the citizen as it stands.
TEMPLATE_PLACEHOLDERS = ("{小区}", "{日期}", "{室温}")
BRACED = re.compile(r"[{｛][^{}｛｝\n]{0,20}[}｝]")


class ReplyTemplate(models.Model):
    """A reply the company's dispatchers start from (答复模板), per category; the
    placeholders {小区}, {日期}, {室温} are filled from the order when it is offered. A
    template without a company serves every company (the bureau's)."""

    company = models.ForeignKey(
        "registry.HeatingCompany",
        verbose_name=_("热力公司"),
        related_name="reply_templates",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        help_text=_("留空则所有公司可用"),
    )
    category = models.CharField(
        _("工单类别"),
        max_length=20,
        choices=Category.choices,
        blank=True,
        help_text=_("留空则所有类别可用"),
    )
    title = models.CharField(_("模板名称"), max_length=40)
    text = models.TextField(
        _("答复内容"),
        max_length=2000,
        help_text=_("可用占位符：{小区}、{日期}、{室温}，选用时自动填入"),
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("答复模板")
        verbose_name_plural = _("答复模板")
        ordering = ["category", "title"]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        unknown = sorted(set(BRACED.findall(self.text or "")) - set(TEMPLATE_PLACEHOLDERS))
        if unknown:
            raise ValidationError(
                {
                    "text": _("模板中的 %(u)s 不是可用的占位符（可用：%(ok)s）")
                    % {"u": "、".join(unknown), "ok": "、".join(TEMPLATE_PLACEHOLDERS)}
                }
            )

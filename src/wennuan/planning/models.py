"""Data of the dispatch centre: weather series, meter history, daily plans and their results.

Hours: a plan covers one local day (Asia/Shanghai) of 24 hours; every ``*_kw`` / ``*_c`` /
``*_bar`` result column that is a JSON list holds exactly 24 floats, index 0 = 00:00–01:00
local time. One row per plan and element (source, substation, community, pipe) keeps a 500-
community console at one query per table.

A plan is never edited once approved: adjusting or re-running creates a new version (the
engine writes all results of a version in one transaction while it is a draft). Approving a
version supersedes the previously approved version of the same day and company.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wennuan.lib.systemtext import SystemTextListField

from .choices import (
    AdjustmentKind,
    ForecastMethod,
    MeterOrigin,
    PlanStatus,
    PlanTrigger,
    WeatherKind,
    WeatherProvider,
)

HOURS_PER_PLAN = 24


class WeatherSeries(models.Model):
    """One hourly weather series of a city from one provider: a forecast issued at
    ``issued_at`` or a stretch of observations. Plans record which series they used."""

    city = models.ForeignKey(
        "registry.City",
        verbose_name=_("城市"),
        related_name="weather_series",
        on_delete=models.CASCADE,
    )
    kind = models.CharField(_("类型"), max_length=10, choices=WeatherKind.choices)
    provider = models.CharField(_("来源"), max_length=20, choices=WeatherProvider.choices)
    issued_at = models.DateTimeField(
        _("发布时间"), help_text=_("预报的发布时间；实测数据为最后一次观测的时间")
    )
    fetched_at = models.DateTimeField(_("获取时间"), default=timezone.now)
    latitude = models.FloatField(_("纬度"), null=True, blank=True)
    longitude = models.FloatField(_("经度"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("天气序列")
        verbose_name_plural = _("天气序列")
        ordering = ["-issued_at", "-id"]
        indexes = [models.Index(fields=["city", "kind", "-issued_at"], name="weather_latest")]

    def __str__(self):
        return f"{self.get_provider_display()} {self.get_kind_display()} {self.issued_at:%Y-%m-%d %H:%M}"


class WeatherHour(models.Model):
    """One hour of a weather series (``timestamp`` = start of the hour, aware)."""

    series = models.ForeignKey(WeatherSeries, related_name="hours", on_delete=models.CASCADE)
    timestamp = models.DateTimeField(_("时间"))
    outdoor_temp_c = models.FloatField(
        _("室外温度 (°C)"), validators=[MinValueValidator(-60), MaxValueValidator(60)]
    )
    wind_speed_m_s = models.FloatField(_("风速 (m/s)"), null=True, blank=True)
    solar_w_m2 = models.FloatField(_("太阳辐射 (W/m²)"), null=True, blank=True)

    class Meta:
        verbose_name = _("逐时天气")
        verbose_name_plural = _("逐时天气")
        ordering = ["series", "timestamp"]
        constraints = [
            models.UniqueConstraint(fields=["series", "timestamp"], name="weather_hour_unique")
        ]

    def __str__(self):
        return f"{self.timestamp:%Y-%m-%d %H:%M} {self.outdoor_temp_c:.1f} °C"


class MeterReading(models.Model):
    """One hour of a substation's heat meter (SCADA): heat delivered and the primary-side
    temperatures and flow. ``timestamp`` = start of the hour, aware."""

    substation = models.ForeignKey(
        "registry.Substation",
        verbose_name=_("换热站"),
        related_name="meter_readings",
        on_delete=models.CASCADE,
    )
    timestamp = models.DateTimeField(_("时间"))
    heat_kw = models.FloatField(_("热负荷 (kW)"), validators=[MinValueValidator(0)])
    supply_temp_c = models.FloatField(_("供水温度 (°C)"), null=True, blank=True)
    return_temp_c = models.FloatField(_("回水温度 (°C)"), null=True, blank=True)
    flow_m3_h = models.FloatField(_("流量 (m³/h)"), null=True, blank=True)
    origin = models.CharField(_("来源"), max_length=10, choices=MeterOrigin.choices)

    class Meta:
        verbose_name = _("热计量数据")
        verbose_name_plural = _("热计量数据")
        ordering = ["substation", "timestamp"]
        constraints = [
            models.UniqueConstraint(
                fields=["substation", "timestamp"], name="meter_reading_unique_hour"
            ),
            models.CheckConstraint(
                name="meter_reading_heat_nonnegative", condition=Q(heat_kw__gte=0)
            ),
        ]

    def __str__(self):
        return f"{self.substation_id} {self.timestamp:%Y-%m-%d %H:%M} {self.heat_kw:.0f} kW"


class PlanImmutableError(ValidationError):
    """Raised when something tries to change an approved or superseded plan."""


class Plan(models.Model):
    """One version of a company's heat plan (调度计划) for one day.

    Inputs are recorded so a plan can be explained later: the weather series (provider, issue
    time, age when used) and the 24 outdoor temperatures actually used (``inputs``)."""

    company = models.ForeignKey(
        "registry.HeatingCompany",
        verbose_name=_("热力公司"),
        related_name="plans",
        on_delete=models.PROTECT,
    )
    date = models.DateField(_("计划日期"))
    version = models.PositiveIntegerField(_("版本"))
    status = models.CharField(
        _("状态"), max_length=12, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    trigger = models.CharField(_("触发方式"), max_length=10, choices=PlanTrigger.choices)
    based_on = models.ForeignKey(
        "self",
        verbose_name=_("基于版本"),
        related_name="reruns",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    # Which weather was used and how old it was when the plan was computed.
    weather_series = models.ForeignKey(
        WeatherSeries,
        verbose_name=_("使用的天气序列"),
        related_name="plans",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    weather_provider = models.CharField(
        _("天气来源"), max_length=20, choices=WeatherProvider.choices, blank=True
    )
    weather_issued_at = models.DateTimeField(_("预报发布时间"), null=True, blank=True)
    weather_age_h = models.FloatField(_("预报时效 (小时)"), null=True, blank=True)
    weather_note = models.CharField(
        _("天气说明"), max_length=300, blank=True, help_text=_("例如：预报服务不可用，改用…")
    )
    inputs = models.JSONField(
        _("输入"),
        default=dict,
        blank=True,
        help_text=_("outdoor_temp_c [24]、标准室温、裕度等计算输入"),
    )
    # Summary, for lists and the daily report.
    total_demand_kwh = models.FloatField(_("需热量 (kWh)"), default=0)
    total_heat_kwh = models.FloatField(_("计划供热量 (kWh)"), default=0)
    total_capacity_kwh = models.FloatField(_("热源可供热量 (kWh)"), default=0)
    min_predicted_indoor_c = models.FloatField(_("最低预测室温 (°C)"), null=True, blank=True)
    at_risk_count = models.PositiveIntegerField(_("低温风险小区数"), default=0)
    flow_shortfall_count = models.PositiveIntegerField(_("流量不足换热站数"), default=0)
    warnings = SystemTextListField(_("提示"), default=list, blank=True)
    computed_at = models.DateTimeField(_("计算时间"), default=timezone.now)
    compute_seconds = models.FloatField(_("计算耗时 (秒)"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("计算人"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("批准人"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    approved_at = models.DateTimeField(_("批准时间"), null=True, blank=True)
    comment = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = _("调度计划")
        verbose_name_plural = _("调度计划")
        ordering = ["-date", "company", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "date", "version"], name="plan_version_unique"
            ),
            models.UniqueConstraint(
                fields=["company", "date"],
                condition=Q(status="approved"),
                name="plan_one_approved_per_day",
            ),
            models.CheckConstraint(
                name="plan_approved_has_time",
                condition=~Q(status="approved") | Q(approved_at__isnull=False),
            ),
        ]
        indexes = [models.Index(fields=["date", "status"], name="plan_date_status")]

    def __str__(self):
        return f"{self.company} {self.date} v{self.version}"

    def save(self, *args, **kwargs):
        # Guard: an approved/superseded version keeps its content; the only allowed change is
        # approved → superseded (done by wennuan.planning.actions.approve_plan).
        if self.pk:
            stored = Plan.objects.filter(pk=self.pk).values("status").first()
            if stored and stored["status"] != PlanStatus.DRAFT:
                allowed = (
                    stored["status"] == PlanStatus.APPROVED
                    and self.status == (PlanStatus.SUPERSEDED)
                    and set(kwargs.get("update_fields") or ()) == {"status"}
                )
                if not allowed:
                    raise PlanImmutableError(_("已批准的计划不能修改，请重新计算生成新版本"))
        super().save(*args, **kwargs)

    @property
    def is_editable(self) -> bool:
        """Only drafts may gain adjustments or results."""
        return self.status == PlanStatus.DRAFT


class PlanSource(models.Model):
    """Per plan and heat source: the 24-hour schedule at the source (shifted earlier by the
    transport delay to the substations), its capacity and supply temperature."""

    plan = models.ForeignKey(Plan, related_name="source_results", on_delete=models.CASCADE)
    source = models.ForeignKey(
        "registry.HeatSource", verbose_name=_("热源"), related_name="+", on_delete=models.PROTECT
    )
    heat_kw = models.JSONField(_("出力 (kW)"), default=list)
    capacity_kw = models.JSONField(_("可用能力 (kW)"), default=list)
    supply_temp_c = models.JSONField(_("出口供水温度 (°C)"), default=list)
    total_heat_kwh = models.FloatField(_("日供热量 (kWh)"), default=0)

    class Meta:
        verbose_name = _("热源计划")
        verbose_name_plural = _("热源计划")
        constraints = [
            models.UniqueConstraint(fields=["plan", "source"], name="plan_source_unique")
        ]

    def __str__(self):
        return f"{self.plan} {self.source}"


class PlanSubstation(models.Model):
    """Per plan and substation: forecast demand, allocated heat, set-points, hydraulic check."""

    plan = models.ForeignKey(Plan, related_name="substation_results", on_delete=models.CASCADE)
    substation = models.ForeignKey(
        "registry.Substation", verbose_name=_("换热站"), related_name="+", on_delete=models.PROTECT
    )
    forecast_method = models.CharField(
        _("负荷预测方法"), max_length=15, choices=ForecastMethod.choices
    )
    demand_kw = models.JSONField(_("预测需热 (kW)"), default=list)
    heat_kw = models.JSONField(_("分配热量 (kW)"), default=list)
    supply_temp_c = models.JSONField(_("供水温度设定 (°C)"), default=list)
    return_temp_c = models.JSONField(_("回水温度设定 (°C)"), default=list)
    mass_flow_kg_s = models.JSONField(_("一次侧流量 (kg/s)"), default=list)
    dp_margin_bar = models.JSONField(_("资用压差裕度 (bar)"), default=list)
    delay_h = models.FloatField(_("输送延迟 (小时)"), default=0)
    total_heat_kwh = models.FloatField(_("日供热量 (kWh)"), default=0)
    min_dp_margin_bar = models.FloatField(_("最小压差裕度 (bar)"), null=True, blank=True)
    flow_shortfall = models.BooleanField(
        _("流量不足"), default=False, help_text=_("至少一个小时得不到所需流量")
    )

    class Meta:
        verbose_name = _("换热站计划")
        verbose_name_plural = _("换热站计划")
        constraints = [
            models.UniqueConstraint(fields=["plan", "substation"], name="plan_substation_unique")
        ]

    def __str__(self):
        return f"{self.plan} {self.substation}"


class PlanCommunity(models.Model):
    """Per plan and community: demand, allocated heat and predicted indoor temperature."""

    plan = models.ForeignKey(Plan, related_name="community_results", on_delete=models.CASCADE)
    community = models.ForeignKey(
        "registry.Community", verbose_name=_("小区"), related_name="+", on_delete=models.PROTECT
    )
    demand_kw = models.JSONField(_("需热 (kW)"), default=list)
    heat_kw = models.JSONField(_("分配热量 (kW)"), default=list)
    predicted_indoor_c = models.JSONField(_("预测室温 (°C)"), default=list)
    min_indoor_c = models.FloatField(_("最低预测室温 (°C)"))
    at_risk = models.BooleanField(_("低温风险"), default=False)
    proactive_order = models.ForeignKey(
        "workorders.WorkOrder",
        verbose_name=_("主动工单"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("小区计划")
        verbose_name_plural = _("小区计划")
        constraints = [
            models.UniqueConstraint(fields=["plan", "community"], name="plan_community_unique")
        ]
        indexes = [models.Index(fields=["plan", "at_risk", "min_indoor_c"], name="plan_risk")]

    def __str__(self):
        return f"{self.plan} {self.community}"


class PlanPipe(models.Model):
    """Per plan and supply pipe: flow and velocity by hour (to colour the network map)."""

    plan = models.ForeignKey(Plan, related_name="pipe_results", on_delete=models.CASCADE)
    pipe = models.ForeignKey(
        "registry.NetworkPipe", verbose_name=_("管段"), related_name="+", on_delete=models.CASCADE
    )
    mass_flow_kg_s = models.JSONField(_("流量 (kg/s)"), default=list)
    velocity_m_s = models.JSONField(_("流速 (m/s)"), default=list)
    max_load_ratio = models.FloatField(
        _("最大负荷率"), null=True, blank=True, help_text=_("最大流量 / 设计流量")
    )

    class Meta:
        verbose_name = _("管段计划")
        verbose_name_plural = _("管段计划")
        constraints = [models.UniqueConstraint(fields=["plan", "pipe"], name="plan_pipe_unique")]

    def __str__(self):
        return f"{self.plan} {self.pipe}"


class PlanAdjustment(models.Model):
    """A dispatch engineer's change applied when computing ``plan``: a substation supply
    temperature set-point or a source limit for hours ``first_hour``..``last_hour`` (local,
    inclusive). Re-running a plan copies the adjustments of the version it is based on."""

    plan = models.ForeignKey(Plan, related_name="adjustments", on_delete=models.CASCADE)
    kind = models.CharField(_("调整类型"), max_length=15, choices=AdjustmentKind.choices)
    substation = models.ForeignKey(
        "registry.Substation",
        verbose_name=_("换热站"),
        related_name="+",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
    )
    source = models.ForeignKey(
        "registry.HeatSource",
        verbose_name=_("热源"),
        related_name="+",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
    )
    first_hour = models.PositiveSmallIntegerField(
        _("开始小时"), default=0, validators=[MaxValueValidator(23)]
    )
    last_hour = models.PositiveSmallIntegerField(
        _("结束小时"), default=23, validators=[MaxValueValidator(23)]
    )
    value = models.FloatField(_("数值"), help_text=_("供水温度 (°C) 或热源出力上限 (kW)"))
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("调整人"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("计划调整")
        verbose_name_plural = _("计划调整")
        ordering = ["plan", "id"]
        constraints = [
            models.CheckConstraint(
                name="adjustment_hours_ordered",
                condition=Q(first_hour__lte=models.F("last_hour")) & Q(last_hour__lte=23),
            ),
            models.CheckConstraint(
                name="adjustment_target_matches_kind",
                condition=(Q(kind="supply_temp", substation__isnull=False, source__isnull=True))
                | (Q(kind="source_limit", source__isnull=False, substation__isnull=True)),
            ),
            models.CheckConstraint(name="adjustment_value_nonnegative", condition=Q(value__gte=0)),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.value:g}"

    def clean(self):
        if self.kind == AdjustmentKind.SUPPLY_TEMP and not (20 <= self.value <= 150):
            raise ValidationError({"value": _("供水温度应在 20–150 °C 之间")})


class CommunityModelParameters(models.Model):
    """Calibrated model parameters of one community (default: the design values).

    ``heat_factor`` multiplies the design heat need (a poorly insulated or over-sized estate
    needs more/less than its design index says); ``indoor_offset_c`` shifts the predicted indoor
    temperature (e.g. measured rooms are systematically colder). Changed only with a
    CommunityParameterChange row (calibration writes both in one transaction)."""

    community = models.OneToOneField(
        "registry.Community",
        verbose_name=_("小区"),
        related_name="model_parameters",
        on_delete=models.CASCADE,
    )
    heat_factor = models.FloatField(
        _("需热修正系数"),
        default=1.0,
        validators=[MinValueValidator(0.5), MaxValueValidator(2.0)],
    )
    indoor_offset_c = models.FloatField(
        _("室温修正 (°C)"),
        default=0.0,
        validators=[MinValueValidator(-5), MaxValueValidator(5)],
    )
    time_constant_h = models.FloatField(
        _("建筑时间常数 (小时)"),
        default=40.0,
        validators=[MinValueValidator(2), MaxValueValidator(400)],
    )
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)

    class Meta:
        verbose_name = _("小区模型参数")
        verbose_name_plural = _("小区模型参数")
        constraints = [
            models.CheckConstraint(
                name="community_parameters_in_limits",
                condition=Q(heat_factor__gte=0.5, heat_factor__lte=2.0)
                & Q(indoor_offset_c__gte=-5, indoor_offset_c__lte=5)
                & Q(time_constant_h__gte=2, time_constant_h__lte=400),
            )
        ]

    def __str__(self):
        return str(self.community)


class CommunityParameterChange(models.Model):
    """Audit trail of calibration: one row per changed parameter (append-only)."""

    community = models.ForeignKey(
        "registry.Community",
        verbose_name=_("小区"),
        related_name="parameter_changes",
        on_delete=models.CASCADE,
    )
    parameter = models.CharField(_("参数"), max_length=30)
    old_value = models.FloatField(_("原值"))
    new_value = models.FloatField(_("新值"))
    reason = models.CharField(_("依据"), max_length=300)
    evidence = models.JSONField(_("数据"), default=dict, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("修改人"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    changed_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("模型参数变更")
        verbose_name_plural = _("模型参数变更")
        ordering = ["-changed_at", "-id"]

    def __str__(self):
        return f"{self.community} {self.parameter}: {self.old_value:g} → {self.new_value:g}"

"""The register of a heating city: who supplies heat to whom, and how to reach them.

Everything city-specific is a row here (the city itself included), so the next city loads its
own register and changes no code.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from wennuan.lib.phones import validate_phone
from wennuan.lib.search import search_key_for

from .choices import LineOwner, SourceKind, Terminal


class City(models.Model):
    """The city the installation serves and its supervising bureau (one row)."""

    name = models.CharField(_("城市"), max_length=50, help_text=_("例如 菏泽市"))
    bureau_name = models.CharField(
        _("主管部门"), max_length=100, help_text=_("例如 菏泽市城市管理局")
    )
    design_outdoor_temp_c = models.FloatField(
        _("供暖室外计算温度 (°C)"), default=-4.9, help_text=_("GB 50736，菏泽 −4.9 °C")
    )
    latitude = models.FloatField(
        _("纬度"), default=35.25, validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    longitude = models.FloatField(
        _("经度"), default=115.46, validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    area_code = models.CharField(
        _("长途区号"),
        max_length=5,
        blank=True,
        validators=[RegexValidator(r"^0\d{2,3}$", _("区号为 0 开头的 3–4 位数字，例如 0530"))],
        help_text=_("例如 菏泽 0530"),
    )
    review_publications = models.BooleanField(
        _("公开前须审核"),
        default=True,
        help_text=_("答复和走访记录须经监管人员审核（预览脱敏后的文字）后才公开"),
    )

    class Meta:
        verbose_name = _("城市")
        verbose_name_plural = _("城市")

    def __str__(self):
        return self.name

    @classmethod
    def publications_need_review(cls) -> bool:
        """Whether replies and outreach notes wait for a reviewer before they are public
        (yes without a City row: privacy is the safe default)."""
        review = cls.objects.values_list("review_publications", flat=True).first()
        return review is None or review


class HeatingCompany(models.Model):
    """A heating company (热力公司) responsible for the communities it supplies."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    legal_name = models.CharField(_("公司全称"), max_length=100, unique=True)
    short_name = models.CharField(_("简称"), max_length=40, unique=True)

    class Meta:
        verbose_name = _("热力公司")
        verbose_name_plural = _("热力公司")
        ordering = ["code"]

    def __str__(self):
        return self.legal_name

    def primary_service_line(self):
        """The first 24-hour line, which the directory shows."""
        lines = [line for line in self.service_lines.all() if line.is_24h]
        return lines[0] if lines else None


class ServiceLine(models.Model):
    """A telephone service line (热线) of the bureau or of a company."""

    number = models.CharField(
        _("号码"), max_length=20, validators=[validate_phone], help_text=_("只填数字")
    )
    label = models.CharField(_("名称"), max_length=60, unique=True)
    owner = models.CharField(_("所属"), max_length=10, choices=LineOwner.choices)
    company = models.ForeignKey(
        HeatingCompany,
        verbose_name=_("热力公司"),
        related_name="service_lines",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
    )
    is_24h = models.BooleanField(_("24小时"), default=True)

    class Meta:
        verbose_name = _("服务热线")
        verbose_name_plural = _("服务热线")
        ordering = ["owner", "label"]
        constraints = [
            models.CheckConstraint(
                name="service_line_owner_matches_company",
                condition=(Q(owner="bureau", company__isnull=True))
                | (Q(owner="company", company__isnull=False)),
            )
        ]

    def __str__(self):
        return f"{self.label} {self.number}"


class DutyShift(models.Model):
    """One operator on one line for a daily time window; a window may cross midnight."""

    line = models.ForeignKey(
        ServiceLine, verbose_name=_("热线"), related_name="shifts", on_delete=models.CASCADE
    )
    operator_name = models.CharField(_("值班人员"), max_length=40)
    start_time = models.TimeField(_("开始"))
    end_time = models.TimeField(_("结束"))

    class Meta:
        verbose_name = _("值班表")
        verbose_name_plural = _("值班表")
        ordering = ["line", "start_time"]

    def __str__(self):
        return (
            f"{self.line.label} {self.start_time:%H:%M}-{self.end_time:%H:%M} {self.operator_name}"
        )

    def covers(self, moment_time) -> bool:
        if self.start_time < self.end_time:
            return self.start_time <= moment_time < self.end_time
        return moment_time >= self.start_time or moment_time < self.end_time


class HeatSource(models.Model):
    """A heat source (热源): CHP plant or boiler house, possibly shared by companies."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=60, unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=SourceKind.choices)
    capacity_mw = models.FloatField(_("供热能力 (MW)"), validators=[MinValueValidator(0.1)])
    companies = models.ManyToManyField(
        HeatingCompany, verbose_name=_("供给公司"), related_name="heat_sources"
    )
    latitude = models.FloatField(_("纬度"))
    longitude = models.FloatField(_("经度"))
    design_supply_temp_c = models.FloatField(_("设计供水温度 (°C)"), default=120)
    design_return_temp_c = models.FloatField(_("设计回水温度 (°C)"), default=60)
    min_supply_temp_c = models.FloatField(_("最低供水温度 (°C)"), default=70)
    max_supply_temp_c = models.FloatField(_("最高供水温度 (°C)"), default=130)

    class Meta:
        verbose_name = _("热源")
        verbose_name_plural = _("热源")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                name="heat_source_supply_above_return",
                condition=Q(design_supply_temp_c__gt=models.F("design_return_temp_c")),
            ),
            models.CheckConstraint(
                name="heat_source_positive_capacity", condition=Q(capacity_mw__gt=0)
            ),
        ]

    def __str__(self):
        return self.name


class Substation(models.Model):
    """A heat-exchange station (换热站) serving one or more communities of one company."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    company = models.ForeignKey(
        HeatingCompany,
        verbose_name=_("热力公司"),
        related_name="substations",
        on_delete=models.PROTECT,
    )
    source = models.ForeignKey(
        HeatSource,
        verbose_name=_("主热源"),
        related_name="substations",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    latitude = models.FloatField(_("纬度"))
    longitude = models.FloatField(_("经度"))
    design_load_kw = models.FloatField(_("设计热负荷 (kW)"), validators=[MinValueValidator(1)])
    terminal = models.CharField(_("末端形式"), max_length=10, choices=Terminal.choices)
    junction = models.ForeignKey(
        "NetworkJunction",
        verbose_name=_("管网节点"),
        related_name="substations",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("换热站")
        verbose_name_plural = _("换热站")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["company", "name"], name="substation_name_per_company")
        ]

    def __str__(self):
        return self.name


class Manager(models.Model):
    """A community manager (小区管理员): the named contact the directory publishes."""

    name = models.CharField(_("姓名"), max_length=40)
    phone = models.CharField(_("电话"), max_length=20, validators=[validate_phone])
    company = models.ForeignKey(
        HeatingCompany,
        verbose_name=_("热力公司"),
        related_name="managers",
        on_delete=models.PROTECT,
    )
    is_published = models.BooleanField(_("公开"), default=True)

    class Meta:
        verbose_name = _("小区管理员")
        verbose_name_plural = _("小区管理员")
        ordering = ["company", "name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "phone"], name="manager_name_phone_unique")
        ]

    def __str__(self):
        return f"{self.name} {self.phone}"


class Community(models.Model):
    """A residential community (小区): the unit a complaint is routed and heat is planned by."""

    name = models.CharField(_("小区名称"), max_length=60, unique=True)
    aliases = models.JSONField(
        _("别名"), default=list, blank=True, help_text=_("其他叫法，如 剑桥学府小区、剑桥")
    )
    company = models.ForeignKey(
        HeatingCompany,
        verbose_name=_("热力公司"),
        related_name="communities",
        on_delete=models.PROTECT,
    )
    substation = models.ForeignKey(
        Substation,
        verbose_name=_("换热站"),
        related_name="communities",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    manager = models.ForeignKey(
        Manager,
        verbose_name=_("小区管理员"),
        related_name="communities",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    district = models.CharField(_("区县"), max_length=30)
    address = models.CharField(_("地址"), max_length=120, blank=True)
    latitude = models.FloatField(_("纬度"), null=True, blank=True)
    longitude = models.FloatField(_("经度"), null=True, blank=True)
    built_year = models.PositiveSmallIntegerField(
        _("建成年份"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )
    heated_area_m2 = models.FloatField(_("供热面积 (m²)"), validators=[MinValueValidator(0)])
    households = models.PositiveIntegerField(_("户数"))
    buildings = models.PositiveIntegerField(_("楼栋数"))
    terminal = models.CharField(_("末端形式"), max_length=10, choices=Terminal.choices)
    energy_standard = models.CharField(
        _("节能标准"), max_length=20, blank=True, help_text=_("如 pre-1996、50%、65%、75%")
    )
    design_heat_index_w_m2 = models.FloatField(
        _("设计热指标 (W/m²)"),
        validators=[MinValueValidator(10), MaxValueValidator(150)],
        help_text=_("演示数据为按建成年代估算的假设值"),
    )
    search_key = models.TextField(
        editable=False, default="", help_text="lower-case name, aliases and pinyin for search"
    )
    # When the row was last saved: the complaint reader's index of the register is rebuilt
    # when the newest of these (or the number of rows) changes, found from the index alone
    # instead of reading all 520 rows on every intake (issue 18, intake cost).
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("小区")
        verbose_name_plural = _("小区")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                name="community_positive_area", condition=Q(heated_area_m2__gte=0)
            )
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.aliases = [alias.strip() for alias in self.aliases if alias and alias.strip()]
        self.search_key = search_key_for(self.name, self.aliases, self.district, self.address)
        super().save(*args, **kwargs)

    def clean(self):
        if self.substation_id and self.substation.company_id != self.company_id:
            raise ValidationError({"substation": _("换热站属于其他热力公司")})
        if self.manager_id and self.manager.company_id != self.company_id:
            raise ValidationError({"manager": _("小区管理员属于其他热力公司")})
        if not isinstance(self.aliases, list) or not all(isinstance(a, str) for a in self.aliases):
            raise ValidationError({"aliases": _("别名必须是文字列表")})

    @property
    def design_load_kw(self) -> float:
        return self.heated_area_m2 * self.design_heat_index_w_m2 / 1000.0


class NetworkJunction(models.Model):
    """A junction of a company's primary network (supply side; the return mirrors it)."""

    company = models.ForeignKey(
        HeatingCompany,
        verbose_name=_("热力公司"),
        related_name="junctions",
        on_delete=models.CASCADE,
    )
    code = models.CharField(_("编号"), max_length=40)
    latitude = models.FloatField(_("纬度"))
    longitude = models.FloatField(_("经度"))
    height_m = models.FloatField(_("高程 (m)"), default=50)

    class Meta:
        verbose_name = _("管网节点")
        verbose_name_plural = _("管网节点")
        constraints = [
            models.UniqueConstraint(fields=["company", "code"], name="junction_code_per_company")
        ]

    def __str__(self):
        return self.code


class NetworkPipe(models.Model):
    """A supply pipe of a primary network; its return pipe has the same geometry."""

    company = models.ForeignKey(
        HeatingCompany, verbose_name=_("热力公司"), related_name="pipes", on_delete=models.CASCADE
    )
    code = models.CharField(_("编号"), max_length=40)
    from_junction = models.ForeignKey(
        NetworkJunction, related_name="pipes_out", on_delete=models.CASCADE
    )
    to_junction = models.ForeignKey(
        NetworkJunction, related_name="pipes_in", on_delete=models.CASCADE
    )
    length_m = models.FloatField(_("长度 (m)"))
    inner_diameter_m = models.FloatField(_("内径 (m)"))
    roughness_mm = models.FloatField(_("粗糙度 (mm)"), default=0.1)
    design_mass_flow_kg_s = models.FloatField(_("设计流量 (kg/s)"), default=0)

    class Meta:
        verbose_name = _("管段")
        verbose_name_plural = _("管段")
        constraints = [
            models.UniqueConstraint(fields=["company", "code"], name="pipe_code_per_company"),
            models.CheckConstraint(
                name="pipe_positive_geometry",
                condition=Q(length_m__gt=0) & Q(inner_diameter_m__gt=0),
            ),
        ]

    def __str__(self):
        return self.code


class SourceConnection(models.Model):
    """Where a heat source feeds a company's network."""

    source = models.ForeignKey(HeatSource, related_name="connections", on_delete=models.CASCADE)
    junction = models.ForeignKey(
        NetworkJunction, related_name="source_connections", on_delete=models.CASCADE
    )

    class Meta:
        verbose_name = _("热源接入点")
        verbose_name_plural = _("热源接入点")
        constraints = [
            models.UniqueConstraint(fields=["source", "junction"], name="source_connection_unique")
        ]

    def __str__(self):
        return f"{self.source} → {self.junction}"


# The indoor standard where no season is registered (山东省供热条例 art. 21: 18 °C in bedrooms
# and living rooms).
DEFAULT_STANDARD_INDOOR_C = 18.0


class HeatingSeasonQuerySet(models.QuerySet):
    def covering(self, day):
        """The season whose dates include ``day`` (a date), or None."""
        return self.filter(start_date__lte=day, end_date__gte=day).first()


class HeatingSeason(models.Model):
    """A heating season (供热季) with its dates, tariffs and the indoor standard."""

    name = models.CharField(_("名称"), max_length=40, unique=True)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    residential_tariff_yuan_m2 = models.DecimalField(
        _("居民热价 (元/m²·季)"), max_digits=8, decimal_places=2
    )
    non_residential_tariff_yuan_m2 = models.DecimalField(
        _("非居民热价 (元/m²·季)"), max_digits=8, decimal_places=2
    )
    base_fee_share = models.DecimalField(
        _("报停基本热费比例"),
        max_digits=4,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    standard_indoor_temp_c = models.FloatField(_("室温标准 (°C)"), default=18)

    objects = HeatingSeasonQuerySet.as_manager()

    class Meta:
        verbose_name = _("供热季")
        verbose_name_plural = _("供热季")
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                name="season_end_after_start", condition=Q(end_date__gt=models.F("start_date"))
            )
        ]

    def __str__(self):
        return self.name

    @property
    def label(self) -> str:
        """The season's name in the visitor's language: the registered name in Chinese,
        "2026–2027 heating season" in English (the name is data, typed in Chinese)."""
        if (get_language() or "zh-hans").startswith("zh"):
            return self.name
        return gettext("%(start)s—%(end)s 供热季") % {
            "start": self.start_date.year,
            "end": self.end_date.year,
        }


def standard_indoor_c(season: HeatingSeason | None) -> float:
    """The indoor standard (°C) that applies under ``season`` (the default outside any)."""
    return season.standard_indoor_temp_c if season else DEFAULT_STANDARD_INDOOR_C


class RegisterImportJob(models.Model):
    """A register file too large for one web request (more than ``io.WEB_MAX_ROWS`` rows),
    imported by `wennuan worker` in the background; its page shows the progress.

    The import is still all or nothing (one transaction), so the rows checked so far are
    reported through a small file in the data folder while it runs (``jobs.progress``): a
    second connection could not write this row while the import holds SQLite's write lock."""

    class State(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("导入中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("未导入")

    filename = models.CharField(_("文件名"), max_length=200)
    kind = models.CharField(_("CSV 数据类型"), max_length=40, blank=True)
    data = models.BinaryField(_("文件内容"), editable=False)  # emptied once imported
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default="queued")
    rows_total = models.PositiveIntegerField(_("总行数"), null=True, blank=True)
    rows_done = models.PositiveIntegerField(_("已检查行数"), default=0)
    created = models.JSONField(_("新增"), default=dict, blank=True)
    updated = models.JSONField(_("更新"), default=dict, blank=True)
    errors = models.JSONField(_("错误"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        blank=True,
        related_name="+",
        on_delete=models.SET_NULL,
    )
    created_at = models.DateTimeField(_("上传时间"), default=timezone.now)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("登记册导入任务")
        verbose_name_plural = _("登记册导入任务")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.filename} ({self.get_state_display()})"

"""Choice classes of the planning app (stable codes; Chinese labels in the UI)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WeatherKind(models.TextChoices):
    """Whether a weather series was measured or is a forecast."""

    OBSERVED = "observed", _("实测")
    FORECAST = "forecast", _("预报")
    # A what-if file (`wennuan plan --weather-csv` without --open-orders): a plan may use it,
    # but it is never chosen as the forecast of later plans.
    WHAT_IF = "what_if", _("试算天气")


class WeatherProvider(models.TextChoices):
    """Where a weather series came from (pluggable providers, see planning.weather)."""

    CLIMATE = "climate", _("气候统计模拟（非预报）")
    OPEN_METEO = "open_meteo", _("Open-Meteo 预报")
    CSV = "csv", _("上传的预报文件")


class MeterOrigin(models.TextChoices):
    """Where a meter reading came from."""

    SCADA_CSV = "scada_csv", _("SCADA 导出文件")
    DEMO = "demo", _("演示数据")


class PlanStatus(models.TextChoices):
    """Life of a plan version: a draft is reviewed and approved; approving a newer version of
    the same day and company supersedes the earlier approved one."""

    DRAFT = "draft", _("草稿")
    APPROVED = "approved", _("已批准")
    SUPERSEDED = "superseded", _("已被取代")


class PlanTrigger(models.TextChoices):
    """Who or what asked for a plan computation."""

    WORKER = "worker", _("每日自动计算")
    COMMAND = "command", _("命令行")
    CONSOLE = "console", _("调度台")
    DEMO = "demo", _("演示数据")
    REPLAN = "replan", _("预报更新重算")


class ForecastMethod(models.TextChoices):
    """How a substation's heat demand was forecast."""

    DESIGN = "design", _("设计法（无历史数据）")
    CHANGE_POINT = "change_point", _("变点模型（基于历史数据）")


class AdjustmentKind(models.TextChoices):
    """What a dispatch engineer may change before re-running a plan."""

    SUPPLY_TEMP = "supply_temp", _("换热站供水温度设定")
    SOURCE_LIMIT = "source_limit", _("热源出力上限")

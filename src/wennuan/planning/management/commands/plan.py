"""wennuan plan --date D [--company C] [--weather-csv W] [--json]   (design §8)"""

import json
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from wennuan.planning.choices import PlanTrigger
from wennuan.planning.engine import PlanError, compute_plans
from wennuan.planning.proactive import open_proactive_orders
from wennuan.planning.serialize import plans_payload
from wennuan.planning.weather import WeatherCsvError, choose_forecast, csv_forecast
from wennuan.registry.models import City, HeatingCompany


class Command(BaseCommand):
    help = (
        "计算并保存某日的调度计划（每个热力公司一个新版本），并为低温风险小区生成未诉先办工单。"
        "用 --weather-csv 的天气是试算：不生成工单、不通知小区负责人"
        "（该文件就是要执行的预报时加 --open-orders）。"
        "天气超出适用范围的计划一律不生成工单。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="计划日期 YYYY-MM-DD（默认今天）")
        parser.add_argument("--company", help="热力公司代码、简称或全称（默认全部）")
        parser.add_argument("--weather-csv", help="逐时天气文件 timestamp,outdoor_temp_c，替代预报")
        parser.add_argument("--json", action="store_true", help="按 GET /api/v1/plans/D 输出 JSON")
        parser.add_argument(
            "--open-orders",
            action="store_true",
            help="用 --weather-csv 时也生成未诉先办工单（该文件是要执行的预报，而非试算）",
        )

    def handle(
        self,
        *args,
        date=None,
        company=None,
        weather_csv=None,
        json=False,
        open_orders=False,
        **options,
    ):
        day = self._day(date)
        city = City.objects.first()
        if city is None:
            raise CommandError(_("尚未登记城市，请先导入登记册或运行 wennuan demo"))
        companies = self._companies(company)
        now = timezone.now()
        # A weather file is a what-if unless the engineer says it is the forecast to run on:
        # a what-if must not send community managers proactive orders (未诉先办).
        what_if = bool(weather_csv) and not open_orders
        try:
            # All companies or none: a failure leaves no half-computed day and no stray series.
            with transaction.atomic():
                weather = self._weather(city, day, weather_csv, now, what_if)
                plans = compute_plans(
                    day, companies=companies, weather=weather, trigger=PlanTrigger.COMMAND, now=now
                )
                if not what_if:
                    for plan in plans:
                        open_proactive_orders(plan, now=now)
        except PlanError as error:
            raise CommandError(str(error)) from error
        what_if_line = _(
            "按 --weather-csv 的天气试算：未生成未诉先办工单（低温风险小区 %(n)d 个；"
            "该文件是要执行的预报时加 --open-orders）"
        ) % {"n": sum(p.at_risk_count for p in plans)}
        if json:
            self.stdout.write(_dumps(plans_payload(day, plans)))
            if what_if:
                self.stderr.write(what_if_line)  # stdout stays the API's JSON
            return
        for plan in plans:
            self.stdout.write(
                _(
                    "%(company)s %(date)s 第 %(version)d 版：计划供热 %(heat).0f MWh，"
                    "最低预测室温 %(low)s °C，低温风险小区 %(risk)d 个，流量不足换热站 %(short)d 个"
                )
                % {
                    "company": plan.company.short_name,
                    "date": plan.date.isoformat(),
                    "version": plan.version,
                    "heat": plan.total_heat_kwh / 1000.0,
                    "low": plan.min_predicted_indoor_c,
                    "risk": plan.at_risk_count,
                    "short": plan.flow_shortfall_count,
                }
            )
            # What the engineer must act on (a raised pump lift, substations short, a forecast
            # method changed) is printed, not only stored on the plan page.
            for warning in plan.warnings:
                self.stdout.write(f"  ! {warning}")
        if weather.note:
            self.stdout.write(_("天气：%(note)s") % {"note": weather.note})
        if what_if:
            self.stdout.write(what_if_line)

    @staticmethod
    def _weather(city, day, weather_csv, now, what_if):
        if not weather_csv:
            return choose_forecast(city, day, now=now)
        path = Path(weather_csv)
        if not path.is_file():
            raise CommandError(_("找不到天气文件：%(path)s") % {"path": weather_csv})
        try:
            return csv_forecast(city, day, path.read_bytes(), now=now, what_if=what_if)
        except WeatherCsvError as error:
            raise CommandError(
                _("天气文件有误，未计算：\n%(errors)s") % {"errors": "\n".join(error.errors)}
            ) from error

    @staticmethod
    def _day(text):
        if not text:
            return timezone.localdate()
        try:
            return date.fromisoformat(text)
        except ValueError as error:
            raise CommandError(
                _("日期“%(text)s”无法识别，格式应为 YYYY-MM-DD") % {"text": text}
            ) from error

    @staticmethod
    def _companies(text):
        if not text:
            companies = list(HeatingCompany.objects.all())
            if not companies:
                raise CommandError(_("尚未登记热力公司"))
            return companies
        found = list(
            HeatingCompany.objects.filter(Q(code=text) | Q(short_name=text) | Q(legal_name=text))
        )
        if not found:
            known = "、".join(HeatingCompany.objects.values_list("code", flat=True))
            raise CommandError(
                _("未知的热力公司“%(text)s”（可用代码：%(known)s）")
                % {"text": text, "known": known}
            )
        return found


def _dumps(payload) -> str:
    return json.dumps(payload, ensure_ascii=False)

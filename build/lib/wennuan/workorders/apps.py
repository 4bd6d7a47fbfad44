from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkordersConfig(AppConfig):
    name = "wennuan.workorders"
    label = "workorders"
    verbose_name = _("工单")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    name = "wennuan.planning"
    label = "planning"
    verbose_name = _("调度计划")

    def ready(self):
        from . import config  # noqa: F401, PLC0415 (registers the settings' system check)

"""Choices of season readiness. Stable codes in the database, Chinese labels in the UI."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ChecklistTask(models.TextChoices):
    """The steps every substation and heat source goes through before the season (design §1.7),
    in the order they are done."""

    INSPECTION = "inspection", _("设施及管网检查")
    WATER_FILLING = "water_filling", _("上水")
    PRESSURE_TEST = "pressure_test", _("试压")
    COMMISSIONING = "commissioning", _("设备调试")


# Each step is due this many days before the season's start date: inspection first, then
# filling, pressure test, commissioning just before heat goes in. DEMO ASSUMPTION modelled on
# the usual order of Shandong companies' pre-season work, not a Heze rule. Due
# dates follow the season start when the bureau moves it (readiness/apps.py).
TASK_LEAD_DAYS = {
    ChecklistTask.INSPECTION: 30,
    ChecklistTask.WATER_FILLING: 20,
    ChecklistTask.PRESSURE_TEST: 15,
    ChecklistTask.COMMISSIONING: 5,
}

# A heat source should hold at least this many days of fuel when the season starts.
# DEMO ASSUMPTION (a common provincial requirement for coal stock; configurable here).
FUEL_STOCK_TARGET_DAYS = 15

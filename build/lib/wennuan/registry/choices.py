"""Choices of the register. Stable codes in the database, Chinese labels in the UI."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SourceKind(models.TextChoices):
    CHP = "chp", _("热电联产")
    BOILER = "boiler", _("锅炉房")


class Terminal(models.TextChoices):
    RADIATOR = "radiator", _("散热器")
    FLOOR = "floor", _("地暖")


class LineOwner(models.TextChoices):
    BUREAU = "bureau", _("主管部门")
    COMPANY = "company", _("热力公司")

from django.db import models
from django.utils.translation import gettext_lazy as _


class ItemStatus(models.TextChoices):
    """A plan item's way to done: the company does the work, the bureau checks and closes."""

    OPEN = "open", _("整改中")
    DONE = "done", _("已完成待核查")
    CLOSED = "closed", _("已核查销号")

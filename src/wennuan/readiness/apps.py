from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReadinessConfig(AppConfig):
    name = "wennuan.readiness"
    label = "readiness"
    verbose_name = _("供热准备")

    def ready(self):
        from django.db.models.signals import post_save

        # Models import only once the app registry is ready (not at apps.py's import).
        from wennuan.registry.models import HeatingSeason

        post_save.connect(
            _season_saved, sender=HeatingSeason, dispatch_uid="readiness_refresh_due_dates"
        )


def _season_saved(sender, instance, created, raw=False, **kwargs):
    """Due dates follow the season's start date: when the bureau moves the start (an early
    start in a cold autumn), the checklist's deadlines move with it."""
    if created or raw:
        return
    # apps.py loads before the registry is ready; checklists imports models.
    from .checklists import refresh_due_dates

    refresh_due_dates(instance)

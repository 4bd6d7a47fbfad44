from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    name = "wennuan.staff"
    label = "staff"
    verbose_name = _("人员与角色")

    def ready(self):
        from django.db.models.signals import post_migrate

        # roles imports the auth models: only once the app registry is ready.
        from .roles import sync_role_groups

        post_migrate.connect(sync_role_groups, sender=self)

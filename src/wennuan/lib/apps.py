from django.apps import AppConfig


class LibConfig(AppConfig):
    name = "wennuan.lib"
    label = "lib"
    verbose_name = "lib"

    def ready(self):
        from django.contrib import admin
        from django.contrib.admin import options
        from django.db import models

        from .forms import UserNumberField
        from .lookups import connect_signals

        connect_signals()

        # The admin's number boxes (design outdoor temperature, fee rule shortfalls, set-points)
        # read "16,5" like every other form. Inlines read the defaults table when a page is
        # built; the registered ModelAdmins copied it when the admin autodiscovered them.
        number = {"form_class": UserNumberField}
        options.FORMFIELD_FOR_DBFIELD_DEFAULTS[models.FloatField] = number
        for model_admin in admin.site._registry.values():
            model_admin.formfield_overrides.setdefault(models.FloatField, {}).update(number)

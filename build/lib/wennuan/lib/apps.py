from django.apps import AppConfig


class LibConfig(AppConfig):
    name = "wennuan.lib"
    label = "lib"
    verbose_name = "lib"

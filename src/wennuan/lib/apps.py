from django.apps import AppConfig


class LibConfig(AppConfig):
    name = "wennuan.lib"
    label = "lib"
    verbose_name = "lib"

    def ready(self):
        from .lookups import connect_signals

        connect_signals()

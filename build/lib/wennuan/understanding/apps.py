from django.apps import AppConfig


class UnderstandingConfig(AppConfig):
    """Reading complaint text; its core modules stay free of Django (see docs/understanding.md)."""

    name = "wennuan.understanding"
    label = "understanding"
    verbose_name = "读诉求"

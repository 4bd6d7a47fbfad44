from django.apps import AppConfig


class UnderstandingConfig(AppConfig):
    name = "wennuan.understanding"
    label = "understanding"
    verbose_name = "understanding"

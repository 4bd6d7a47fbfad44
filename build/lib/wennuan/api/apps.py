from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "wennuan.api"
    label = "api"
    verbose_name = "API"

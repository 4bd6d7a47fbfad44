from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """Running an installation: health endpoint, install check, backup and restore."""

    name = "wennuan.operations"
    label = "operations"
    verbose_name = "operations"

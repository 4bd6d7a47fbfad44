from django.apps import AppConfig


class ChannelsConfig(AppConfig):
    name = "wennuan.channels"
    label = "channels"
    verbose_name = "渠道对接"

    def ready(self):
        # Connects the Event signal that queues webhook messages.
        from . import webhooks  # noqa: F401

from django.apps import AppConfig


class ChannelsConfig(AppConfig):
    name = "wennuan.channels"
    label = "channels"
    verbose_name = "渠道对接"

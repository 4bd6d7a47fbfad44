from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChannelsConfig(AppConfig):
    name = "wennuan.channels"
    label = "channels"
    verbose_name = _("渠道对接")

    def ready(self):
        # Connect the Event signals that queue webhook messages and citizen notices.
        from . import citizen, webhooks  # noqa: F401

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicInfoConfig(AppConfig):
    name = "wennuan.publicinfo"
    label = "publicinfo"
    verbose_name = _("公开信息")

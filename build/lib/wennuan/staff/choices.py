from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Staff roles of design §2. Citizens are anonymous and have no role."""

    OPERATOR = "operator", _("热线话务员")
    SUPERVISOR = "supervisor", _("监管人员")
    COMPANY_DISPATCHER = "company_dispatcher", _("企业派单员")
    TECHNICIAN = "technician", _("维修人员")
    COMMUNITY_MANAGER = "community_manager", _("小区管理员")
    DISPATCH_ENGINEER = "dispatch_engineer", _("调度工程师")
    ADMIN = "admin", _("系统管理员")


# Roles whose users belong to one heating company and see only its data.
COMPANY_ROLES = frozenset(
    {
        Role.COMPANY_DISPATCHER,
        Role.TECHNICIAN,
        Role.COMMUNITY_MANAGER,
        Role.DISPATCH_ENGINEER,
    }
)
# Roles that see every company (the bureau and the system administrator).
CITY_WIDE_ROLES = frozenset({Role.SUPERVISOR, Role.ADMIN})

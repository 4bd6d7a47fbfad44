"""The API's own data: the other hotline systems allowed to push orders, and their tokens."""

import hashlib
import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ApiClient(models.Model):
    """Another hotline system allowed to push orders (e.g. the city's 12345 platform).

    Only a hash of the token is stored; the token itself is shown once at creation."""

    name = models.CharField(_("名称"), max_length=60, unique=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        # Moved from the workorders app (session 6); the table keeps its name and rows.
        db_table = "workorders_apiclient"
        verbose_name = _("接口客户端")
        verbose_name_plural = _("接口客户端")

    def __str__(self):
        return self.name

    @classmethod
    def issue(cls, name: str) -> tuple["ApiClient", str]:
        """Create a client and return it with its new token (not stored in clear)."""
        token = secrets.token_urlsafe(32)
        return cls.objects.create(name=name, token_hash=hash_token(token)), token

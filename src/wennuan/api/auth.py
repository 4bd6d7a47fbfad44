"""The API's one way to read a caller's token: ``Authorization: Token T`` (design §8)."""

from django.utils.translation import gettext as _

from wennuan.api.models import ApiClient, hash_token
from wennuan.lib import lookups

from .errors import FieldError, error_response


def token_client(request) -> ApiClient | None:
    """The active API client whose token the request carries, or None."""
    scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
    if scheme != "Token":
        return None
    return client_for_token(token.strip())


def _active_clients() -> dict[str, ApiClient]:
    return {client.token_hash: client for client in ApiClient.objects.filter(is_active=True)}


def client_for_token(token: str) -> ApiClient | None:
    """The active client whose token this is, or None.

    From the lookups cache (issue 18: the token's own SELECT was a tenth of an intake): the
    clients are a handful of rows, and their token hashes and active flags are in the lookup
    fingerprint, so a revoked token stops working in every process at its next request."""
    if not token:
        return None
    return lookups.get("api_clients", _active_clients).get(hash_token(token))


def unauthorized():
    return error_response(
        [FieldError("Authorization", "unauthorized", _("缺少或无效的接口令牌"))], status=401
    )

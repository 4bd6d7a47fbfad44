"""The API's one way to read a caller's token: ``Authorization: Token T`` (design §8)."""

from django.utils.translation import gettext as _

from wennuan.api.models import ApiClient

from .errors import FieldError, error_response


def token_client(request) -> ApiClient | None:
    """The active API client whose token the request carries, or None."""
    scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
    if scheme != "Token":
        return None
    return ApiClient.authenticate(token.strip())


def unauthorized():
    return error_response(
        [FieldError("Authorization", "unauthorized", _("缺少或无效的接口令牌"))], status=401
    )

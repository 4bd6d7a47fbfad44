"""The one error shape of the API (design §8): 400 with {"errors": [{field, code, message}]}."""

from dataclasses import dataclass
from functools import wraps

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt


@dataclass(frozen=True)
class FieldError:
    field: str
    code: str
    message: str


class ApiInputError(Exception):
    def __init__(self, errors: list[FieldError]):
        super().__init__("; ".join(error.message for error in errors))
        self.errors = errors


def error_response(errors: list[FieldError], status: int = 400) -> JsonResponse:
    return JsonResponse(
        {"errors": [{"field": e.field, "code": e.code, "message": str(e.message)} for e in errors]},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


def api_methods(*methods: str):
    """Only ``methods`` reach the view; anything else is a JSON 405 with an Allow header.

    The view is exempt from CSRF: it must answer GET-only, so there is nothing to forge, and
    otherwise an unknown method (QUERY, PATCH) got the CSRF middleware's HTML 403 instead."""
    allowed = set(methods) | ({"HEAD"} if "GET" in methods else set())

    def decorate(view):
        @csrf_exempt
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method not in allowed:
                response = error_response(
                    [FieldError("", "method_not_allowed", _("不支持的请求方法"))], 405
                )
                response["Allow"] = ", ".join(sorted(allowed))
                return response
            return view(request, *args, **kwargs)

        return wrapped

    return decorate

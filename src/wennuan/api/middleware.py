"""The API's limits and failures, answered in its own JSON error shape (design §8) before any
view runs: one place for every endpoint under /api/ (issue 18 items 2 and 13)."""

import logging
import re

from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError, InterfaceError, OperationalError
from django.utils.translation import gettext as _

from wennuan.lib.middleware import api_error

logger = logging.getLogger(__name__)

# An intake is a few hundred bytes (text ≤ 2,000 characters); 64 KiB leaves room for any
# legitimate client and keeps a megabyte body from being read, parsed and scanned.
MAX_BODY_BYTES = 64 * 1024
# The intake and the actions are flat objects; nesting deeper than this is an attack (Python's
# json recursion fails near 1,000, as a server error).
MAX_JSON_DEPTH = 20

_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_JSON_BRACKETS = re.compile(rb"[\[\]{}]")


def json_depth(body: bytes) -> int:
    """The deepest nesting of arrays and objects in JSON text, without parsing it (strings are
    skipped, so brackets inside text do not count)."""
    depth = deepest = 0
    for bracket in _JSON_BRACKETS.findall(_JSON_STRING.sub(b'""', body)):
        if bracket in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def _declared_length(request) -> int | None:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None


class ApiRequestLimitsMiddleware:
    """413 for a body over 64 KiB, 400 for JSON nested deeper than 20, 503 with Retry-After
    when the database is unreachable; all as JSON. Must sit before anything that reads the
    body (the control-character check)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/api/"):
            return self.get_response(request)
        declared = _declared_length(request)
        if declared is None:
            return api_error(400, "invalid_length", _("Content-Length 不正确"))
        if declared > MAX_BODY_BYTES:
            return self._too_large()
        try:
            body = request.body
        except RequestDataTooBig:
            return self._too_large()
        if len(body) > MAX_BODY_BYTES:
            return self._too_large()
        if body and json_depth(body) > MAX_JSON_DEPTH:
            return api_error(
                400,
                "too_deep",
                _("JSON 嵌套过深（最多 %(max)d 层）") % {"max": MAX_JSON_DEPTH},
            )
        return self.get_response(request)

    @staticmethod
    def _too_large():
        return api_error(
            413,
            "too_large",
            _("请求内容过大（最多 %(kib)d KB）") % {"kib": MAX_BODY_BYTES // 1024},
        )

    def process_exception(self, request, exception):
        if not request.path.startswith("/api/"):
            return None
        if isinstance(exception, OperationalError | InterfaceError) or (
            type(exception) is DatabaseError
        ):
            logger.error("database unavailable for %s", request.path, exc_info=exception)
            response = api_error(503, "unavailable", _("服务暂时不可用，请稍后重试"))
            response["Retry-After"] = "30"
            return response
        return None

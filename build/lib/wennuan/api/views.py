"""JSON API (design §8)."""

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from wennuan.registry.directory import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    MAX_QUERY_LENGTH,
    search_directory,
)

from .errors import ApiInputError, FieldError, error_response
from .pagination import parse_positive_int


def _json(payload, status=200):
    return JsonResponse(payload, status=status, json_dumps_params={"ensure_ascii": False})


@require_GET
def directory(request):
    """GET /api/v1/directory?q=TEXT&page=N&page_size=M (page_size ≤ 1000)."""
    query = request.GET.get("q", "")
    try:
        if len(query) > MAX_QUERY_LENGTH:
            raise ApiInputError(
                [
                    FieldError(
                        "q",
                        "too_long",
                        _("搜索内容过长（最多 %(max)s 个字）") % {"max": MAX_QUERY_LENGTH},
                    )
                ]
            )
        page = parse_positive_int(request.GET, "page", 1)
        page_size = parse_positive_int(request.GET, "page_size", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
    except ApiInputError as error:
        return error_response(error.errors)
    entries = search_directory(query)
    start = (page - 1) * page_size
    return _json(
        {
            "count": len(entries),
            "page": page,
            "page_size": page_size,
            "results": [entry.as_dict() for entry in entries[start : start + page_size]],
        }
    )

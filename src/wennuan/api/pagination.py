"""Validated page/page_size parameters, with messages in the user's language."""

from django.utils.translation import gettext as _

from .errors import ApiInputError, FieldError


def parse_positive_int(params, name: str, default: int, maximum: int | None = None) -> int:
    raw = params.get(name)
    if raw is None:
        return default
    # An empty value ("?page=") is refused like any other non-number: the OpenAPI description
    # says integer, and schemathesis checks that what violates it is not accepted.
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise ApiInputError(
            [FieldError(name, "invalid", _("%(name)s 必须是正整数") % {"name": name})]
        ) from None
    if value < 1 or (maximum is not None and value > maximum):
        limit = _("，最大为 %(max)s") % {"max": maximum} if maximum else ""
        raise ApiInputError(
            [
                FieldError(
                    name,
                    "out_of_range",
                    _("%(name)s 必须是正整数") % {"name": name} + limit,
                )
            ]
        )
    return value

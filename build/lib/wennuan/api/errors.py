"""The one error shape of the API (design §8): 400 with {"errors": [{field, code, message}]}."""

from dataclasses import dataclass

from django.http import JsonResponse


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

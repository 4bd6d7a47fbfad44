"""Chinese first: the UI is zh-hans unless the user has chosen another language.

Django's LocaleMiddleware would follow the browser's Accept-Language, and many office PCs
and phones in China send English; the bureau wants Chinese by default, English on request
(the language button sets the cookie).
"""

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _


class ChosenLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class RejectNullCharactersMiddleware:
    """A NUL character in a form field, query parameter or JSON string is refused with 400.

    PostgreSQL cannot store NUL in text ("A string literal cannot contain NUL"), so a pasted
    or machine-sent "\\x00" in any free-text field (a complaint, a reply, a reason) would be a
    server error there, and silently stored on SQLite. Nobody types it on purpose; refusing
    it at the edge, in the user's language, keeps both databases the same and every view
    free of the check. Uploaded files are not text and are not inspected.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._carries_null(request):
            message = _("输入中含有不允许的控制字符（NUL），请删除后重新提交")
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"errors": [{"field": "", "code": "invalid_character", "message": message}]},
                    status=400,
                    json_dumps_params={"ensure_ascii": False},
                )
            return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
        return self.get_response(request)

    @staticmethod
    def _carries_null(request) -> bool:
        def in_query(query) -> bool:
            return any(
                "\x00" in key or any("\x00" in v for v in values) for key, values in query.lists()
            )

        if in_query(request.GET):
            return True
        content_type = request.content_type or ""
        if content_type == "application/json":
            # Raw NUL, or its JSON escape (what a client's serializer writes for it).
            return b"\x00" in request.body or b"\\u0000" in request.body
        if request.method == "POST" and content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            return in_query(request.POST)
        return False

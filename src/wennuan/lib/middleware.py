"""Chinese first: the UI is zh-hans unless the user has chosen another language.

Django's LocaleMiddleware would follow the browser's Accept-Language, and many office PCs
and phones in China send English; the bureau wants Chinese by default, English on request
(the language button sets the cookie).

The API is read by programs, which ask for a language explicitly: with no cookie, an API
request's Accept-Language is followed (plan warnings, labels and errors in that language).
"""

import re

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.utils import translation
from django.utils.translation import get_supported_language_variant
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import parse_accept_lang_header


class ChosenLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen not in self.available and request.path.startswith("/api/"):
            chosen = self._asked_by_program(request.headers.get("Accept-Language", ""))
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response

    def _asked_by_program(self, header: str) -> str | None:
        for code, _quality in parse_accept_lang_header(header):
            try:
                variant = get_supported_language_variant(code)
            except LookupError:
                continue
            if variant in self.available:
                return variant
        return None


# C0 control characters other than tab, line feed and carriage return: what XML (so Excel's
# xlsx) cannot hold and PostgreSQL refuses (NUL). Nobody types them; a paste or a fuzzer does.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# The same written as JSON escapes (what a client's serializer sends), e.g. \u0001.
JSON_ESCAPED_CONTROL = re.compile(rb"\\u00(?:0[0-8bBcCeEfF]|1[0-9a-fA-F])")


def api_error(status: int, code: str, message, field: str = "") -> JsonResponse:
    """The API's one error shape (design §8), for answers given before a view runs."""
    return JsonResponse(
        {"errors": [{"field": field, "code": code, "message": str(message)}]},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


class RejectControlCharactersMiddleware:
    """A control character (NUL, \\x01 …) never reaches a view. The API refuses it with its
    JSON 400 naming the field (a client can fix its serializer). A page's form or query is
    cleaned instead: vertical tab and form feed (what Word's Shift+Enter pastes) become line
    breaks, the others are dropped, and the form goes on with everything the person typed — an
    outsider's walk found a bare 400 there threw away whole visit records and complaints.

    PostgreSQL cannot store NUL in text ("A string literal cannot contain NUL"), so a pasted
    or machine-sent "\\x00" in any free-text field (a complaint, a reply, a reason) would be a
    server error there, and silently stored on SQLite; any other C0 control character is
    stored but then breaks every Excel export that contains the row (issue 18 item 6).
    Nobody types them on purpose; refusing them at the edge, in the user's language, keeps
    both databases the same and every view free of the check. Uploaded files are not text and
    are not inspected (the register import checks its own cells).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/api/"):
            self._clean_page_input(request)
        field = self._field_with_control(request)
        if field is not None:
            message = _("输入中含有不允许的控制字符，请删除后重新提交")
            if field:
                message = _("“%(field)s”中含有不允许的控制字符，请删除后重新提交") % {
                    "field": field
                }
            if request.path.startswith("/api/"):
                return api_error(400, "invalid_character", message, field)
            return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
        return self.get_response(request)

    @staticmethod
    def _clean_page_input(request) -> None:
        def cleaned(query):
            if not any(
                CONTROL_CHARACTERS.search(key) or any(CONTROL_CHARACTERS.search(v) for v in values)
                for key, values in query.lists()
            ):
                return query
            copy = query.copy()
            for key, values in query.lists():
                del copy[key]
                copy.setlist(
                    strip_control_characters(key), [strip_control_characters(v) for v in values]
                )
            copy._mutable = False
            return copy

        request.GET = cleaned(request.GET)
        content_type = request.content_type or ""
        if request.method == "POST" and content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            try:
                request.POST = cleaned(request.POST)
            except MultiPartParserError:
                pass  # Django answers the broken body with its own 400 in the view

    @staticmethod
    def _field_with_control(request) -> str | None:
        """The name of the first field carrying a control character ("" if the body is not
        form fields), or None when the request is clean. The API's JSON bodies are checked by
        the API itself, field by field (wennuan.api.workorders): a client may send fields the
        API does not read, and those are ignored, not refused."""

        def in_query(query) -> str | None:
            for key, values in query.lists():
                if CONTROL_CHARACTERS.search(key):
                    return ""
                if any(CONTROL_CHARACTERS.search(value) for value in values):
                    return key
            return None

        found = in_query(request.GET)
        if found is not None or request.path.startswith("/api/"):
            return found
        content_type = request.content_type or ""
        if content_type == "application/json":
            body = request.body
            if CONTROL_CHARACTERS.search(body.decode("utf-8", "replace")) or (
                JSON_ESCAPED_CONTROL.search(body)
            ):
                return ""
            return None
        if request.method == "POST" and content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            try:
                return in_query(request.POST)
            except MultiPartParserError:
                return None  # Django answers the broken body with its own 400 in the view
        return None


def strip_control_characters(text: str) -> str:
    """Text without C0 control characters; vertical tab and form feed become line breaks."""
    return CONTROL_CHARACTERS.sub("", text.replace("\x0b", "\n").replace("\x0c", "\n"))


def control_character_field(data: dict, fields) -> str | None:
    """The first of ``fields`` whose text value in a parsed JSON object has a control
    character, or None."""
    for name in fields:
        value = data.get(name)
        if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
            return name
    return None


class PermissionsPolicyMiddleware:
    """Permissions-Policy on every answer (settings.PERMISSIONS_POLICY): no page may use the
    camera, microphone, location or payment APIs, nor let an injected script do so."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response

"""Text the system writes now and people read later, in the language of whoever reads it.

A plan's warnings, the worker's press reason or the actor "系统" used to be translated when they
were written, so a plan computed by a Chinese worker showed Chinese on the English page. What is
stored is language-neutral instead: the untranslated source string (the catalogue's msgid) and
its parameters, ``{"msgid": "…%(lift).1f bar…", "params": {"lift": 9.3}}``, or for a text
without parameters just the source string. ``render`` translates at display time (page, API
with Accept-Language, exports, feed).

Rows written before this (old databases) hold text already translated: ``render`` looks a
string up as a msgid and, for a Chinese text built from a msgid with parameters, matches it
against the catalogue's patterns to recover the parameters; what matches nothing is shown as
stored (staff-typed reasons are data and stay as typed).
"""

from __future__ import annotations

import re
from functools import lru_cache

from django.db import models
from django.utils import translation
from django.utils.translation import gettext

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
_PLACEHOLDER = re.compile(r"%\((\w+)\)([-#0 +]*\d*(?:\.\d+)?)([sdfr])")


def _jsonable(value):
    if isinstance(value, SystemText):  # a nested message (a name with its reading)
        return value.stored()
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (str, int, bool)) or value is None:
        return value
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    if isinstance(value, float):
        return value
    return str(value)


class SystemText:
    """A message to store now and translate when shown: ``system_text("…%(n)d…") % {"n": 3}``.

    ``str()`` renders it in the active language, so it can be used where a string was; a
    list parameter is joined with the viewer's list separator ("、" / ", ").
    """

    __slots__ = ("msgid", "params")

    def __init__(self, msgid: str, params: dict | None = None):
        self.msgid = msgid
        self.params = params or {}

    def __mod__(self, params: dict) -> SystemText:
        return SystemText(self.msgid, {k: _jsonable(v) for k, v in params.items()})

    def stored(self) -> dict | str:
        """The language-neutral form kept in a JSON field (a bare msgid when no parameters)."""
        return {"msgid": self.msgid, "params": self.params} if self.params else self.msgid

    def __str__(self) -> str:
        return render(self.stored())

    def __repr__(self) -> str:
        return f"SystemText({self.msgid!r}, {self.params!r})"

    def __eq__(self, other) -> bool:
        if isinstance(other, SystemText):
            return (self.msgid, self.params) == (other.msgid, other.params)
        return str(self) == other

    def __hash__(self) -> int:
        return hash(self.msgid)

    def __contains__(self, text: str) -> bool:
        return text in str(self)


def system_text(msgid: str) -> SystemText:
    """Mark a source string as system text (extract with ``makemessages --keyword=system_text``)."""
    return SystemText(msgid)


def stored(value) -> dict | str:
    """What to keep in the database for a message: SystemText → neutral form; text as it is."""
    return value.stored() if isinstance(value, SystemText) else value


def _param(value):
    if isinstance(value, list):
        # a trailing "…" (more than were named) follows the last name, as it always did
        more = "…" if value and value[-1] == "…" else ""
        return gettext("、").join(render(v) for v in value[: len(value) - bool(more)]) + more
    if isinstance(value, dict):
        return render(value)
    return value


def _format(template: str, params: dict) -> str:
    return template % {k: _param(v) for k, v in params.items()}


def render(value) -> str:
    """A stored system text in the active language (tolerant of rows written before)."""
    if isinstance(value, SystemText):
        value = value.stored()
    if isinstance(value, dict) and "msgid" in value:
        params = value.get("params") or {}
        try:
            return _format(gettext(value["msgid"]), params) if params else gettext(value["msgid"])
        except (KeyError, ValueError, TypeError):  # a broken translation: the source reads
            return _format(value["msgid"], params)
    if not isinstance(value, str) or not value:
        return "" if value is None else str(value)
    translated = gettext(value)
    if translated != value or not CJK.search(value):
        return translated
    language = translation.get_language() or ""
    rendered = _render_old_formatted(value, language)
    if rendered == value and "；" in value and not language.startswith("zh"):
        # notes joined from several ("staff's note；沿用已批准的 v2 的 1 项调整")
        parts = value.split("；")
        rendered_parts = [render(part) for part in parts]
        if rendered_parts != parts:
            return gettext("；").join(rendered_parts)
    return rendered


@lru_cache(maxsize=4096)
def _render_old_formatted(text: str, language: str) -> str:
    if language.startswith("zh"):
        return text
    for pattern, msgid, kinds in _catalogue_patterns(language):
        match = pattern.fullmatch(text)
        if match:
            try:
                params = {k: kinds[k](v) for k, v in match.groupdict().items()}
                return gettext(msgid) % params
            except (KeyError, ValueError, TypeError):
                continue
    return text


_CASTS = {"d": int, "f": float, "s": str, "r": str}


@lru_cache(maxsize=8)
def _catalogue_patterns(language: str) -> tuple:
    """(regex, msgid, casts) for each msgid with named placeholders and some Chinese between."""
    catalogue = translation.trans_real.translation(language)._catalog
    patterns = []
    for msgid in catalogue.keys():
        if not isinstance(msgid, str) or "%(" not in msgid:
            continue
        literal = _PLACEHOLDER.sub("", msgid)
        if len(CJK.findall(literal)) < 4:  # too little fixed text to tell a message apart
            continue
        kinds, parts, last = {}, [], 0
        for placeholder in _PLACEHOLDER.finditer(msgid):
            name, kind = placeholder.group(1), placeholder.group(3)
            parts.append(re.escape(msgid[last : placeholder.start()].replace("%%", "%")))
            parts.append(f"(?P<{name}>.+?)" if name not in kinds else f"(?P={name})")
            kinds[name] = _CASTS[kind]
            last = placeholder.end()
        parts.append(re.escape(msgid[last:].replace("%%", "%")))
        try:
            patterns.append((re.compile("".join(parts), re.S), msgid, kinds))
        except re.error:
            continue
    # the longest fixed text first: the most specific message wins
    patterns.sort(key=lambda p: -len(_PLACEHOLDER.sub("", p[1])))
    return tuple(patterns)


class SystemTextListField(models.JSONField):
    """A JSON list of system texts: read back as ``SystemText`` (shown in the reader's
    language, ``"扬程" in warning`` still works), written in the language-neutral form.

    The column is a plain JSON column (``deconstruct`` says JSONField: no migration); rows
    written before hold translated strings and read back as such (``render`` is tolerant).
    """

    def from_db_value(self, value, expression, connection):
        value = super().from_db_value(value, expression, connection)
        return [_revive(v) for v in value] if isinstance(value, list) else value

    def to_python(self, value):
        value = super().to_python(value)
        return [_revive(v) for v in value] if isinstance(value, list) else value

    def get_prep_value(self, value):
        if isinstance(value, (list, tuple)):
            value = [stored(v) for v in value]
        return super().get_prep_value(value)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.JSONField", args, kwargs


def _revive(value):
    if isinstance(value, dict) and "msgid" in value:
        return SystemText(value["msgid"], value.get("params") or {})
    return SystemText(value) if isinstance(value, str) else value

"""Process-local caches of the small, rarely edited tables every intake consults (the register's
reader index and communities, the city, deadline policies, heating seasons, notice templates,
the API clients' token hashes), valid while the database's *lookup fingerprint* is unchanged.

The fingerprint is one query: a version counter that every save or delete of those tables
bumps (signals, so an admin edit in another process is seen by all), plus each table's row
count and newest id — and for the communities, which imports write in bulk, the newest
``updated_at``; the deadline policies, the seasons' dates, the city's area code, the notice
templates, the companies' names and the API clients' token hashes with their active flag (a
few rows each) are in it whole — so a bulk write that
sends no signal still changes it. (A ``QuerySet.update`` of other company or city columns, or
of communities without ``updated_at``, must call ``bump()``.) A request reads it at
most once (``LookupsMiddleware`` pins it lazily: requests that use no lookup pay nothing);
outside a request every ``get`` reads it. A save in this process clears the caches and the
pin at once.

Why: issue 18 found every intake re-reading the register, the season and the deadline policy
(~6 of its 21 queries); the cached values are the same rows, so behaviour is unchanged.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable

from django.db import connection
from django.db.models import F
from django.db.models.signals import post_delete, post_save

from wennuan.api.models import ApiClient
from wennuan.channels.models import CitizenNoticeTemplate
from wennuan.registry.models import City, Community, HeatingCompany, HeatingSeason
from wennuan.workorders.models import DeadlinePolicy

from .models import LookupVersion

_UNREAD = object()
_pinned: contextvars.ContextVar = contextvars.ContextVar("wennuan_lookup_fingerprint")
_lock = threading.Lock()
_cache: dict = {"fingerprint": _UNREAD, "values": {}}
_sql: str | None = None


def _rows_text(model, fields: tuple[str, ...]) -> str:
    """SQL for the whole content of a small table as one text (rows in id order)."""
    quote = connection.ops.quote_name
    table = model._meta.db_table
    # get_field: a misspelt name must fail here (SQLite would read "name" as a string).
    columns = [model._meta.get_field(name).column for name in fields]
    row = " || '~' || ".join(f"COALESCE(CAST({quote(c)} AS TEXT), '')" for c in columns)
    if connection.vendor == "postgresql":
        return f"(SELECT string_agg({row}, '|' ORDER BY id) FROM {quote(table)})"
    return f"(SELECT group_concat(r, '|') FROM (SELECT {row} AS r FROM {quote(table)} ORDER BY id))"


def _fingerprint_sql() -> str:
    quote = connection.ops.quote_name
    parts = [f"(SELECT version FROM {quote(LookupVersion._meta.db_table)} WHERE id = 1)"]
    for model in (City, HeatingCompany, Community, HeatingSeason, CitizenNoticeTemplate):
        table = quote(model._meta.db_table)
        parts.append(f"(SELECT COUNT(*) FROM {table})")
        parts.append(f"(SELECT MAX(id) FROM {table})")
    parts.append(f"(SELECT MAX(updated_at) FROM {quote(Community._meta.db_table)})")
    # The few rows the intake's deadlines and the reader's phone numbers come from, whole:
    # an edit by ``QuerySet.update`` (no signal) still changes the fingerprint.
    parts.append(
        _rows_text(
            DeadlinePolicy,
            ("category", "sign_minutes", "onsite_minutes", "resolve_minutes", "clock"),
        )
    )
    parts.append(_rows_text(HeatingSeason, ("start_date", "end_date")))
    parts.append(_rows_text(City, ("area_code",)))
    parts.append(_rows_text(CitizenNoticeTemplate, ("kind", "is_active", "text")))
    parts.append(_rows_text(HeatingCompany, ("legal_name", "short_name")))
    # A revoked token (is_active off, or the row deleted) must stop working in every process.
    parts.append(_rows_text(ApiClient, ("token_hash", "is_active")))
    return "SELECT " + ", ".join(parts)


def read_fingerprint() -> tuple:
    """The lookup fingerprint: one query of small aggregates, each over an index."""
    global _sql
    if _sql is None:
        _sql = _fingerprint_sql()
    with connection.cursor() as cursor:
        cursor.execute(_sql)
        return tuple(str(value) for value in cursor.fetchone())


def _current_fingerprint() -> tuple:
    pinned = _pinned.get(None)
    if pinned is None:  # outside a request: read it each time
        return read_fingerprint()
    if pinned[0] is _UNREAD:
        pinned[0] = read_fingerprint()
    return pinned[0]


def get(name: str, build: Callable[[], object]):
    """The cached value ``name`` for the current fingerprint, built by ``build()`` if needed.

    Values are shared between requests: callers must not mutate them."""
    fingerprint = _current_fingerprint()
    with _lock:
        if _cache["fingerprint"] != fingerprint:
            _cache["fingerprint"] = fingerprint
            _cache["values"] = {}
        values = _cache["values"]
        if name in values:
            return values[name]
    value = build()
    with _lock:
        if _cache["fingerprint"] == fingerprint:
            _cache["values"][name] = value
    return value


def clear() -> None:
    """Forget every cached value and this request's pinned fingerprint."""
    with _lock:
        _cache["fingerprint"] = _UNREAD
        _cache["values"] = {}
    pinned = _pinned.get(None)
    if pinned is not None:
        pinned[0] = _UNREAD


def bump(**_kwargs) -> None:
    """A lookup table changed: every process rebuilds its caches (signal receiver)."""
    if not LookupVersion.objects.filter(pk=1).update(version=F("version") + 1):
        LookupVersion.objects.get_or_create(pk=1, defaults={"version": 1})
    clear()


class LookupsMiddleware:
    """Reads the lookup fingerprint at most once per request, and only if a lookup is used."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _pinned.set([_UNREAD])
        try:
            return self.get_response(request)
        finally:
            _pinned.reset(token)


def connect_signals() -> None:
    """Called from the lib app's ready(): bump the version on every write of a lookup table."""
    signals = (("save", post_save), ("delete", post_delete))
    lookup_models = (
        City, HeatingCompany, HeatingSeason, DeadlinePolicy, CitizenNoticeTemplate, ApiClient
    )  # fmt: skip
    for model in lookup_models:
        for name, signal in signals:
            signal.connect(bump, sender=model, dispatch_uid=f"lookups-{model.__name__}-{name}")
    # Communities are in the fingerprint by count, newest id and newest updated_at (imports
    # write thousands): no counter bump per row, only this process's caches are dropped.
    for name, signal in signals:
        signal.connect(
            _community_changed, sender=Community, dispatch_uid=f"lookups-community-{name}"
        )


def _community_changed(**_kwargs) -> None:
    clear()

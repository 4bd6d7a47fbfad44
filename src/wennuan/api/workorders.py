"""Intake API for other hotline systems (design §8): token per client, idempotent create.

    POST /api/v1/workorders                         create (Idempotency-Key honoured)
    GET  /api/v1/workorders/NUMBER                  read
    POST /api/v1/workorders/NUMBER/actions/ACTION   act (press, callback, close)
    GET  /api/v1/workorders?changed_since=ISO8601   what changed (the client's own orders)

A client sees and acts on the orders it pushed, nothing else.
"""

import base64
import hashlib
import json
import re
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import JsonResponse
from django.utils.translation import gettext as _

from wennuan.lib.middleware import control_character_field
from wennuan.lib.moments import parse_moment
from wennuan.workorders import actions
from wennuan.workorders.access import API_CLIENT_ACTIONS
from wennuan.workorders.intake import clean_intake, read_text
from wennuan.workorders.models import IdempotencyKey, WorkOrder
from wennuan.workorders.transitions import TRANSITIONS

from .auth import token_client, unauthorized
from .errors import ApiInputError, FieldError, api_methods, error_response
from .openapi import schema_errors
from .pagination import parse_positive_int
from .payloads import order_payload

CHANGED_SINCE_LIMIT = 1000


def _json(payload, status=200):
    return JsonResponse(payload, status=status, json_dumps_params={"ensure_ascii": False})


def _body(request) -> dict:
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        data = None
    if not isinstance(data, dict) or _has_lone_surrogate(data):
        raise ValueError
    return data


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _has_lone_surrogate(value) -> bool:
    """JSON may escape half a UTF-16 pair ("\\ud800") and Python's decoder passes raw CESU
    bytes through as one; such text can be neither hashed nor stored (a server error on both
    databases), so the body is refused as not valid JSON text."""
    if isinstance(value, str):
        return _LONE_SURROGATE.search(value) is not None
    if isinstance(value, dict):
        return any(_has_lone_surrogate(k) or _has_lone_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_lone_surrogate(item) for item in value)
    return False


def _bad_json():
    return error_response([FieldError("", "invalid_json", _("请求内容不是有效的 JSON 对象"))])


INTAKE_TEXT_FIELDS = ("text", "phone", "channel", "category", "caller_name", "community",
                      "building", "unit", "room")  # fmt: skip
ACTION_TEXT_FIELDS = ("reason", "satisfaction", "note", "expected_state")


# Mistakes in the body's shape, answered before the intake's friendlier content checks (a
# number as the text is a wrong type, not a missing text).
SHAPE_CODES = frozenset({"invalid_type", "unknown_field"})


def _schema_error(data: dict, schema_name: str, codes=None):
    """400 naming every field that breaks the OpenAPI description (wrong type, too long …),
    or None; the rules that need the database (a known community) come after. ``codes``
    limits the answer to those kinds of mistake."""
    errors = schema_errors(data, schema_name)
    if codes is not None:
        errors = [(field, code) for field, code in errors if code in codes]
    if not errors:
        return None
    messages = {
        "required": _("“%(field)s”必须填写"),
        "invalid_type": _("“%(field)s”的类型不正确（见接口说明 /api/v1/openapi.json）"),
        "invalid_choice": _("“%(field)s”不是可选值之一"),
        "invalid": _("“%(field)s”的长度或格式不正确"),
        "out_of_range": _("“%(field)s”超出允许范围"),
        "unknown_field": _("“%(field)s”不是接口的字段（见接口说明 /api/v1/openapi.json）"),
    }
    return error_response(
        [FieldError(field, code, messages[code] % {"field": field}) for field, code in errors]
    )


def _control_character_error(data: dict, fields):
    """400 naming the field whose text has a control character (PostgreSQL cannot store NUL,
    Excel cannot hold the others: issue 18 item 6), or None."""
    field = control_character_field(data, fields)
    if field is None:
        return None
    return error_response(
        [
            FieldError(
                field,
                "invalid_character",
                _("“%(field)s”中含有不允许的控制字符，请删除后重新提交") % {"field": field},
            )
        ]
    )


@api_methods("GET", "POST")
def workorders(request):
    client = token_client(request)
    if client is None:
        return unauthorized()
    if request.method == "POST":
        return _create(request, client)
    return _changed_since(request, client)


# An Idempotency-Key is opaque to us and stored hashed, so any length up to this is kept whole.
MAX_IDEMPOTENCY_KEY_LENGTH = 255


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _same_number(value):
    """16 and 16.0 are one JSON number: written either way, the body is the same."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {key: _same_number(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_same_number(item) for item in value]
    return value


def _body_hash(data: dict) -> str:
    """The same JSON object written with other spacing, key order or number form is the same
    request."""
    return _sha256(json.dumps(_same_number(data), sort_keys=True, ensure_ascii=False).encode())


def _replay(earlier: IdempotencyKey, body_hash: str, reading: dict | None):
    """The earlier order again (200), or 422 if the key was used for a different complaint.
    With the reader's view as the first answer had it (read again from the order's text when
    today's checks refused the body before reading it)."""
    if earlier.body_hash and earlier.body_hash != body_hash:
        return error_response(
            [
                FieldError(
                    "Idempotency-Key",
                    "key_reused",
                    _("该 Idempotency-Key 已用于另一条不同内容的诉求，请为新诉求使用新的键"),
                )
            ],
            status=422,
        )
    order = WorkOrder.objects.select_related("community", "company", "master").get(
        pk=earlier.order_id
    )
    if reading is None:
        reading = read_text(order.text).reading_payload()
    return _json({**order_payload(order), "reading": reading}, 200)


def _create(request, client):
    key = request.headers.get("Idempotency-Key", "").strip()
    if len(key) > MAX_IDEMPOTENCY_KEY_LENGTH:
        return error_response(
            [
                FieldError(
                    "Idempotency-Key",
                    "too_long",
                    _("Idempotency-Key 过长（最多 %(max)d 个字符）")
                    % {"max": MAX_IDEMPOTENCY_KEY_LENGTH},
                )
            ]
        )
    try:
        data = _body(request)
    except ValueError:
        return _bad_json()
    refused = _control_character_error(data, INTAKE_TEXT_FIELDS)
    if refused is not None:
        return refused
    key_hash = _sha256(key.encode()) if key else ""
    body_hash = _body_hash(data)
    # A key is not looked up first: a new key is the common case, and the key's unique
    # constraint decides at the end of the transaction — a repeat's work is rolled back and the
    # earlier order is the answer (issue 18: the look-up was a tenth of an intake's cost).
    # Only a refusal looks the key up first: a retry of a complaint already taken is answered
    # with its order even when today's checks would refuse it (its community was renamed).
    reading = None  # the reader's view, once the text has been read

    def refuse(response):
        earlier = key and IdempotencyKey.objects.filter(client=client, key=key_hash).first()
        return _replay(earlier, body_hash, reading) if earlier else response

    refused = _schema_error(data, "Intake", SHAPE_CODES)
    if refused is not None:
        return refuse(refused)
    result = clean_intake(data, default_channel="12345")
    # The reader's view of the text (design §8): not about heating, top-2, a look-alike.
    reading = result.reading.reading_payload() if result.reading else None
    external_id = data.get("external_id") or ""
    if not isinstance(external_id, str) or len(external_id) > 60:
        result.errors.append(("external_id", "invalid", _("12345 工单编号最多60个字符")))
    if result.errors:
        return refuse(error_response([FieldError(*error) for error in result.errors]))
    # The intake's own checks give the friendlier messages; this gate refuses what they let
    # through but the description forbids (16 as "16", false as 0, {} as no community).
    refused = _schema_error(data, "Intake")
    if refused is not None:
        return refuse(refused)
    result.values["external_id"] = external_id.strip()
    try:
        with transaction.atomic():
            order = actions.do_create_order(client, **result.values)
            if key:
                IdempotencyKey.objects.create(
                    client=client, key=key_hash, body_hash=body_hash, order=order
                )
    except actions.ActionError as error:
        return refuse(error_response([FieldError(error.field, error.code, error.message)]))
    except IntegrityError:
        # The key was used before (or raced in twice): the first one's order is the answer.
        earlier = IdempotencyKey.objects.filter(client=client, key=key_hash).first()
        if earlier is None:
            raise
        return _replay(earlier, body_hash, reading)
    community = result.values["community"]
    if community is not None and order.community_id == community.pk:
        # Already loaded with its company by the intake: the answer needs no more queries.
        order.community = community
        if order.company_id == community.company_id:
            order.company = community.company
    return _json({**order_payload(order), "reading": reading}, 201)


def _cursor_token(order: WorkOrder) -> str:
    text = f"{order.updated_at.isoformat()}|{order.pk}"
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _parse_cursor(token: str):
    """(updated_at, id) from a ``next`` link's cursor, or None if it is not one of ours."""
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        moment_text, _sep, pk_text = text.partition("|")
        moment, pk = parse_moment(moment_text), int(pk_text)
    except (ValueError, UnicodeDecodeError):
        return None
    if moment is None or pk < 0:
        return None
    return moment, pk


def _changed_since(request, client):
    """Orders changed at or after ``changed_since``, oldest change first, ``limit`` at a time
    (≤ 1000); ``next`` is the link for the following page and, once empty, for the next poll.

    Paging is by the pair (updated_at, id), never by the moment alone: one worker pass can give
    a thousand orders the same updated_at, and a client that asked again from the last moment
    it saw got the same thousand rows forever (issue 18 item 4)."""
    cursor_text = request.GET.get("cursor", "")
    try:
        limit = parse_positive_int(request.GET, "limit", CHANGED_SINCE_LIMIT, CHANGED_SINCE_LIMIT)
    except ApiInputError as error:
        return error_response(error.errors)
    orders = WorkOrder.objects.filter(api_client=client)
    if cursor_text:
        cursor = _parse_cursor(cursor_text)
        if cursor is None:
            return error_response(
                [FieldError("cursor", "invalid", _("cursor 无效，请使用上一页返回的 next 链接"))]
            )
        moment, pk = cursor
        orders = orders.filter(Q(updated_at__gt=moment) | Q(updated_at=moment, pk__gt=pk))
    else:
        since = parse_moment(request.GET.get("changed_since", ""))
        if since is None:
            return error_response(
                [
                    FieldError(
                        "changed_since",
                        "invalid",
                        _(
                            "changed_since 必须是 ISO 8601 时间（时区偏移不超过 ±15:59），"
                            "如 2026-11-27T08:00:00+08:00"
                        ),
                    )
                ]
            )
        orders = orders.filter(updated_at__gte=since)
    orders = list(
        orders.select_related("community", "company", "master").order_by("updated_at", "id")[
            : limit + 1
        ]
    )
    more = len(orders) > limit
    orders = orders[:limit]
    if orders:
        next_query = {"cursor": _cursor_token(orders[-1])}
    elif cursor_text:
        next_query = {"cursor": cursor_text}
    else:
        next_query = {"changed_since": request.GET.get("changed_since", "").strip()}
    if limit != CHANGED_SINCE_LIMIT:
        next_query["limit"] = limit
    return _json(
        {
            "count": len(orders),
            "truncated": more,
            "next": request.build_absolute_uri(request.path + "?" + urlencode(next_query)),
            "results": [order_payload(o) for o in orders],
        }
    )


def _own_order(client, number):
    return (
        WorkOrder.objects.select_related("community", "company", "master")
        .filter(api_client=client, number=number)
        .first()
    )


def _not_found():
    return error_response([FieldError("number", "not_found", _("没有这张工单"))], status=404)


@api_methods("GET")
def workorder(request, number):
    client = token_client(request)
    if client is None:
        return unauthorized()
    order = _own_order(client, number)
    if order is None:
        return _not_found()
    return _json(order_payload(order))


@api_methods("POST")
def workorder_action(request, number, action):
    client = token_client(request)
    if client is None:
        return unauthorized()
    order = _own_order(client, number)
    if order is None:
        return _not_found()
    if action not in API_CLIENT_ACTIONS:
        return error_response(
            [
                FieldError(
                    "action",
                    "not_allowed",
                    _("接口不支持该操作；可用：%(a)s")
                    % {"a": _("、").join(sorted(API_CLIENT_ACTIONS))},
                )
            ]
        )
    try:
        data = _body(request)
    except ValueError:
        return _bad_json()
    refused = _control_character_error(data, ACTION_TEXT_FIELDS) or _schema_error(data, "Action")
    if refused is not None:
        return refused
    transition = TRANSITIONS[action]
    # The API's actions take text fields only (reason, satisfaction, note).
    values = [str(data.get(name, "")) for name in transition.form]
    options = {"expected_state": data.get("expected_state") or None}
    if options["expected_state"] and options["expected_state"] != order.state:
        # Every action honours the state the client saw, also those (press, supervise) that
        # the order's own rules allow in any open state: the client acted on a stale view.
        return error_response(
            [FieldError("expected_state", "conflict", _("工单状态已变化，请刷新页面后重试"))], 409
        )
    try:
        getattr(actions, f"do_{action}")(
            order, client, *values, **(options if transition.expected_state else {})
        )
    except actions.ActionError as error:
        status = 409 if error.code in ("conflict", "invalid_state") else 400
        return error_response(
            [FieldError(error.field or "action", error.code, error.message)], status
        )
    except PermissionDenied:
        return error_response([FieldError("action", "forbidden", _("无权执行该操作"))], 403)
    order.refresh_from_db()
    return _json(order_payload(order))

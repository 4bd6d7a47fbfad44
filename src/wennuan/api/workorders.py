"""Intake API for other hotline systems (design §8): token per client, idempotent create.

    POST /api/v1/workorders                         create (Idempotency-Key honoured)
    GET  /api/v1/workorders/NUMBER                  read
    POST /api/v1/workorders/NUMBER/actions/ACTION   act (press, callback, close)
    GET  /api/v1/workorders?changed_since=ISO8601   what changed (the client's own orders)

A client sees and acts on the orders it pushed, nothing else.
"""

import json

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from wennuan.lib.moments import parse_moment
from wennuan.workorders import actions
from wennuan.workorders.access import API_CLIENT_ACTIONS
from wennuan.workorders.intake import clean_intake
from wennuan.workorders.models import ApiClient, IdempotencyKey, WorkOrder

from .errors import FieldError, error_response

CHANGED_SINCE_LIMIT = 1000


def _json(payload, status=200):
    return JsonResponse(payload, status=status, json_dumps_params={"ensure_ascii": False})


def _iso(moment):
    return moment.isoformat() if moment else None


def order_payload(order: WorkOrder) -> dict:
    return {
        "number": order.number,
        "state": order.state,
        "category": order.category,
        "community": order.community.name if order.community else None,
        "company": order.company.legal_name if order.company else None,
        "building": order.building,
        "unit": order.unit,
        "room": order.room,
        "channel": order.channel,
        "external_id": order.external_id,
        "created_at": _iso(order.created_at),
        "updated_at": _iso(order.updated_at),
        "deadlines": {
            "sign": _iso(order.sign_deadline),
            "onsite": _iso(order.onsite_deadline),
            "resolve": _iso(order.resolve_deadline),
        },
        "flags": {
            "pressed": order.pressed,
            "supervised": order.supervised,
            "extension_requested": order.extension_requested,
            "overdue": order.overdue,
        },
        "reply": order.reply,
        "master": order.master.number if order.master_id else None,
    }


def _client(request) -> ApiClient | None:
    header = request.headers.get("Authorization", "")
    scheme, _sep, token = header.partition(" ")
    if scheme != "Token":
        return None
    return ApiClient.authenticate(token.strip())


def _unauthorized():
    return error_response(
        [FieldError("Authorization", "unauthorized", _("缺少或无效的接口令牌"))], status=401
    )


def _body(request) -> dict:
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        data = None
    if not isinstance(data, dict):
        raise ValueError
    return data


def _bad_json():
    return error_response([FieldError("", "invalid_json", _("请求内容不是有效的 JSON 对象"))])


@csrf_exempt
def workorders(request):
    client = _client(request)
    if client is None:
        return _unauthorized()
    if request.method == "POST":
        return _create(request, client)
    if request.method == "GET":
        return _changed_since(request, client)
    return error_response([FieldError("", "method_not_allowed", _("不支持的请求方法"))], 405)


def _create(request, client):
    key = request.headers.get("Idempotency-Key", "").strip()[:100]
    if key:
        earlier = IdempotencyKey.objects.filter(client=client, key=key).select_related("order")
        if earlier.exists():
            return _json(order_payload(earlier.first().order), 200)
    try:
        data = _body(request)
    except ValueError:
        return _bad_json()
    result = clean_intake(data, default_channel="12345")
    external_id = data.get("external_id") or ""
    if not isinstance(external_id, str) or len(external_id) > 60:
        result.errors.append(("external_id", "invalid", _("12345 工单编号最多60个字符")))
    if result.errors:
        return error_response([FieldError(*error) for error in result.errors])
    result.values["external_id"] = external_id.strip()
    try:
        with transaction.atomic():
            order = actions.do_create_order(client, **result.values)
            if key:
                IdempotencyKey.objects.create(client=client, key=key, order=order)
    except actions.ActionError as error:
        return error_response([FieldError(error.field, error.code, error.message)])
    except IntegrityError:
        # The same key raced in twice: the first one's order is the answer.
        earlier = IdempotencyKey.objects.filter(client=client, key=key).first()
        if earlier is None:
            raise
        return _json(order_payload(earlier.order), 200)
    return _json(order_payload(order), 201)


def _changed_since(request, client):
    since = parse_moment(request.GET.get("changed_since", ""))
    if since is None:
        return error_response(
            [
                FieldError(
                    "changed_since",
                    "invalid",
                    _("changed_since 必须是 ISO 8601 时间，如 2026-11-27T08:00:00+08:00"),
                )
            ]
        )
    orders = (
        WorkOrder.objects.filter(api_client=client, updated_at__gte=since)
        .select_related("community", "company", "master")
        .order_by("updated_at", "id")[: CHANGED_SINCE_LIMIT + 1]
    )
    orders = list(orders)
    return _json(
        {
            "count": min(len(orders), CHANGED_SINCE_LIMIT),
            "truncated": len(orders) > CHANGED_SINCE_LIMIT,
            "results": [order_payload(o) for o in orders[:CHANGED_SINCE_LIMIT]],
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


@csrf_exempt
def workorder(request, number):
    client = _client(request)
    if client is None:
        return _unauthorized()
    if request.method != "GET":
        return error_response([FieldError("", "method_not_allowed", _("不支持的请求方法"))], 405)
    order = _own_order(client, number)
    if order is None:
        return _not_found()
    return _json(order_payload(order))


@csrf_exempt
def workorder_action(request, number, action):
    client = _client(request)
    if client is None:
        return _unauthorized()
    if request.method != "POST":
        return error_response([FieldError("", "method_not_allowed", _("不支持的请求方法"))], 405)
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
                    % {"a": "、".join(sorted(API_CLIENT_ACTIONS))},
                )
            ]
        )
    try:
        data = _body(request)
    except ValueError:
        return _bad_json()
    expected = data.get("expected_state") or None
    try:
        if action == "press":
            actions.do_press(order, client, str(data.get("reason", "")))
        elif action == "callback":
            actions.do_callback(
                order,
                client,
                str(data.get("satisfaction", "")),
                str(data.get("note", "")),
                expected_state=expected,
            )
        elif action == "close":
            actions.do_close(order, client, expected_state=expected)
    except actions.ActionError as error:
        status = 409 if error.code in ("conflict", "invalid_state") else 400
        return error_response(
            [FieldError(error.field or "action", error.code, error.message)], status
        )
    except PermissionDenied:
        return error_response([FieldError("action", "forbidden", _("无权执行该操作"))], 403)
    order.refresh_from_db()
    return _json(order_payload(order))


def openapi(request):
    """A small OpenAPI 3 description of the intake API."""
    order_schema = {"$ref": "#/components/schemas/WorkOrder"}
    errors = {"$ref": "#/components/schemas/Errors"}
    schema = {
        "openapi": "3.0.3",
        "info": {"title": "问暖 Wennuan intake API", "version": "1"},
        "components": {
            "securitySchemes": {
                "token": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "Authorization",
                    "description": "Token <token> (wennuan manage create_api_client NAME)",
                }
            },
            "schemas": {
                "Intake": {
                    "type": "object",
                    "required": ["text", "phone", "channel"],
                    "properties": {
                        name: {"type": "string"}
                        for name in (
                            "text",
                            "phone",
                            "channel",
                            "caller_name",
                            "community",
                            "building",
                            "unit",
                            "room",
                            "category",
                            "external_id",  # the 12345 platform's own number for the case
                        )
                    },
                },
                "WorkOrder": {
                    "type": "object",
                    "properties": {
                        "number": {"type": "string", "example": "GN2026112700001"},
                        "state": {"type": "string"},
                        "category": {"type": "string"},
                        "community": {"type": "string", "nullable": True},
                        "company": {"type": "string", "nullable": True},
                        "deadlines": {"type": "object"},
                    },
                },
                "Errors": {
                    "type": "object",
                    "properties": {
                        "errors": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "field": {"type": "string"},
                                    "code": {"type": "string"},
                                    "message": {"type": "string"},
                                },
                            },
                        }
                    },
                },
            },
        },
        "security": [{"token": []}],
        "paths": {
            "/api/v1/workorders": {
                "post": {
                    "parameters": [
                        {"name": "Idempotency-Key", "in": "header", "schema": {"type": "string"}}
                    ],
                    "requestBody": {
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Intake"}}
                        }
                    },
                    "responses": {
                        "201": {
                            "description": "created",
                            "content": {"application/json": {"schema": order_schema}},
                        },
                        "200": {
                            "description": "same Idempotency-Key: the earlier order",
                            "content": {"application/json": {"schema": order_schema}},
                        },
                        "400": {
                            "description": "invalid",
                            "content": {"application/json": {"schema": errors}},
                        },
                    },
                },
                "get": {
                    "parameters": [
                        {
                            "name": "changed_since",
                            "in": "query",
                            "required": True,
                            "schema": {"type": "string", "format": "date-time"},
                        }
                    ],
                    "responses": {"200": {"description": "orders changed since"}},
                },
            },
            "/api/v1/workorders/{number}": {
                "get": {
                    "parameters": [
                        {
                            "name": "number",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        }
                    ],
                    "responses": {
                        "200": {
                            "description": "the order",
                            "content": {"application/json": {"schema": order_schema}},
                        },
                        "404": {"description": "not found"},
                    },
                }
            },
            "/api/v1/workorders/{number}/actions/{action}": {
                "post": {
                    "parameters": [
                        {
                            "name": "number",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        },
                        {
                            "name": "action",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string", "enum": sorted(API_CLIENT_ACTIONS)},
                        },
                    ],
                    "responses": {
                        "200": {"description": "done"},
                        "409": {
                            "description": "not allowed in the current state",
                            "content": {"application/json": {"schema": errors}},
                        },
                    },
                }
            },
        },
    }
    from wennuan.channels.webhooks import openapi_webhooks

    schema["x-webhooks"] = openapi_webhooks()  # what is pushed back to the client
    return _json(schema)

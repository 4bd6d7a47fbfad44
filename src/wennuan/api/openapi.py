"""The OpenAPI 3 description of the JSON API (design §8): every endpoint, every answer it can
give (401, 404, 405, 409, 413, 422, 503), and the constraints the server checks, so that a
client generator or a fuzzer (benchmarks/api_fuzz.py, schemathesis) finds no surprise."""

import re

from django.http import JsonResponse

from wennuan.channels.webhooks import openapi_webhooks
from wennuan.registry.directory import MAX_PAGE_SIZE, MAX_QUERY_LENGTH
from wennuan.workorders.access import API_CLIENT_ACTIONS
from wennuan.workorders.choices import Category, Channel, Satisfaction, State

from .errors import api_methods
from .middleware import MAX_BODY_BYTES


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(description: str) -> dict:
    return _json(_ref("Errors"), description)


# Answers any endpoint may give before or around its own work.
COMMON = {
    "400": _errors("invalid input (field errors in the user's language)"),
    "405": _errors("method not allowed"),
    "413": _errors(f"body over {MAX_BODY_BYTES // 1024} KiB"),
    "503": _errors("database unavailable; retry after the Retry-After seconds"),
}
AUTHENTICATED = {**COMMON, "401": _errors("missing or invalid token")}

NULLABLE_STRING = {"type": "string", "nullable": True}
MOMENT = {"type": "string", "format": "date-time"}
NULLABLE_MOMENT = {**MOMENT, "nullable": True}
ORDER_NUMBER = {"type": "string", "maxLength": 20, "example": "GN2026112700001"}


def _short_text(max_length: int, pattern: str | None = None) -> dict:
    schema = {"type": "string", "maxLength": max_length}
    if pattern:
        schema["pattern"] = pattern
    return schema


def _no_control(max_length: int, min_length: int = 0) -> dict:
    """Free text: control characters other than tab and line breaks are refused."""
    schema = _short_text(max_length, r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f]*$")
    if min_length:
        schema["minLength"] = min_length
    return schema


SCHEMAS = {
    "Intake": {
        "type": "object",
        "additionalProperties": False,
        "required": ["text", "phone"],
        "properties": {
            "text": {
                **_no_control(2000, 1),
                "description": "the complaint as told; must contain more than spaces",
            },
            "phone": {
                "type": "string",
                "maxLength": 20,
                "description": "mobile (11 digits) or landline with area code; "
                "spaces and dashes allowed",
                "example": "138-5301-1111",
            },
            "channel": {
                "type": "string",
                "enum": list(Channel.values),
                "default": Channel.HOTLINE_12345,
            },
            # OpenAPI 3.0: a nullable enum must list null among its values.
            "category": {"type": "string", "enum": [*Category.values, None], "nullable": True},
            "caller_name": _no_control(40),
            "community": {
                **_no_control(60),
                "description": "registry name or alias; unknown names are refused",
            },
            "building": _no_control(10),
            "unit": _no_control(10),
            "room": _no_control(10),
            "external_id": {
                **_no_control(60),
                "description": "the 12345 platform's own number for the case (searchable)",
            },
            "stated_temp_c": {
                "type": "number",
                "minimum": -10,
                "maximum": 40,
                "nullable": True,
                "description": "indoor temperature the caller reports, °C",
            },
        },
    },
    "WorkOrder": {
        "type": "object",
        "required": ["number", "state", "category", "created_at", "updated_at", "deadlines"],
        "properties": {
            "number": ORDER_NUMBER,
            "state": {"type": "string", "enum": list(State.values)},
            "category": {"type": "string", "enum": list(Category.values)},
            "community": NULLABLE_STRING,
            "company": NULLABLE_STRING,
            "building": {"type": "string"},
            "unit": {"type": "string"},
            "room": {"type": "string"},
            "channel": {"type": "string", "enum": list(Channel.values)},
            "external_id": {
                "type": "string",
                "description": "the 12345 platform's own number for the case; empty if none",
            },
            "created_at": MOMENT,
            "updated_at": MOMENT,
            "deadlines": {
                "type": "object",
                "properties": {
                    "sign": NULLABLE_MOMENT,
                    "onsite": NULLABLE_MOMENT,
                    "resolve": NULLABLE_MOMENT,
                },
            },
            "flags": {
                "type": "object",
                "properties": {
                    name: {"type": "boolean"}
                    for name in ("pressed", "supervised", "extension_requested", "overdue")
                },
            },
            "reply": {"type": "string"},
            "master": {**ORDER_NUMBER, "nullable": True},
        },
    },
    "Reading": {
        "type": "object",
        "nullable": True,
        "description": "what the complaint reader made of the text (design §8)",
        "properties": {
            "heating": {
                "type": "boolean",
                "nullable": True,
                "description": "false: the text is not about heating (the operator may 退单)",
            },
            "category_confidence": {"type": "number", "nullable": True},
            "category_top2": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "category": {"type": "string", "enum": list(Category.values)},
                        "probability": {"type": "number"},
                    },
                },
            },
            "community_suggestion": {
                **NULLABLE_STRING,
                "description": "a register community the text only resembles (是否指…?)",
            },
        },
    },
    "IntakeAnswer": {
        "allOf": [
            _ref("WorkOrder"),
            {"type": "object", "properties": {"reading": _ref("Reading")}},
        ]
    },
    "ChangedOrders": {
        "type": "object",
        "required": ["count", "truncated", "next", "results"],
        "properties": {
            "count": {"type": "integer", "minimum": 0},
            "truncated": {"type": "boolean", "description": "more pages follow at next"},
            "next": {
                "type": "string",
                "format": "uri",
                "description": "the following page; once results are empty, the next poll",
            },
            "results": {"type": "array", "items": _ref("WorkOrder")},
        },
    },
    "Action": {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "reason": {**_no_control(500), "description": "press: why the caller presses"},
            "satisfaction": {"type": "string", "enum": list(Satisfaction.values)},
            "note": _no_control(500),
            "expected_state": {
                "type": "string",
                "enum": [*State.values, None],
                "nullable": True,
                "description": "the state the client last saw; 409 when the order has moved on",
            },
        },
    },
    "DirectoryEntry": {
        "type": "object",
        "properties": {
            "community": {"type": "string"},
            "aliases": {"type": "array", "items": {"type": "string"}},
            "company": NULLABLE_STRING,
            "company_service_line": NULLABLE_STRING,
            "manager_name": NULLABLE_STRING,
            "manager_phone": NULLABLE_STRING,
            "substation": NULLABLE_STRING,
            "district": NULLABLE_STRING,
            "address": NULLABLE_STRING,
        },
    },
    "Directory": {
        "type": "object",
        "required": ["count", "page", "page_size", "results"],
        "properties": {
            "count": {"type": "integer", "minimum": 0},
            "page": {"type": "integer", "minimum": 1},
            "page_size": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
            "results": {"type": "array", "items": _ref("DirectoryEntry")},
        },
    },
    "Plans": {
        "type": "object",
        "required": ["date", "companies"],
        "properties": {
            "date": {"type": "string", "format": "date"},
            "companies": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["company"],
                    "properties": {
                        "company": {"type": "string"},
                        "sources": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "name": {"type": "string"},
                                    "heat_kw": {"type": "number"},
                                },
                            },
                        },
                        "substations": {"type": "array", "items": {"type": "object"}},
                        "communities": {"type": "array", "items": {"type": "object"}},
                        "plan": {"type": "object"},
                    },
                },
            },
        },
    },
    "Errors": {
        "type": "object",
        "required": ["errors"],
        "properties": {
            "errors": {
                "type": "array",
                "minItems": 1,
                "items": {
                    "type": "object",
                    "required": ["field", "code", "message"],
                    "properties": {
                        "field": {"type": "string"},
                        "code": {"type": "string"},
                        "message": {"type": "string"},
                    },
                },
            }
        },
    },
}

NUMBER_PARAMETER = {"name": "number", "in": "path", "required": True, "schema": ORDER_NUMBER}


def description() -> dict:
    order = _ref("WorkOrder")
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "问暖 Wennuan API",
            "version": "1",
            "description": "Intake of complaints from other hotline systems, the public "
            "directory of community managers and the day's heating plans (design §8). "
            "Errors are always {errors: [{field, code, message}]}.",
        },
        "components": {
            "securitySchemes": {
                "token": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "Authorization",
                    "description": "Token <token> (wennuan manage create_api_client NAME)",
                }
            },
            "schemas": SCHEMAS,
        },
        "security": [{"token": []}],
        "paths": {
            "/api/v1/workorders": {
                "post": {
                    "operationId": "createWorkOrder",
                    "summary": "push a complaint (受理); routed at once when the community is known",
                    "parameters": [
                        {
                            "name": "Idempotency-Key",
                            "in": "header",
                            "schema": {"type": "string", "maxLength": 255},
                            "description": "a retry with the same key and body returns the "
                            "same order (200); the same key with another body is 422",
                        }
                    ],
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": _ref("Intake")}},
                    },
                    "responses": {
                        **AUTHENTICATED,
                        "201": _json(_ref("IntakeAnswer"), "created"),
                        "200": _json(
                            _ref("IntakeAnswer"),
                            "same Idempotency-Key and body: the earlier order (also when "
                            "today's checks would refuse the body, e.g. a renamed community)",
                        ),
                        "422": _errors("Idempotency-Key already used with a different body"),
                    },
                },
                "get": {
                    "operationId": "changedWorkOrders",
                    "summary": "the client's orders changed since a moment, oldest change first",
                    "parameters": [
                        {
                            "name": "changed_since",
                            "in": "query",
                            "schema": MOMENT,
                            "description": "required unless cursor is given; offsets up to "
                            "±15:59, no offset = Asia/Shanghai",
                        },
                        {
                            "name": "cursor",
                            "in": "query",
                            "schema": {"type": "string", "maxLength": 200},
                            "description": "from a previous answer's next link",
                        },
                        {
                            "name": "limit",
                            "in": "query",
                            "schema": {"type": "integer", "minimum": 1, "maximum": 1000},
                        },
                    ],
                    "responses": {**AUTHENTICATED, "200": _json(_ref("ChangedOrders"), "a page")},
                },
            },
            "/api/v1/workorders/{number}": {
                "get": {
                    "operationId": "getWorkOrder",
                    "parameters": [NUMBER_PARAMETER],
                    "responses": {
                        **AUTHENTICATED,
                        "200": _json(order, "the order"),
                        "404": _errors("no such order among the client's own"),
                    },
                }
            },
            "/api/v1/workorders/{number}/actions/{action}": {
                "post": {
                    "operationId": "actOnWorkOrder",
                    "summary": "press (催办), callback (回访) or close (归档) one's own order",
                    "parameters": [
                        NUMBER_PARAMETER,
                        {
                            "name": "action",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string", "enum": sorted(API_CLIENT_ACTIONS)},
                        },
                    ],
                    "requestBody": {"content": {"application/json": {"schema": _ref("Action")}}},
                    "responses": {
                        **AUTHENTICATED,
                        "200": _json(order, "done; the order as it is now"),
                        "403": _errors("not allowed for this client"),
                        "404": _errors("no such order among the client's own"),
                        "409": _errors("not allowed in the order's current state"),
                    },
                }
            },
            "/api/v1/directory": {
                "get": {
                    "operationId": "searchDirectory",
                    "summary": "公布各小区管理员联系电话: public, no token needed",
                    "security": [],
                    "parameters": [
                        {
                            "name": "q",
                            "in": "query",
                            "schema": {"type": "string", "maxLength": MAX_QUERY_LENGTH},
                        },
                        {
                            "name": "page",
                            "in": "query",
                            "schema": {"type": "integer", "minimum": 1},
                        },
                        {
                            "name": "page_size",
                            "in": "query",
                            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
                        },
                    ],
                    "responses": {**COMMON, "200": _json(_ref("Directory"), "matching entries")},
                }
            },
            "/api/v1/plans/{day}": {
                "get": {
                    "operationId": "plansForDay",
                    "summary": "the day's heating plans per company (token or staff session)",
                    "parameters": [
                        {
                            "name": "day",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string", "format": "date"},
                        },
                        {"name": "company", "in": "query", "schema": {"type": "string"}},
                        {
                            "name": "details",
                            "in": "query",
                            "schema": {"type": "string", "enum": ["0", "1", "true", "false"]},
                        },
                    ],
                    "responses": {
                        **AUTHENTICATED,
                        "200": _json(_ref("Plans"), "the plans"),
                        "403": _errors("a session without a staff role"),
                        "404": _errors("no plan for that day, or no such company"),
                    },
                }
            },
            "/api/v1/openapi.json": {
                "get": {
                    "operationId": "openapi",
                    "security": [],
                    "responses": {"200": {"description": "this description"}},
                }
            },
        },
    }


@api_methods("GET")
def openapi(request):
    # What is pushed back to the client's webhook subscriptions (docs/integration.md).
    return JsonResponse(
        {**description(), "x-webhooks": openapi_webhooks()},
        json_dumps_params={"ensure_ascii": False},
    )


_TYPES = {
    "string": (str,),
    "number": (int, float),
    "integer": (int,),
    "boolean": (bool,),
    "array": (list,),
    "object": (dict,),
}


def schema_errors(data: dict, schema_name: str) -> list[tuple[str, str]]:
    """(field, code) for each property of a flat JSON object that breaks its description in
    SCHEMAS (type, null, length, pattern, enum, range, fields it does not name), so that the
    server refuses exactly what the description says is invalid."""
    errors = []
    schema = SCHEMAS[schema_name]
    if schema.get("additionalProperties") is False:
        # A misspelt field ("comunity") would otherwise be dropped without a word: lost data.
        errors += [(name, "unknown_field") for name in data if name not in schema["properties"]]
    for name in schema.get("required", []):
        if data.get(name) is None:
            errors.append((name, "required"))
    for name, rules in schema["properties"].items():
        if name not in data or any(field == name for field, _code in errors):
            continue
        value = data[name]
        if value is None:
            if not rules.get("nullable"):
                errors.append((name, "invalid_type"))
            continue
        expected = _TYPES.get(rules.get("type"), (object,))
        if not isinstance(value, expected) or (
            isinstance(value, bool) and rules.get("type") != "boolean"
        ):
            errors.append((name, "invalid_type"))
        elif "enum" in rules and value not in rules["enum"]:
            errors.append((name, "invalid_choice"))
        elif isinstance(value, str) and (
            len(value) > rules.get("maxLength", len(value))
            or len(value) < rules.get("minLength", 0)
            or ("pattern" in rules and not re.search(rules["pattern"], value))
        ):
            errors.append((name, "invalid"))
        elif isinstance(value, int | float) and not (
            rules.get("minimum", value) <= value <= rules.get("maximum", value)
        ):
            errors.append((name, "out_of_range"))
    return errors

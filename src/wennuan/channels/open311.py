"""Open311 GeoReport v2 server under ``/open311/v2/`` (https://wiki.open311.org/GeoReport_v2).

    GET  services.{json|xml}                  the complaint categories as services
    GET  services/{code}.{json|xml}           a service's attributes (community, home, temperature)
    POST requests.{json|xml}                  create (api_key = a token of `create_api_client`)
    GET  requests.{json|xml}                  list, filtered (service_request_id, service_code,
                                              start_date, end_date, status)
    GET  requests/{id}.{json|xml}             one request

Errors are the spec's: an HTTP status and ``[{"code": N, "description": "…"}]`` (XML
``<errors><error><code/><description/></error></errors>``). A request is created through the
same intake as the JSON API (``clean_intake`` then ``do_create_order``), so the complaint reader
fills the community and the home from ``address_string`` and ``description``.

Nothing personal is public: without the creating client's api_key a request shows no
description, phone, name or room.
"""

import json
import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt

from wennuan.api.auth import client_for_token
from wennuan.api.models import ApiClient
from wennuan.lib.masking import published_reply
from wennuan.lib.moments import parse_moment
from wennuan.workorders import actions
from wennuan.workorders.choices import OPEN_STATES, Category, Channel
from wennuan.workorders.intake import clean_intake
from wennuan.workorders.models import WorkOrder

from .xmlout import to_xml

log = logging.getLogger("wennuan.channels.open311")

MAX_WINDOW = timedelta(days=90)  # the spec's default and largest date range
MAX_RESULTS = 1000

# Attributes every service takes (GeoReport "service definition"); all optional because the
# complaint reader finds them in the description when they are left out.
ATTRIBUTES = [
    ("community", "string", gettext_lazy("小区名称（不填时从地址和描述中读出）")),
    ("building", "string", gettext_lazy("楼号")),
    ("unit", "string", gettext_lazy("单元")),
    ("room", "string", gettext_lazy("户号")),
    ("stated_temp_c", "number", gettext_lazy("室内温度 (°C)，-10 到 40")),
]


def jurisdiction() -> str:
    return getattr(settings, "WENNUAN_OPEN311_JURISDICTION", "")


class Open311Error(Exception):
    def __init__(self, status: int, description: str):
        super().__init__(description)
        self.status = status
        self.description = description


def _render(fmt: str, payload, root: str, item: str, status: int = 200) -> HttpResponse:
    if fmt == "xml":
        return HttpResponse(
            to_xml(root, payload, item), status=status, content_type="text/xml; charset=utf-8"
        )
    return HttpResponse(
        json.dumps(payload, ensure_ascii=False),
        status=status,
        content_type="application/json; charset=utf-8",
    )


def _error(fmt: str, error: Open311Error) -> HttpResponse:
    payload = [{"code": error.status, "description": str(error.description)}]
    return _render(fmt, payload, "errors", "error", status=error.status)


def _check_format(fmt: str):
    if fmt not in ("json", "xml"):
        raise Open311Error(404, _("不支持的格式（只支持 .json 和 .xml）"))


def _check_jurisdiction(params):
    given = params.get("jurisdiction_id")
    if given and jurisdiction() and given != jurisdiction():
        raise Open311Error(404, _("jurisdiction_id 不存在：%(j)s") % {"j": given})


def _service(code: str) -> dict:
    return {
        "service_code": code,
        "service_name": str(Category(code).label),
        "description": str(Category(code).label),
        "metadata": True,
        "type": "realtime",
        "keywords": "",
        "group": _("供热"),
    }


def _open311_view(handler):
    """Answer the handler's Open311Error in the requested format; never a 500 for bad input."""

    @csrf_exempt
    def view(request, fmt, **kwargs):
        answer_format = fmt if fmt in ("json", "xml") else "json"
        try:
            _check_format(fmt)
            return handler(request, fmt, **kwargs)
        except Open311Error as error:
            log.warning(
                "open311 %s %s refused: %s %s",
                request.method,
                request.path,
                error.status,
                error.description,
            )
            return _error(answer_format, error)

    return view


@_open311_view
def services(request, fmt):
    if request.method != "GET":
        raise Open311Error(405, _("不支持的请求方法"))
    _check_jurisdiction(request.GET)
    return _render(fmt, [_service(code) for code in Category.values], "services", "service")


@_open311_view
def service_definition(request, fmt, code):
    if request.method != "GET":
        raise Open311Error(405, _("不支持的请求方法"))
    _check_jurisdiction(request.GET)
    if code not in Category.values:
        raise Open311Error(404, _("service_code 不存在：%(c)s") % {"c": code})
    attributes = [
        {
            "variable": True,
            "code": name,
            "datatype": datatype,
            "required": False,
            "datatype_description": "",
            "order": order,
            "description": str(description),
        }
        for order, (name, datatype, description) in enumerate(ATTRIBUTES, start=1)
    ]
    payload = {"service_code": code, "attributes": attributes}
    return _render(fmt, payload, "service_definition", "attribute")


def _client(params) -> ApiClient | None:
    return client_for_token((params.get("api_key") or "").strip())


@_open311_view
def requests(request, fmt):
    if request.method == "POST":
        return _create(request, fmt)
    if request.method == "GET":
        return _list(request, fmt)
    raise Open311Error(405, _("不支持的请求方法"))


def _create(request, fmt):
    params = request.POST
    _check_jurisdiction(params)
    if not params.get("api_key"):
        raise Open311Error(400, _("缺少 api_key"))
    client = _client(params)
    if client is None:
        raise Open311Error(403, _("api_key 无效"))
    code = params.get("service_code", "")
    if not code:
        raise Open311Error(400, _("缺少 service_code"))
    if code not in Category.values:
        raise Open311Error(400, _("service_code 不存在：%(c)s") % {"c": code})
    address = (params.get("address_string") or "").strip()
    description = (params.get("description") or "").strip()
    name = " ".join(
        part for part in (params.get("last_name", ""), params.get("first_name", "")) if part
    )
    data = {
        # The reader finds the community and the home in the address as well as the text.
        "text": f"{address} {description}".strip(),
        "phone": params.get("phone", ""),
        "channel": Channel.API,
        "category": code,
        "caller_name": name.replace(" ", ""),
    }
    for attribute, _datatype, _description in ATTRIBUTES:
        value = params.get(f"attribute[{attribute}]")
        if value not in (None, ""):
            data[attribute] = value
    result = clean_intake(data)
    if result.errors:
        raise Open311Error(
            400, "; ".join(f"{field}: {message}" for field, _c, message in result.errors)
        )
    try:
        with transaction.atomic():
            order = actions.do_create_order(client, **result.values)
    except actions.ActionError as error:
        raise Open311Error(400, f"{error.field}: {error.message}") from error
    log.info("open311 request %s created by %s", order.number, client.name)
    notice = _("已受理，工单号 %(n)s；可在网站“工单查询”查看进度。") % {"n": order.number}
    payload = [{"service_request_id": order.number, "service_notice": notice, "account_id": None}]
    return _render(fmt, payload, "service_requests", "request")


def _iso(moment):
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


def request_payload(order: WorkOrder, *, private: bool) -> dict:
    """A work order as a GeoReport service request; ``private`` adds the caller's description
    (for the client that created it), never the phone."""
    community = order.community.name if order.community else ""
    return {
        "service_request_id": order.number,
        "status": "open" if order.state in OPEN_STATES else "closed",
        "status_notes": published_reply(order),
        "service_name": str(Category(order.category).label),
        "service_code": order.category,
        "description": order.text if private else "",
        "agency_responsible": order.company.legal_name if order.company else "",
        "service_notice": "",
        "requested_datetime": _iso(order.created_at),
        "updated_datetime": _iso(order.updated_at),
        "expected_datetime": _iso(order.resolve_deadline),
        "address": community,
        "address_id": "",
        "zipcode": "",
        "lat": None,
        "long": None,
        "media_url": "",
    }


def _list(request, fmt):
    params = request.GET
    _check_jurisdiction(params)
    client = _client(params)
    orders = WorkOrder.objects.select_related("community", "company").order_by("-created_at")
    numbers = [n.strip() for n in params.get("service_request_id", "").split(",") if n.strip()]
    if numbers:
        # The spec: service_request_id overrides every other filter.
        orders = orders.filter(number__in=numbers[:MAX_RESULTS])
    else:
        codes = [c.strip() for c in params.get("service_code", "").split(",") if c.strip()]
        unknown = [c for c in codes if c not in Category.values]
        if unknown:
            raise Open311Error(400, _("service_code 不存在：%(c)s") % {"c": ",".join(unknown)})
        if codes:
            orders = orders.filter(category__in=codes)
        end = _moment(params, "end_date") or timezone.now()
        start = _moment(params, "start_date") or end - MAX_WINDOW
        if end - start > MAX_WINDOW:
            raise Open311Error(400, _("start_date 与 end_date 相差不能超过 90 天"))
        orders = orders.filter(created_at__gte=start, created_at__lte=end)
        statuses = {s.strip() for s in params.get("status", "").split(",") if s.strip()}
        if statuses - {"open", "closed"}:
            raise Open311Error(400, _("status 只能是 open 或 closed"))
        if statuses == {"open"}:
            orders = orders.filter(state__in=OPEN_STATES)
        elif statuses == {"closed"}:
            orders = orders.exclude(state__in=OPEN_STATES)
    payload = [
        request_payload(order, private=client is not None and order.api_client_id == client.pk)
        for order in orders[:MAX_RESULTS]
    ]
    return _render(fmt, payload, "service_requests", "request")


def _moment(params, name):
    raw = params.get(name)
    if not raw:
        return None
    moment = parse_moment(raw)
    if moment is None:
        raise Open311Error(
            400, _("%(f)s 必须是 W3C 时间，如 2026-12-01T00:00:00+08:00") % {"f": name}
        )
    return moment


@_open311_view
def request_detail(request, fmt, number):
    if request.method != "GET":
        raise Open311Error(405, _("不支持的请求方法"))
    _check_jurisdiction(request.GET)
    order = WorkOrder.objects.select_related("community", "company").filter(number=number).first()
    if order is None:
        raise Open311Error(404, _("service_request_id 不存在：%(n)s") % {"n": number})
    client = _client(request.GET)
    private = client is not None and order.api_client_id == client.pk
    return _render(fmt, [request_payload(order, private=private)], "service_requests", "request")

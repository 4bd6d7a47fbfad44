"""``GET /api/v1/plans/{date}`` (design §8): the day's plans as JSON, scoped by company.

Authentication as the rest of the API: ``Authorization: Token T`` (an intake client of the
city's hotline platform: city-wide, every company) or a staff session (company staff see
their company, supervisors and the bureau all). ``?company=CODE`` narrows to one company;
``?details=1`` adds each plan's version, status, weather and warnings.
"""

from datetime import date

from django.http import JsonResponse
from django.utils.translation import gettext as _

from wennuan.api.auth import token_client, unauthorized
from wennuan.api.errors import FieldError, api_methods, error_response
from wennuan.registry.models import HeatingCompany
from wennuan.staff.access import staff_role

from .access import visible_companies
from .serialize import day_plans, plans_payload


@api_methods("GET")
def plans_for_date(request, day: str):
    client = token_client(request)
    if client is not None:
        companies = HeatingCompany.objects.all()
    elif request.user.is_authenticated:
        if staff_role(request.user) is None:
            return error_response([FieldError("user", "forbidden", _("无权查看调度计划"))], 403)
        companies = visible_companies(request.user)
    else:
        return unauthorized()
    try:
        wanted = date.fromisoformat(day)
    except ValueError:
        return error_response(
            [FieldError("date", "invalid", _("日期格式应为 YYYY-MM-DD，例如 2026-12-15"))]
        )
    code = request.GET.get("company", "").strip()
    if code:
        companies = companies.filter(code=code)
        if not companies.exists():
            return error_response(
                [FieldError("company", "not_found", _("没有该热力公司或无权查看"))], 404
            )
    plans = day_plans(wanted, companies)
    if not plans:
        return error_response([FieldError("date", "not_found", _("该日尚无调度计划"))], status=404)
    details = request.GET.get("details") in ("1", "true")
    return JsonResponse(
        plans_payload(wanted, plans, details=details), json_dumps_params={"ensure_ascii": False}
    )

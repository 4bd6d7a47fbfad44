"""Public pages for citizens: mobile-first, Chinese first, no login."""

from datetime import timedelta

from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponsePermanentRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wennuan.lib.addresses import client_address
from wennuan.lib.fielderrors import labelled
from wennuan.lib.phones import (
    complete_local_number,
    fold_full_width,
    is_personal_phone,
    normalize_phone,
)
from wennuan.registry.directory import MAX_QUERY_LENGTH, bureau_lines, search_directory
from wennuan.registry.models import City, Community
from wennuan.workorders.access import CITIZEN
from wennuan.workorders.actions import ActionError, do_create_order
from wennuan.workorders.choices import Channel
from wennuan.workorders.form_tokens import create_once, new_form_token, order_of_token
from wennuan.workorders.intake import city_area_code, clean_intake
from wennuan.workorders.models import ComplaintSubmission, LookupFailure, WorkOrder

# The page shows this many results; the JSON API pages through all of them.
PAGE_RESULT_LIMIT = 50


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says; the static name is looked up
    per request (the manifest exists only after collectstatic)."""
    return HttpResponsePermanentRedirect(static("portal/favicon.svg"))


def home(request):
    return render(
        request, "portal/home.html", {"city": City.objects.first(), "bureau_lines": bureau_lines()}
    )


def directory(request):
    """公布各小区管理员联系电话: search by name, alias, pinyin or initials."""
    query = request.GET.get("q", "").strip()
    error = None
    entries = []
    total = 0
    if len(query) > MAX_QUERY_LENGTH:
        error = _("搜索内容过长（最多 %(max)s 个字），请只输入小区名称") % {"max": MAX_QUERY_LENGTH}
    elif query:
        entries = search_directory(query)
        total = len(entries)
        if not entries:
            error = _("没有找到“%(query)s”，请换个叫法或只输入小区名称中的两三个字") % {
                "query": query
            }
    context = {
        "query": query,
        "entries": entries[:PAGE_RESULT_LIMIT],
        "total": total,
        "truncated": total > PAGE_RESULT_LIMIT,
        "error": error,
        "bureau_lines": bureau_lines(),
        "max_query_length": MAX_QUERY_LENGTH,
    }
    template = "portal/_directory_results.html" if request.htmx else "portal/directory.html"
    return render(
        request, template, context, status=400 if error and len(query) > MAX_QUERY_LENGTH else 200
    )


# ---------------------------------------------------------------------------------------------
# Complaints from citizens (design §2): submit, look up by number + last 4 digits, replies.

# At most this many web complaints per phone per hour and per home per day: enough for a
# real resident, a brake on scripts filling the queue.
PHONE_LIMIT_PER_HOUR = 3
HOME_LIMIT_PER_DAY = 5
# And per address: twenty complaints with twenty phones from one address is a script. A
# household, or a carrier's shared address in a busy hour, stays well under it.
ADDRESS_LIMIT_PER_HOUR = 10


def _rate_limited(values, ip) -> bool:
    now = timezone.now()
    if (
        ip
        and ComplaintSubmission.objects.filter(ip=ip, at__gte=now - timedelta(hours=1)).count()
        >= ADDRESS_LIMIT_PER_HOUR
    ):
        return True
    recent_phone = WorkOrder.objects.filter(
        channel=Channel.WEB, phone=values["phone"], created_at__gte=now - timedelta(hours=1)
    ).count()
    if recent_phone >= PHONE_LIMIT_PER_HOUR:
        return True
    community = values.get("community")
    if community is None or not values.get("room"):
        return False
    recent_home = WorkOrder.objects.filter(
        channel=Channel.WEB,
        community=community,
        building=values["building"],
        unit=values["unit"],
        room=values["room"],
        created_at__gte=now - timedelta(days=1),
    ).count()
    return recent_home >= HOME_LIMIT_PER_DAY


# How long the same text from the same phone counts as the same complaint sent again.
RESUBMIT_WINDOW = timedelta(minutes=30)


def _same_complaint_just_made(values) -> WorkOrder | None:
    return (
        WorkOrder.objects.filter(
            phone=values["phone"],
            channel=Channel.WEB,
            text=values["text"],
            created_at__gte=timezone.now() - RESUBMIT_WINDOW,
        )
        .order_by("created_at")
        .first()
    )


# The public form's own labels: its errors name the fields as this form shows them (the
# operator's intake says 来电人 where the citizen's form says 姓名).
COMPLAINT_FORM_LABELS = {
    "text": gettext_lazy("反映的问题"),
    "phone": gettext_lazy("手机号或座机"),
    "caller_name": gettext_lazy("姓名"),
}


def complaint(request):
    """The mobile complaint form: no login; the phone must be one the citizen can be called
    back on; a complaint whose community cannot be told is confirmed by the citizen first."""
    fields = ("text", "phone", "caller_name", "community", "building", "unit", "room")
    form = {name: request.POST.get(name, "") for name in fields}
    community_unknown = request.POST.get("community_unknown") == "1"
    errors = []
    ask_community = False
    form_token = request.POST.get("form_token", "")
    if request.method == "POST" and (earlier := order_of_token(form_token)) is not None:
        # Submitted again (a double click, Back and submit): the first order, not a second.
        return _complaint_done(request, earlier, again=True)
    if request.method == "POST":
        phone = complete_local_number(form["phone"], city_area_code())
        result = clean_intake(
            {**form, "phone": phone, "channel": Channel.WEB}, labels=COMPLAINT_FORM_LABELS
        )
        errors = result.errors
        ip = client_address(request)
        if not errors and not is_personal_phone(phone):
            message = labelled("phone", PERSONAL_PHONE_MESSAGE, COMPLAINT_FORM_LABELS)
            errors = [("phone", "invalid_phone", message)]
        if not errors and _rate_limited(result.values, ip):
            errors = [("phone", "rate_limited", _("提交过于频繁，请稍后再试或拨打 12319"))]
        if not errors and result.values["community"] is None and not community_unknown:
            # Without a community the order cannot reach a company: ask rather than guess.
            ask_community = True
        if not errors and not ask_community:
            if (earlier := _same_complaint_just_made(result.values)) is not None:
                # Back and submit again re-fetches the form with a new token while the browser
                # restores everything typed (an outsider's phone did): the same words from the
                # same phone minutes apart are that first complaint, not a second one.
                return _complaint_done(request, earlier, again=True)

            def create():
                with transaction.atomic():
                    order = do_create_order(CITIZEN, **result.values)
                    if ip:
                        ComplaintSubmission.objects.create(ip=ip, at=order.created_at)
                return order

            try:
                order, made_now = create_once(form_token, create)
            except ActionError as error:
                message = labelled(error.field, error.message, COMPLAINT_FORM_LABELS)
                errors = [(error.field, error.code, message)]
            else:
                return _complaint_done(request, order, again=not made_now)
    return render(
        request,
        "portal/complaint.html",
        {
            "form": form,
            "errors": errors,
            "error_fields": {error[0] for error in errors},
            "ask_community": ask_community,
            "community_unknown": community_unknown,
            "community_names": Community.objects.order_by("name").values_list("name", flat=True),
            # Kept across a failed submit: the form is still the same one complaint.
            "form_token": form_token if len(form_token) == 32 else new_form_token(),
        },
        status=429 if any(e[1] == "rate_limited" for e in errors) else 400 if errors else 200,
    )


def _complaint_done(request, order, *, again: bool):
    line = order.company.primary_service_line() if order.company else None
    return render(
        request,
        "portal/complaint_done.html",
        {"order": order, "service_line": line, "submitted_again": again},
    )


PERSONAL_PHONE_MESSAGE = gettext_lazy(
    "请填写能回电联系到您的手机号（11位）或座机号（如 0530-6692571，本地座机可省略区号）"
)


# Failed look-ups allowed before the form refuses for a while: per address, and per order
# number from one address. Failures are never counted per number alone: five wrong guesses
# from other addresses then locked the real caller out of their own order (issue 18 item 11).
# Guessing stays impractical: one address gets 5 tries per number per hour and 10 in all per
# quarter hour; even 100 addresses trying one number get 500 of the 10,000 last-four digits
# an hour, while the caller who knows the digits always gets in from their own address.
LOOKUP_FAILURES_PER_IP = 10
LOOKUP_IP_WINDOW = timedelta(minutes=15)
LOOKUP_FAILURES_PER_NUMBER = 5
LOOKUP_NUMBER_WINDOW = timedelta(hours=1)


def _lookup_blocked(ip, number, now) -> timedelta | None:
    """How long until this address may try again (for this number), or None if it may now."""
    waits = []
    by_ip = LookupFailure.objects.filter(ip=ip, at__gte=now - LOOKUP_IP_WINDOW)
    if ip and by_ip.count() >= LOOKUP_FAILURES_PER_IP:
        oldest = by_ip.order_by("-at")[LOOKUP_FAILURES_PER_IP - 1].at
        waits.append(oldest + LOOKUP_IP_WINDOW - now)
    by_number = LookupFailure.objects.filter(
        ip=ip, number=number, at__gte=now - LOOKUP_NUMBER_WINDOW
    )
    if number and by_number.count() >= LOOKUP_FAILURES_PER_NUMBER:
        oldest = by_number.order_by("-at")[LOOKUP_FAILURES_PER_NUMBER - 1].at
        waits.append(oldest + LOOKUP_NUMBER_WINDOW - now)
    return max(waits) if waits else None


def lookup(request):
    """Find one's own order by its number and the last four digits of the phone."""
    # Full-width digits and letters (a Chinese keyboard's "１２３４") are their ASCII forms.
    number = fold_full_width(request.GET.get("number", "")).strip().upper()[:20]
    last4 = normalize_phone(request.GET.get("last4", ""))
    order, error, status = None, None, 200
    # A number alone (the link on the confirmation page) only fills the form in. Input of the
    # wrong shape is said as such and is no failed attempt: it tells nothing about any order.
    if last4 and not (len(last4) == 4 and last4.isascii() and last4.isdigit()):
        error, status = _("请输入手机号的后四位数字（4 位）"), 400
    elif last4 and not number:
        error, status = _("请输入工单号"), 400
    elif last4:
        now = timezone.now()
        ip = client_address(request)
        wait = _lookup_blocked(ip, number, now)
        if wait is not None:
            minutes = max(1, int(wait.total_seconds() // 60) + 1)
            error = _(
                "查询失败次数过多，请 %(minutes)s 分钟后再试；如需帮助请拨打 12319 供热服务热线"
            ) % {"minutes": minutes}
            status = 429
        else:
            found = (
                WorkOrder.objects.select_related("community", "company", "master")
                .filter(number=number)
                .first()
            )
            if found is None or not found.phone.endswith(last4):
                # One message for both cases: the page never tells which numbers exist.
                error = _("没有找到该工单，请核对工单号和手机号后四位")
                status = 404
                LookupFailure.objects.create(ip=ip, number=number, at=now)
                LookupFailure.objects.filter(at__lt=now - timedelta(days=1)).delete()
            else:
                order = found
    # The caller's own home visits (proved by the phone digits): when, and what was measured.
    visits = list(order.visits.order_by("visited_at")) if order is not None else []
    return render(
        request,
        "portal/lookup.html",
        {
            "order": order,
            "visits": visits,
            "timeline": status_timeline(order, visits) if order is not None else [],
            "error": error,
            "number": number,
            "last4": last4,
        },
        status=status,
    )


def status_timeline(order, visits) -> list[tuple]:
    """What happened to the citizen's order, in plain words and in order — from the order's
    own fields, never the staff event log (it names staff and carries internal reasons)."""
    steps = [(order.created_at, _("您的诉求已受理"))]
    if order.company_id and order.clock_started_at:
        steps.append(
            (order.clock_started_at, _("已转给 %(c)s 办理") % {"c": order.company.legal_name})
        )
    elif order.routing_deadline:
        steps.append((order.created_at, _("市供热主管部门正在核实您的小区，将转给负责的供热公司")))
    if order.accepted_at:
        steps.append((order.accepted_at, _("供热公司已接单，正在安排维修人员")))
    for visit in visits:
        if visit.not_home:
            text = _("维修人员上门时家中无人，将再次联系您上门")
        elif visit.access_refused:
            text = _("维修人员未能入户")
        elif visit.lowest_reading_c is not None:
            text = _("维修人员上门测温：%(v)s（最低室温 %(t).1f °C）") % {
                "v": visit.get_verdict_display(),
                "t": visit.lowest_reading_c,
            }
        else:
            text = _("维修人员已上门：%(v)s") % {"v": visit.get_verdict_display()}
        steps.append((visit.visited_at, text))
    if order.resolved_at:
        steps.append((order.resolved_at, _("已答复，答复内容见下方")))
    return sorted(steps, key=lambda step: step[0])


def replies(request):
    """Published replies, masked (design §4.5): no room numbers, 王*, 138****1234."""
    published = (
        WorkOrder.objects.filter(is_published=True)
        .select_related("community", "company")
        .prefetch_related("visits")
        .order_by("-resolved_at")
    )
    page = Paginator(published, 30).get_page(request.GET.get("page"))
    return render(request, "portal/replies.html", {"page": page})

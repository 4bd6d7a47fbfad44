"""The work-order staff pages (design §4): intake, queues, the order with its allowed actions,
the visit form, exports and reply templates. Their URLs stay under the console's (``console/urls.py``
includes ``staff_urls``); the console is the shell around them."""

import csv
import io
import mimetypes
import uuid
from datetime import datetime, time, timedelta
from pathlib import Path

import openpyxl
from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import F, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from wennuan.lib.fielderrors import field_label, form_errors, labelled
from wennuan.lib.images import BadPhoto, check_photo, photo_name
from wennuan.lib.moments import parse_moment
from wennuan.lib.numbers import parse_user_number
from wennuan.lib.phones import normalize_phone
from wennuan.lib.spreadsheets import clean_row
from wennuan.registry.models import City, HeatingCompany, HeatingSeason
from wennuan.reports.drill import drill_title
from wennuan.staff.access import staff_role
from wennuan.staff.choices import Role
from wennuan.staff.models import StaffProfile
from wennuan.staff.scope import Desk, company_scope

from . import actions as wo_actions
from .access import access_order, may_act, order_queryset
from .choices import (
    OPEN_STATES,
    Category,
    Cause,
    Channel,
    RoomKind,
    Satisfaction,
    State,
)
from .form_tokens import create_once, new_form_token, order_of_token
from .intake import clean_intake, find_community, read_text
from .models import CallerHistoryView, ReplyTemplate
from .reply_templates import fill_template, templates_for, unfilled_placeholders
from .rules import active_fee_rule, order_fee_reduction
from .transitions import REPLIED, TRANSITIONS

ORDER_PAGE_SIZE = 50


def _orders_visible_or_403(user):
    company_scope(user, Desk.ORDERS)  # 403 where the scope table says NONE
    return order_queryset(user)


def _filtered_orders(request):
    """The orders the user may see, filtered and ordered as the list page's query string says
    (shared by the list and its exports)."""
    # Prefetch (two small queries) rather than join: with a join the planners leave the
    # (company, state, due_at) index and sort the whole company's history.
    queryset = _orders_visible_or_403(request.user).prefetch_related("community", "company")
    filters = {
        k: request.GET.get(k, "").strip()
        for k in ("company", "community", "category", "state", "review", "q")
    }
    overdue = request.GET.get("overdue") == "1"
    if filters["q"]:
        # The caller on the line gives an order number, a 12345 reference or a phone.
        query = filters["q"]
        digits = normalize_phone(query)
        if digits.isdigit() and len(digits) >= 5:
            CallerHistoryView.objects.create(user=request.user, phone=digits)  # audited
        queryset = queryset.filter(
            Q(number=query.upper())
            | Q(external_id=query)
            | (Q(phone=digits) if digits.isdigit() and len(digits) >= 5 else Q(pk__in=[]))
        )
        show_all_for_search = True
    else:
        show_all_for_search = False
    if filters["company"]:
        company = HeatingCompany.objects.filter(code=filters["company"]).first()
        queryset = queryset.filter(company_id=company.pk if company else None)
    if filters["community"]:
        queryset = queryset.filter(community__name=filters["community"])
    if filters["category"]:
        queryset = queryset.filter(category=filters["category"])
    show_all = request.GET.get("all") == "1" or show_all_for_search
    if filters["review"] == "1":  # the reviewer's queue: replies not yet published
        queryset = queryset.filter(is_published=False, state__in=sorted(REPLIED)).exclude(reply="")
    elif filters["state"]:
        queryset = queryset.filter(state=filters["state"])
    elif not show_all:
        queryset = queryset.filter(state__in=sorted(s.value for s in OPEN_STATES))
    if overdue:
        queryset = queryset.filter(overdue=True)
    queryset = _drill_down_filters(queryset, request.GET)
    if filters["state"] in OPEN_STATES or not (filters["state"] or show_all):
        # Work still owed: the nearest deadline first.
        queryset = queryset.order_by(F("due_at").asc(nulls_last=True), "-created_at")
    else:
        # Finished or mixed lists: newest first (an index walk, fast on any page).
        queryset = queryset.order_by("-created_at", "-id")
    return queryset, filters, overdue


@login_required
def orders(request):
    """One list for every role: a dispatcher's queue, a technician's orders, the bureau's
    filtered view. Open orders first, nearest deadline first."""
    role = staff_role(request.user)
    queryset, filters, overdue = _filtered_orders(request)
    # Page through ids first (answered from the indexes), then load the page's rows.
    page = Paginator(queryset.values_list("pk", flat=True), ORDER_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    by_id = queryset.order_by().in_bulk(list(page.object_list))
    rows = [by_id[pk] for pk in page.object_list if pk in by_id]
    # Complaints no company could be told for wait for the bureau: whoever may route them
    # sees them first, nearest routing deadline first.
    routing_queue = []
    if may_act(request.user, "dispatch"):
        routing_queue = list(
            order_queryset(request.user)
            .filter(state=State.RECEIVED, company__isnull=True)
            .order_by(F("due_at").asc(nulls_last=True), "created_at")[:20]
        )
    # A technician on a phone starts from today's work: their open orders, the nearest
    # deadline first, each with the address one tap from the map.
    today = []
    if role == Role.TECHNICIAN:
        today = list(
            order_queryset(request.user)
            .filter(assignee=request.user, state__in=sorted(s.value for s in OPEN_STATES))
            .select_related("community")
            .order_by(F("due_at").asc(nulls_last=True), "created_at")[:30]
        )
    return render(
        request,
        "console/orders.html",
        {
            "page": page,
            "rows": rows,
            "today": today,
            "routing_queue": routing_queue,
            "now": timezone.now(),
            "role": role,
            "filters": filters,
            "overdue": overdue,
            "companies": (
                HeatingCompany.objects.all()
                if company_scope(request.user, Desk.ORDERS, strict=False).sees_all
                else []
            ),
            "categories": Category.choices,
            "states": State.choices,
            "may_create": may_act(request.user, "create"),
            "may_review": may_act(request.user, "publish_reply"),
            "may_export": staff_role(request.user) in EXPORT_ROLES,
            "may_edit_templates": role in TEMPLATE_EDITORS,
            # Opened from a dashboard number: say which (the header of the drill-down).
            "drill_title": drill_title(request.GET["drill"]) if request.GET.get("drill") else None,
            "total": page.paginator.count,
        },
    )


def _drill_down_filters(queryset, params):
    """Extra filters the reports dashboard links use so that every number opens the orders
    behind it: ``ids`` (comma-separated, at most 1000), ``channel``, ``created_from`` and
    ``created_to`` (local dates, inclusive). Malformed values are ignored."""
    ids = [int(x) for x in params.get("ids", "").split(",") if x.strip().isdecimal()][:1000]
    if params.get("ids"):
        queryset = queryset.filter(pk__in=ids)
    if params.get("channel"):
        queryset = queryset.filter(channel=params["channel"])
    for name, lookup, shift in (("created_from", "gte", 0), ("created_to", "lt", 1)):
        try:
            day = datetime.strptime(params.get(name, ""), "%Y-%m-%d").date()
        except ValueError:
            continue
        start = timezone.make_aware(datetime.combine(day + timedelta(days=shift), time.min))
        queryset = queryset.filter(**{f"created_at__{lookup}": start})
    return queryset


def _caller_history(user, phone):
    """Earlier orders of this phone the user may see; the look-up itself is audited."""
    if not phone:
        return []
    CallerHistoryView.objects.create(user=user, phone=phone)
    return list(order_queryset(user).filter(phone=phone).select_related("community")[:20])


def _form_community_and_same_home(user, form):
    """The intake form's community (if the name is known) and the open orders of that home."""
    community = find_community(form["community"]) if form["community"] else None
    same_home = _open_same_home(
        user,
        {
            "community": community,
            "building": form["building"],
            "unit": form["unit"],
            "room": form["room"],
        },
    )
    return community, same_home


def _open_same_home(user, values):
    community = values.get("community")
    if community is None or not values.get("room"):
        return []
    return list(
        order_queryset(user)
        .filter(
            community=community,
            building=values.get("building", ""),
            unit=values.get("unit", ""),
            room=values["room"],
            state__in=[s.value for s in OPEN_STATES],
            master__isnull=True,
        )
        .order_by("-created_at")[:5]
    )


@login_required
def order_new(request):
    """The operator's intake screen: prefill from the text, caller history, merge offer."""
    if not may_act(request.user, "create"):
        raise PermissionDenied
    data = request.POST if request.method == "POST" else request.GET
    form = {k: data.get(k, "") for k in INTAKE_FIELDS}
    form["channel"] = form["channel"] or Channel.HOTLINE_12319
    form_token = request.POST.get("form_token", "")
    errors = []
    history, same_home = [], []
    prefilled, doubts = set(), {}
    if (
        request.method == "POST"
        and data.get("step") != "read"
        and (earlier := order_of_token(form_token)) is not None
    ):
        # The same call saved again (a double click, Back and save): the first order.
        messages.info(
            request, _("这通来电已经受理过，没有重复建单：工单 %(n)s") % {"n": earlier.number}
        )
        return redirect("console:order", number=earlier.number)
    if request.method == "POST" and data.get("step") == "read":
        prefilled, doubts = _prefill(form)
    elif request.method == "POST":
        result = clean_intake(dict(form))
        errors = result.errors
        if not errors:
            merge_into = data.get("merge_into", "")
            master = None
            if merge_into:
                master = order_queryset(request.user).filter(number=merge_into).first()

            def create():
                order = wo_actions.do_create_order(request.user, **result.values)
                if master is not None:
                    order = wo_actions.do_merge(order, request.user, master, _("同一住户重复来电"))
                return order

            try:
                order, made_now = create_once(form_token, create)
            except wo_actions.ActionError as error:
                errors = [(error.field, error.code, labelled(error.field, error.message))]
            else:
                if made_now:
                    messages.success(request, _intake_confirmation(order))
                else:
                    messages.info(
                        request,
                        _("这通来电已经受理过，没有重复建单：工单 %(n)s") % {"n": order.number},
                    )
                return redirect("console:order", number=order.number)
    if form["phone"]:
        history = _caller_history(request.user, normalize_phone(form["phone"]))
    community, same_home = _form_community_and_same_home(request.user, form)
    return render(
        request,
        "console/order_new.html",
        {
            "form": form,
            "errors": errors,
            "history": history,
            "same_home": same_home,
            "prefilled": prefilled,
            "doubts": doubts,
            "community_info": community,
            "categories": Category.choices,
            "channels": Channel.choices,
            # One token per call taken: kept while the operator corrects the form.
            "form_token": form_token if len(form_token) == 32 else new_form_token(),
        },
        status=400 if errors else 200,
    )


def _intake_confirmation(order) -> str:
    """What the operator reads back to the caller: the number, who handles it, by when."""
    if order.master_id:
        return _("已受理：工单 %(n)s，已并入 %(m)s") % {"n": order.number, "m": order.master.number}
    if order.company_id:
        return _("已受理并派单：工单 %(n)s → %(c)s，签收时限 %(t)s") % {
            "n": order.number,
            "c": order.company.short_name,
            "t": timezone.localtime(order.sign_deadline).strftime("%Y-%m-%d %H:%M"),
        }
    if order.routing_deadline:
        return _("已受理：工单 %(n)s 未能确定小区，已进入待转办队列（转办时限 %(t)s）") % {
            "n": order.number,
            "t": timezone.localtime(order.routing_deadline).strftime("%Y-%m-%d %H:%M"),
        }
    return _("已受理：工单 %(n)s") % {"n": order.number}


INTAKE_FIELDS = (
    "text",
    "phone",
    "caller_name",
    "community",
    "building",
    "unit",
    "room",
    "category",
    "stated_temp_c",
    "channel",
)


# Below this the reader's category is a choice for the operator between its two likeliest.
UNSURE_CATEGORY_CONFIDENCE = 0.7


def _reading_doubts(guess) -> dict:
    """What the operator should decide: not about heating, an unsure category (its top two),
    a community the text only resembles (是否指…?)."""
    labels = dict(Category.choices)
    doubts = {"not_heating": guess.heating is False}
    if (
        guess.category_confidence is not None
        and guess.category_confidence < UNSURE_CATEGORY_CONFIDENCE
    ):
        doubts["category_choices"] = [
            (category, labels.get(category, category), round(100 * probability))
            for category, probability in guess.category_top2
        ]
    if guess.community is None and guess.community_suggestion is not None:
        doubts["community_question"] = guess.community_suggestion.name
    return doubts


def _prefill(form: dict) -> tuple[set[str], dict]:
    """Fill the empty fields from what the complaint reader finds in the text (design §5);
    what the operator typed is never overwritten. Returns the names of the fields filled and
    the reader's doubts for the operator."""
    guess = read_text(form["text"])
    found = {
        "community": guess.community.name if guess.community else "",
        "category": guess.category or "",
        "building": guess.building,
        "unit": guess.unit,
        "room": guess.room,
        "stated_temp_c": "" if guess.temperature_c is None else f"{guess.temperature_c:g}",
        "phone": guess.phone or "",
    }
    filled = set()
    for name, value in found.items():
        if value and not str(form.get(name) or "").strip():
            form[name] = value
            filled.add(name)
    return filled, _reading_doubts(guess)


@login_required
def order_prefill(request):
    """HTMX: the intake fields below the text, prefilled while the operator types."""
    if not may_act(request.user, "create"):
        raise PermissionDenied
    if request.method != "POST":
        raise PermissionDenied
    form = {name: request.POST.get(name, "") for name in INTAKE_FIELDS}
    form["channel"] = form["channel"] or Channel.HOTLINE_12319
    prefilled, doubts = _prefill(form) if form["text"].strip() else (set(), {})
    community, same_home = _form_community_and_same_home(request.user, form)
    return render(
        request,
        "console/_intake_fields.html",
        {
            "form": form,
            "prefilled": prefilled,
            "doubts": doubts,
            "same_home": same_home,
            "community_info": community,
            "categories": Category.choices,
            "channels": Channel.choices,
        },
    )


def _show_phone(user) -> bool:
    # Community managers read orders of their communities but do not need the caller's phone.
    return staff_role(user) != Role.COMMUNITY_MANAGER


def _company_technician(order, wanted: str):
    """The technician picked in a form, if they work for the order's company."""
    profile = (
        StaffProfile.objects.filter(
            role=Role.TECHNICIAN, company_id=order.company_id, user_id=int(wanted)
        )
        .select_related("user")
        .first()
        if wanted.isdecimal()
        else None
    )
    if profile is None:
        raise wo_actions.ActionError(_("请选择本公司的维修人员"), field="technician")
    return profile.user


def _detail_context(request, order, error=None, kept=None):
    offered_reply = "reply" in wo_actions.offered_actions(request.user, order)
    templates = list(templates_for(order)) if offered_reply else []
    wanted = request.GET.get("template", "")
    if not kept and wanted.isdecimal():
        # 套用模板: the chosen template, filled from the order, in the reply box to edit.
        chosen = next((t for t in templates if t.pk == int(wanted)), None)
        if chosen is not None:
            kept = {"action": "reply", "reply": fill_template(chosen.text, order, timezone.now())}
    company_technicians = StaffProfile.objects.filter(
        role=Role.TECHNICIAN, company_id=order.company_id
    ).select_related("user")
    offered = wo_actions.offered_actions(request.user, order)
    return {
        "order": order,
        "offers": [{"action": action, "transition": TRANSITIONS[action]} for action in offered],
        "events": order.events.select_related("actor").all(),
        "visits": order.visits.prefetch_related("readings").all(),
        "callbacks": order.callbacks.all(),
        "fee": order_fee_reduction(order, timezone.now()),
        "show_phone": _show_phone(request.user),
        "technicians": company_technicians,
        "satisfactions": Satisfaction.choices,
        "error": error,
        # What the user typed into the failed action's form, shown again (never lost).
        "kept": kept or {},
        "now": timezone.now(),
        # The reader says the text is about another city service: offer a one-click 退单.
        "not_heating": "return" in offered and read_text(order.text).heating is False,
        "reply_templates": templates,
        "chosen_template": wanted,
    }


@login_required
def order_detail(request, number):
    if staff_role(request.user) is None:
        raise PermissionDenied
    order = access_order(request.user, number)
    return render(request, "console/order_detail.html", _detail_context(request, order))


def _moment_field(post, name):
    """A typed moment, or None when left empty; text that is not a usable moment (a wrong
    shape, an offset beyond ±15:59) is refused naming the field, not passed on as "empty"."""
    raw = post.get(name, "").strip()
    if not raw:
        return None
    moment = parse_moment(raw)
    if moment is None:
        raise wo_actions.ActionError(
            _("时间格式不正确，请按 2026-12-10 18:00 的格式填写"), field=name, code="invalid"
        )
    return moment


def _technician(order, post):
    wanted = post.get("technician", "")
    technician = (
        get_user_model().objects.filter(pk=int(wanted)).first() if wanted.isdecimal() else None
    )
    if technician is None:
        raise wo_actions.ActionError(_("请选择维修人员"), field="technician")
    return technician


def _community(order, post):
    community = find_community(post.get("community", ""))
    if community is None:
        raise wo_actions.ActionError(_("没有找到该小区"), field="community")
    return community


def _master(order, post, user):
    master = order_queryset(user).filter(number=post.get("master", "").strip()).first()
    if master is None:
        raise wo_actions.ActionError(_("没有找到主工单"), field="master")
    return master


# How the detail page's form fields become the arguments of ``do_<action>`` (the fields each
# action asks for are in ``workorders.transitions``).
FORM_READERS = {
    "technician": lambda order, post, user: _technician(order, post),
    "reply": lambda order, post, user: post.get("reply", ""),
    "community": lambda order, post, user: _community(order, post),
    "until": lambda order, post, user: _moment_field(post, "until"),
    "deadline": lambda order, post, user: _moment_field(post, "deadline"),
    "approve": lambda order, post, user: post.get("approve") == "1",
    "reason": lambda order, post, user: post.get("reason", ""),
    "satisfaction": lambda order, post, user: post.get("satisfaction", ""),
    "note": lambda order, post, user: post.get("note", ""),
    "master": _master,
}


@login_required
def order_act(request, number, action):
    """POST one action from the detail page; errors re-render the page and change nothing."""
    if request.method != "POST":
        raise PermissionDenied
    if staff_role(request.user) is None:
        raise PermissionDenied
    order = access_order(request.user, number)
    transition = TRANSITIONS.get(action)
    if transition is None or transition.page or not may_act(request.user, action, order):
        raise PermissionDenied  # before reading the form: a refusal says nothing about it
    post, user = request.POST, request.user
    try:
        if action == "accept" and post.get("technician", ""):
            with transaction.atomic():  # 签收并指派: one step, or neither
                order = wo_actions.do_accept(
                    order, user, expected_state=post.get("expected_state") or None
                )
                technician = _company_technician(order, post["technician"])
                wo_actions.do_assign(order, user, technician, expected_state=order.state)
        else:
            if action == "reply" and (left := unfilled_placeholders(post.get("reply", ""))):
                raise wo_actions.ActionError(
                    _("请先把模板中的 %(p)s 改成实际内容") % {"p": _("、").join(left)},
                    field="reply",
                    code="placeholder",
                )
            values = [FORM_READERS[name](order, post, user) for name in transition.form]
            options = {}
            if transition.expected_state:
                options["expected_state"] = post.get("expected_state") or None
            getattr(wo_actions, f"do_{action}")(order, user, *values, **options)
    except wo_actions.ActionError as error:
        order.refresh_from_db()
        status = 409 if error.code in ("conflict", "invalid_state") else 400
        return render(
            request,
            "console/order_detail.html",
            _detail_context(
                request,
                order,
                error=labelled(error.field, error.message),
                kept={**post.dict(), "action": action},
            ),
            status=status,
        )
    if not order_queryset(user).filter(pk=order.pk).exists():
        return redirect("console:orders")  # e.g. returned away from a company
    return redirect("console:order", number=order.number)


VISIT_ROWS = (("客厅", "living"), ("主卧", "bedroom"), ("次卧", "bedroom"), ("", "other"))
VISIT_CHECKBOXES = (
    "closed_30_min",
    "centre_height_ok",
    "read_after_10_min",
    "not_home",
    "access_refused",
    "resident_confirmed",
)
VISIT_TEXTS = ("outdoor_temp_c", "actions_taken", "violations", "rectification", "home_area_m2")


def _visit_field_label(field: str, rows) -> str:
    """The label the technician sees for an error's field ("readings.1" → 室温 2（主卧）)."""
    if field.startswith("readings."):
        index = int(field.split(".")[1])
        room = rows[index]["room"] if index < len(rows) else ""
        return _("室温 %(n)s") % {"n": index + 1} + (f"（{room}）" if room else "")
    return field_label(field)


def _parse_visit_numbers(rows, texts) -> tuple[list, float | None, float | None]:
    """(readings, outdoor °C, area m²) as typed; every field that is not a number is named in
    one error (a technician in a stairwell fixed them one submit at a time)."""
    problems = []

    def number(raw: str, field: str):
        try:
            return parse_user_number(raw)
        except ValueError:
            message = _("“%(v)s” 不是数字（例如 16.5 或 16,5）") % {"v": raw}
            problems.append(
                (field, labelled(field, message, {field: _visit_field_label(field, rows)}))
            )
            return None

    readings = []
    for index, row in enumerate(rows):
        temp = number(row["temp"], f"readings.{index}")
        if temp is not None:
            readings.append((row["room"], row["kind"], temp))
    outdoor = number(texts["outdoor_temp_c"], "outdoor_temp_c")
    area = number(texts["home_area_m2"], "home_area_m2")
    if problems:
        raise wo_actions.ActionError(
            _("；").join(message for _field, message in problems),
            field=problems[0][0],
            code="invalid",
        )
    return readings, outdoor, area


PENDING_PHOTO_DIR = "visits/pending"


def _pending_photo_name(order, user, token: str) -> str | None:
    """The stored name of a photo kept from a failed submission, if ``token`` is this user's
    for this order (the token is only ever echoed back in their own form)."""
    prefix = f"{order.pk}-{user.pk}-"
    if not token.startswith(prefix) or "/" in token or ".." in token:
        return None
    name = f"{PENDING_PHOTO_DIR}/{token}"
    return name if default_storage.exists(name) else None


def _keep_photo(order, user, upload) -> str:
    """Keep an uploaded photo across a validation error (a browser cannot refill a file
    input); returns the token the form echoes back."""
    extension = Path(upload.name).suffix.lower()[:6] or ".jpg"
    token = f"{order.pk}-{user.pk}-{uuid.uuid4().hex}{extension}"
    default_storage.save(f"{PENDING_PHOTO_DIR}/{token}", upload)
    return token


@login_required
def order_visit(request, number):
    """The technician's visit form (phone-sized). On an error everything typed stays: the
    readings, boxes, notes, area and the photo; the error names the field."""
    if staff_role(request.user) is None:
        raise PermissionDenied
    order = access_order(request.user, number)
    if not may_act(request.user, "record_visit", order):
        raise PermissionDenied
    error = None
    post = request.POST
    rows = [{"room": room, "kind": kind, "temp": ""} for room, kind in VISIT_ROWS]
    checked = set()
    texts = dict.fromkeys(VISIT_TEXTS, "")
    chosen_causes: list[str] = []
    pending_photo = ""
    if request.method == "POST":
        rows = [
            {
                "room": post.get(f"room_{index}", ""),
                "kind": post.get(f"kind_{index}", "other"),
                "temp": post.get(f"temp_{index}", "").strip(),
            }
            for index in range(len(VISIT_ROWS))
        ]
        checked = {name for name in VISIT_CHECKBOXES if post.get(name) == "on"}
        texts = {name: post.get(name, "") for name in VISIT_TEXTS}
        chosen_causes = post.getlist("causes")
        photo = request.FILES.get("photo")
        pending_name = _pending_photo_name(order, request.user, post.get("pending_photo", ""))
        photo_refused = False
        try:
            if photo is not None:
                try:
                    photo.name = photo_name(photo.name, check_photo(photo))
                except BadPhoto as refusal:
                    # Everything else typed stays; this file is not kept (it is no photo).
                    photo_refused = True
                    raise wo_actions.ActionError(
                        str(refusal), field="photo", code="invalid"
                    ) from None
            readings, outdoor, area_value = _parse_visit_numbers(rows, texts)
            if photo is None and pending_name:
                photo = File(default_storage.open(pending_name), name=Path(pending_name).name)
            wo_actions.do_record_visit(
                order,
                request.user,
                readings=readings,
                not_home="not_home" in checked,
                access_refused="access_refused" in checked,
                closed_30_min="closed_30_min" in checked,
                centre_height_ok="centre_height_ok" in checked,
                read_after_10_min="read_after_10_min" in checked,
                outdoor_temp_c=outdoor,
                causes=chosen_causes,
                actions_taken=texts["actions_taken"],
                violations=texts["violations"],
                rectification=texts["rectification"],
                resident_confirmed="resident_confirmed" in checked,
                home_area_m2=area_value,
                photo=photo,
                expected_state=post.get("expected_state") or None,
            )
        except wo_actions.ActionError as exc:
            label = _visit_field_label(exc.field, rows)
            error = labelled(exc.field, exc.message, {exc.field: label})
            if request.FILES.get("photo") is not None and not photo_refused:
                request.FILES["photo"].seek(0)
                pending_photo = _keep_photo(order, request.user, request.FILES["photo"])
            elif pending_name:
                pending_photo = Path(pending_name).name
        else:
            if pending_name:
                default_storage.delete(pending_name)
            messages.success(request, _("入户记录已保存"))
            return redirect("console:order", number=order.number)
    return render(
        request,
        "console/order_visit.html",
        {
            "order": order,
            "error": error,
            "causes": Cause.choices,
            "kinds": RoomKind.choices,
            "rows": rows,
            "checked": checked,
            "texts": texts,
            "chosen_causes": chosen_causes,
            "pending_photo": pending_photo,
        },
        status=400 if error else 200,
    )


@login_required
def visit_photo(request, number, visit_id):
    """A visit's photo, for staff who may see the order (never public; media is not served)."""
    if staff_role(request.user) is None:
        raise PermissionDenied
    order = access_order(request.user, number)
    visit = order.visits.filter(pk=visit_id).exclude(photo="").first()
    if visit is None:
        raise Http404
    try:
        handle = visit.photo.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=_photo_type(visit.photo.name))
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _photo_type(name: str) -> str:
    guessed, _encoding = mimetypes.guess_type(name)
    # Only images are shown inline; anything else is offered as a download.
    return guessed if guessed and guessed.startswith("image/") else "application/octet-stream"


# ---------------------------------------------------------------------------------------------
# Exports of the order list (Excel and CSV) with the fee reduction of design §4.4

EXPORT_ROLES = frozenset({Role.SUPERVISOR, Role.ADMIN, Role.COMPANY_DISPATCHER})
EXPORT_LIMIT = 50_000


def _export_rows(orders):
    rule = active_fee_rule()
    city = City.objects.first()
    seasons = list(HeatingSeason.objects.all())
    now = timezone.now()
    yield [
        _("工单号"),
        _("受理时间"),
        _("来源"),
        _("类别"),
        _("状态"),
        _("责任单位"),
        _("小区"),
        _("楼/单元/户"),
        _("最近时限"),
        _("超期"),
        _("催办"),
        _("督办"),
        _("办结时间"),
        _("入户结论"),
        _("最低室温 (°C)"),
        _("退费金额 (元)"),
        _("退费天数"),
        _("退费比例"),
    ]
    for order in orders:
        visits = list(order.visits.all())
        last = visits[-1] if visits else None
        fee = order_fee_reduction(order, now, rule=rule, city=city, seasons=seasons)
        yield [
            order.number,
            timezone.localtime(order.created_at).strftime("%Y-%m-%d %H:%M"),
            str(order.get_channel_display()),
            str(order.get_category_display()),
            str(order.get_state_display()),
            order.company.short_name if order.company else "",
            order.community.name if order.community else "",
            order.home_label,
            timezone.localtime(order.due_at).strftime("%Y-%m-%d %H:%M") if order.due_at else "",
            _("是") if order.overdue else "",
            _("是") if order.pressed else "",
            _("是") if order.supervised else "",
            timezone.localtime(order.resolved_at).strftime("%Y-%m-%d %H:%M")
            if order.resolved_at
            else "",
            str(last.get_verdict_display()) if last else "",
            last.lowest_reading_c if last and last.lowest_reading_c is not None else "",
            float(fee.amount_yuan) if fee else "",
            fee.days if fee else "",
            fee.ratio if fee else "",
        ]


@login_required
def orders_export(request, fmt):
    """The list as filtered on the page, for supervisors and companies (their orders only)."""
    if staff_role(request.user) not in EXPORT_ROLES:
        raise PermissionDenied
    if fmt not in ("csv", "xlsx"):
        raise Http404
    queryset, _filters, _overdue = _filtered_orders(request)
    orders = queryset.prefetch_related("visits")[:EXPORT_LIMIT]
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if fmt == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="orders-{stamp}.csv"'
        response.write("\ufeff")  # BOM: Excel opens the file as UTF-8
        writer = csv.writer(response)
        for row in _export_rows(orders):
            writer.writerow(row)
        return response
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(_("工单"))
    for row in _export_rows(orders):
        sheet.append(clean_row(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="orders-{stamp}.xlsx"'
    return response


# ---------------------------------------------------------------------------------------------
# Reply templates (答复模板): kept by each company's dispatchers; the bureau's serve everyone.

TEMPLATE_EDITORS = frozenset({Role.COMPANY_DISPATCHER, Role.SUPERVISOR, Role.ADMIN})


class ReplyTemplateForm(forms.ModelForm):
    class Meta:
        model = ReplyTemplate
        fields = ["company", "category", "title", "text", "is_active"]
        widgets = {"text": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, company_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("所有类别"))] + list(Category.choices)
        if company_id is not None:  # a company's dispatcher keeps their company's only
            del self.fields["company"]
        self.company_id = company_id

    def save(self, commit=True):
        template = super().save(commit=False)
        if self.company_id is not None:
            template.company_id = self.company_id
        if commit:
            template.save()
        return template


def _template_scope(user):
    role = staff_role(user)
    if role not in TEMPLATE_EDITORS:
        raise PermissionDenied
    company_id = (
        None
        if company_scope(user, Desk.ORDERS, strict=False).sees_all
        else user.staff_profile.company_id
    )
    templates = ReplyTemplate.objects.select_related("company")
    if company_id is not None:
        templates = templates.filter(company_id=company_id)
    return templates, company_id


@login_required
def reply_templates(request, pk=None):
    """The company's reply templates: the list, a new one, or one to edit (``pk``)."""
    templates, company_id = _template_scope(request.user)
    editing = get_object_or_404(templates, pk=pk) if pk is not None else None
    form = ReplyTemplateForm(
        request.POST if request.method == "POST" else None,
        instance=editing,
        company_id=company_id,
    )
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, _("答复模板“%(t)s”已保存") % {"t": saved.title})
        return redirect("console:reply_templates")
    return render(
        request,
        "console/reply_templates.html",
        {
            "templates": templates.order_by("category", "title"),
            "form": form,
            "editing": editing,
            "form_errors": form_errors(form) if form.is_bound else [],
            "placeholders": _("、").join(("{小区}", "{日期}", "{室温}")),
        },
        status=400 if form.is_bound and form.errors else 200,
    )

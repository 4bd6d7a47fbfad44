"""Public information pages (citizens, no login) and the editors' pages (bureau staff)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wennuan.lib.fielderrors import form_errors
from wennuan.registry.directory import bureau_lines
from wennuan.registry.models import City, DutyShift, HeatingCompany, HeatingSeason
from wennuan.staff.access import staff_role

from . import actions
from .access import may_edit_content, require_editor
from .choices import ArticleKind, VersionStatus
from .forms import ArticleForm, FeeCalculatorForm, FeeStandardForm
from .models import Article, FeeStandard, season_fee_yuan
from .queries import default_season, public_articles, public_seasons

# ---------------------------------------------------------------------------------------------
# Public pages


def index(request):
    now = timezone.now()
    notices = public_articles(ArticleKind.NOTICE, now=now)
    companies = HeatingCompany.objects.prefetch_related("service_lines").order_by("code")
    return render(
        request,
        "publicinfo/index.html",
        {
            "city": City.objects.first(),
            "urgent": [pair for pair in notices if pair[0].is_urgent][:3],
            "notices": [pair for pair in notices if not pair[0].is_urgent][:5],
            "companies": companies,
            "bureau_lines": bureau_lines(),
        },
    )


def article(request, pk: int):
    item = get_object_or_404(Article.objects.prefetch_related("versions"), pk=pk)
    version = item.public_version()
    if version is None:
        raise Http404
    return render(request, "publicinfo/article.html", {"article": item, "version": version})


def notices(request):
    return render(
        request,
        "publicinfo/article_list.html",
        {"pairs": public_articles(ArticleKind.NOTICE), "heading": _("通知公告"), "kind": "notice"},
    )


def faq(request):
    return render(
        request,
        "publicinfo/article_list.html",
        {"pairs": public_articles(ArticleKind.FAQ), "heading": _("常见问题"), "kind": "faq"},
    )


def safety(request):
    return render(
        request,
        "publicinfo/article_list.html",
        {"pairs": public_articles(ArticleKind.SAFETY), "heading": _("安全知识"), "kind": "safety"},
    )


def fees(request):
    """Fee standards per season and the calculator. Works without JavaScript (a GET form);
    with htmx the result part alone is replaced. The server validates either way."""
    seasons = public_seasons()
    season = default_season(seasons, timezone.localdate())
    wanted = request.GET.get("season")
    if wanted:
        season = next((s for s in seasons if str(s.pk) == wanted), season)
    form = FeeCalculatorForm(request.GET if "area" in request.GET else None)
    result = None
    if form.is_bound and season is not None and form.is_valid():
        data = form.cleaned_data
        result = {
            "area": data["area"],
            "residential": data["use"] == "residential",
            "suspended": data["suspended"] == "yes",
            "fee_yuan": season_fee_yuan(
                season,
                data["area"],
                residential=data["use"] == "residential",
                suspended=data["suspended"] == "yes",
            ),
        }
    context = {
        "seasons": seasons,
        "season": season,
        "form": form,
        "result": result,
        # Each error led by its field's label: the result box is away from the fields.
        "error_messages": form_errors(form) if form.is_bound else [],
    }
    if request.htmx:
        return render(request, "publicinfo/_fee_result.html", context)
    return render(request, "publicinfo/fees.html", context)


def company(request, code: str):
    heating_company = get_object_or_404(HeatingCompany, code=code)
    now_time = timezone.localtime().time()
    lines = []
    for line in heating_company.service_lines.order_by("-is_24h", "label"):
        on_duty = [
            shift.operator_name
            for shift in DutyShift.objects.filter(line=line)
            if shift.covers(now_time)
        ]
        lines.append({"line": line, "on_duty": on_duty})
    return render(
        request,
        "publicinfo/company.html",
        {
            "company": heating_company,
            "lines": lines,
            "now": timezone.localtime(),
            "community_count": heating_company.communities.count(),
            "bureau_lines": bureau_lines(),
        },
    )


# ---------------------------------------------------------------------------------------------
# Staff pages (supervisors and admin edit; everybody else 403)


def _status_of(item: Article, now) -> str:
    public = item.public_version(now)
    scheduled = item.scheduled_version(now)
    latest = item.latest_version()
    if scheduled:
        return _("定时发布 %(when)s") % {
            "when": timezone.localtime(scheduled.publish_at).strftime("%Y-%m-%d %H:%M")
        }
    if public and latest and latest.number != public.number and latest.status == "draft":
        return _("已发布（有未发布的草稿）")
    if public:
        return _("已发布")
    return _("未公开")


@login_required
def staff_index(request):
    if not may_edit_content(request.user):
        # Other staff reach this page from the console's button: tell them who edits and
        # where the public pages are (no drafts); a login without a staff role gets 403.
        if staff_role(request.user) is None:
            raise PermissionDenied
        return render(request, "publicinfo/staff_readonly.html")
    now = timezone.now()
    rows = []
    for item in Article.objects.prefetch_related("versions").order_by("kind", "sort_order", "pk"):
        rows.append(
            {"article": item, "latest": item.latest_version(), "status": _status_of(item, now)}
        )
    seasons = HeatingSeason.objects.order_by("-start_date")
    standards = {fs.season_id: fs for fs in FeeStandard.objects.all()}
    return render(
        request,
        "publicinfo/staff_index.html",
        {
            "rows": rows,
            "kinds": ArticleKind.choices,
            "seasons": [(s, standards.get(s.pk)) for s in seasons],
        },
    )


def _form_initial(item: Article) -> dict:
    latest = item.latest_version()
    return {
        "kind": item.kind,
        "title": latest.title if latest else "",
        "body_markdown": latest.body_markdown if latest else "",
        "status": latest.status if latest else VersionStatus.DRAFT,
        "publish_at": timezone.localtime(latest.publish_at)
        if latest and latest.publish_at
        else None,
        "is_urgent": item.is_urgent,
        "sort_order": item.sort_order,
    }


@login_required
def article_edit(request, pk: int | None = None):
    require_editor(request.user)
    item = get_object_or_404(Article, pk=pk) if pk else None
    if request.method == "POST":
        form = ArticleForm(request.POST)
        if item is not None:
            form.fields["kind"].required = False
        if form.is_valid():
            data = form.cleaned_data
            version = actions.do_save_version(
                request.user,
                article=item,
                kind=item.kind if item else data["kind"],
                title=data["title"],
                body_markdown=data["body_markdown"],
                status=data["status"],
                publish_at=data["publish_at"],
                is_urgent=data["is_urgent"],
                sort_order=data["sort_order"] if data["sort_order"] is not None else 100,
                note=data["note"],
            )
            messages.success(request, _("已保存为第 %(n)s 版") % {"n": version.number})
            return redirect("publicinfo:article_history", pk=version.article_id)
        status = 400
    else:
        initial = _form_initial(item) if item else {"kind": request.GET.get("kind", "notice")}
        form = ArticleForm(initial=initial)
        status = 200
    if item is not None:
        form.fields["kind"].disabled = True
    return render(
        request, "publicinfo/staff_edit.html", {"form": form, "article": item}, status=status
    )


@login_required
def article_history(request, pk: int):
    require_editor(request.user)
    item = get_object_or_404(Article.objects.prefetch_related("versions__saved_by"), pk=pk)
    now = timezone.now()
    public = item.public_version(now)
    versions = item._versions()
    shown = versions[0] if versions else None
    if request.GET.get("v"):
        shown = next((v for v in versions if str(v.number) == request.GET["v"]), shown)
    return render(
        request,
        "publicinfo/staff_history.html",
        {
            "article": item,
            "versions": versions,
            "public": public,
            "shown": shown,
            "status": _status_of(item, now),
            "statuses": VersionStatus.choices,
        },
    )


@login_required
@require_POST
def article_revert(request, pk: int, number: int):
    require_editor(request.user)
    item = get_object_or_404(Article, pk=pk)
    if not item.versions.filter(number=number).exists():
        raise Http404
    status = request.POST.get("status", VersionStatus.DRAFT)
    if status not in VersionStatus.values:
        status = VersionStatus.DRAFT
    publish_at = None if status == VersionStatus.DRAFT else timezone.now()
    version = actions.do_revert(request.user, item, number, status=status, publish_at=publish_at)
    messages.success(
        request,
        _("已按第 %(old)s 版内容保存为第 %(n)s 版") % {"old": number, "n": version.number},
    )
    return redirect("publicinfo:article_history", pk=pk)


@login_required
def fee_edit(request, season_pk: int):
    require_editor(request.user)
    season = get_object_or_404(HeatingSeason, pk=season_pk)
    standard = FeeStandard.objects.filter(season=season).first() or FeeStandard(season=season)
    if request.method == "POST":
        form = FeeStandardForm(request.POST, instance=standard)
        if form.is_valid():
            saved = form.save(commit=False)
            saved.updated_by = request.user
            saved.updated_at = timezone.now()
            saved.save()
            messages.success(request, _("收费标准已保存"))
            return redirect("publicinfo:index")
        status = 400
    else:
        form = FeeStandardForm(instance=standard)
        status = 200
    return render(
        request, "publicinfo/staff_fee.html", {"form": form, "season": season}, status=status
    )

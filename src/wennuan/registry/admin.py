"""The register in the Django admin, with Excel/CSV import and export."""

from django import forms
from django.contrib import admin, messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import io as register_io
from . import jobs as register_jobs
from .models import (
    City,
    Community,
    DutyShift,
    HeatingCompany,
    HeatingSeason,
    HeatSource,
    Manager,
    NetworkJunction,
    NetworkPipe,
    RegisterImportJob,
    ServiceLine,
    SourceConnection,
    Substation,
)


class ServiceLineInline(admin.TabularInline):
    model = ServiceLine
    extra = 0


@admin.register(City)
class CityAdmin(admin.ModelAdmin):
    list_display = ["name", "bureau_name", "design_outdoor_temp_c"]


@admin.register(HeatingCompany)
class HeatingCompanyAdmin(admin.ModelAdmin):
    list_display = ["legal_name", "short_name", "code"]
    search_fields = ["legal_name", "short_name", "code"]
    inlines = [ServiceLineInline]


class DutyShiftInline(admin.TabularInline):
    model = DutyShift
    extra = 0


@admin.register(ServiceLine)
class ServiceLineAdmin(admin.ModelAdmin):
    list_display = ["label", "number", "owner", "company", "is_24h"]
    list_filter = ["owner", "company", "is_24h"]
    inlines = [DutyShiftInline]


@admin.register(HeatSource)
class HeatSourceAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "capacity_mw"]
    list_filter = ["kind", "companies"]
    filter_horizontal = ["companies"]


@admin.register(Substation)
class SubstationAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "company", "source", "design_load_kw", "terminal"]
    list_filter = ["company", "terminal", "source"]
    search_fields = ["name", "code"]
    raw_id_fields = ["junction"]


@admin.register(Manager)
class ManagerAdmin(admin.ModelAdmin):
    list_display = ["name", "phone", "company", "is_published"]
    list_filter = ["company", "is_published"]
    search_fields = ["name", "phone"]


@admin.register(Community)
class CommunityAdmin(admin.ModelAdmin):
    list_display = ["name", "company", "substation", "district", "households", "heated_area_m2"]
    list_filter = ["company", "district", "terminal", "energy_standard"]
    search_fields = ["name", "search_key", "address"]
    autocomplete_fields = ["substation", "manager"]
    list_select_related = ["company", "substation"]


@admin.register(HeatingSeason)
class HeatingSeasonAdmin(admin.ModelAdmin):
    list_display = ["name", "start_date", "end_date", "residential_tariff_yuan_m2"]


@admin.register(NetworkJunction)
class NetworkJunctionAdmin(admin.ModelAdmin):
    list_display = ["code", "company", "latitude", "longitude", "height_m"]
    list_filter = ["company"]
    search_fields = ["code"]


@admin.register(NetworkPipe)
class NetworkPipeAdmin(admin.ModelAdmin):
    list_display = ["code", "company", "length_m", "inner_diameter_m"]
    list_filter = ["company"]
    raw_id_fields = ["from_junction", "to_junction"]


admin.site.register(SourceConnection)


class RegisterImportForm(forms.Form):
    file = forms.FileField(label=_("文件（.xlsx 或 .csv）"))
    kind = forms.ChoiceField(
        label=_("CSV 数据类型"),
        required=False,
        choices=[("", _("按表头自动识别"))] + [(s.kind, s.title) for s in register_io.SHEETS],
    )


MAX_UPLOAD_BYTES = 20 * 1024 * 1024


def register_io_view(request):
    """导入/导出登记册: upload a workbook or CSV; download the register or the template."""
    if not request.user.has_perm("registry.change_community"):
        messages.error(request, _("没有导入登记册的权限"))
        return redirect("admin:index")
    export = request.GET.get("export")
    if export == "xlsx":
        response = HttpResponse(
            register_io.export_workbook(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="register.xlsx"'
        return response
    if export in register_io.SHEETS_BY_KIND:
        response = HttpResponse(
            register_io.export_csv(export), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{export}.csv"'
        return response

    result = None
    file_error = None
    form = RegisterImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            file_error = _("文件过大（最大 20 MB）")
        else:
            data = upload.read()
            try:
                result = register_io.import_register(
                    data,
                    upload.name,
                    form.cleaned_data["kind"] or None,
                    max_rows=register_io.WEB_MAX_ROWS,
                )
            except register_io.TooManyRowsForTheWeb:
                # Too long for a request: the worker imports it; its page shows the progress.
                job = register_jobs.enqueue(
                    data, upload.name, form.cleaned_data["kind"] or None, request.user
                )
                return redirect("admin:register_import_job", job.pk)
            except register_io.ImportFileError as error:
                file_error = str(error)
        if result and result.ok:
            messages.success(
                request,
                _("导入成功：新增 %(created)s 条，更新 %(updated)s 条")
                % {
                    "created": sum(result.created.values()),
                    "updated": sum(result.updated.values()),
                },
            )
    context = {
        **admin.site.each_context(request),
        "title": _("导入/导出登记册"),
        "form": form,
        "result": result,
        "file_error": file_error,
        "sheets": register_io.SHEETS,
    }
    status = 400 if file_error or (result and not result.ok) else 200
    return render(request, "admin/registry/register_io.html", context, status=status)


def register_import_job_view(request, job_id):
    """A background import's progress; the page refreshes itself until the job is over."""
    if not request.user.has_perm("registry.change_community"):
        messages.error(request, _("没有导入登记册的权限"))
        return redirect("admin:index")
    job = get_object_or_404(RegisterImportJob.objects.defer("data"), pk=job_id)
    done, total = register_jobs.progress(job)
    running = job.state in (RegisterImportJob.State.QUEUED, RegisterImportJob.State.RUNNING)
    context = {
        **admin.site.each_context(request),
        "title": _("登记册导入任务"),
        "job": job,
        "rows_done": done,
        "rows_total": total,
        "percent": round(100 * done / total) if total else 0,
        "refresh_s": 3 if running else None,
        "created_count": sum(job.created.values()),
        "updated_count": sum(job.updated.values()),
    }
    return render(request, "admin/registry/register_import_job.html", context)


_original_get_urls = admin.site.get_urls


def _get_urls():
    return [
        path("register-io/", admin.site.admin_view(register_io_view), name="register_io"),
        path(
            "register-io/jobs/<int:job_id>/",
            admin.site.admin_view(register_import_job_view),
            name="register_import_job",
        ),
    ] + _original_get_urls()


admin.site.get_urls = _get_urls
admin.site.site_header = _("问暖 · 系统管理")
admin.site.site_title = _("问暖")
admin.site.index_template = "admin/registry/index_with_io.html"

"""Public pages of the daily heating report (用热报表): HTML, PDF and Excel, no login."""

from __future__ import annotations

from datetime import date

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from .daily_report import (
    collect,
    is_published,
    latest_report_date,
    published_at,
    render_pdf,
    render_xlsx,
    report_dates,
    svg_charts,
)

RECENT_DAYS = 14


def _published_day(text: str) -> date:
    try:
        day = date.fromisoformat(text)
    except ValueError as error:
        raise Http404(_("日期格式应为 YYYY-MM-DD")) from error
    if not is_published(day):
        raise Http404(_("该日报表尚未发布"))
    return day


def _page(request, day: date):
    report = collect(day)
    return render(
        request,
        "planning/report/daily.html",
        {
            "report": report,
            "totals": report.totals,
            "charts": svg_charts(report),
            "published_at": published_at(day),
            "recent": report_dates(RECENT_DAYS),
            "latest": latest_report_date(),
            "today": timezone.localdate(),
        },
    )


def daily_report_latest(request):
    return _page(request, latest_report_date())


def daily_report(request, day: str):
    return _page(request, _published_day(day))


def daily_report_file(request, day: str, kind: str):
    the_day = _published_day(day)
    report = collect(the_day)
    if kind == "pdf":
        content, content_type = render_pdf(report), "application/pdf"
    elif kind == "xlsx":
        content = render_xlsx(report)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        raise Http404
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="daily-report-{the_day}.{kind}"'
    return response

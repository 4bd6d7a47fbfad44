"""Public pages (no login), mounted at the site root (see wennuan.config.urls)."""

from django.urls import path, re_path

from . import report_views

app_name = "planning_public"
urlpatterns = [
    path("reports/daily/", report_views.daily_report_latest, name="daily_report_latest"),
    re_path(
        r"^reports/daily/(?P<day>\d{4}-\d{2}-\d{2})/$",
        report_views.daily_report,
        name="daily_report",
    ),
    re_path(
        r"^reports/daily/(?P<day>\d{4}-\d{2}-\d{2})\.(?P<kind>pdf|xlsx)$",
        report_views.daily_report_file,
        name="daily_report_file",
    ),
]

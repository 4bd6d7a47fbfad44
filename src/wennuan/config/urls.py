from django.contrib import admin
from django.urls import include, path

from wennuan.lib.views import plotly_js
from wennuan.operations.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("assets/plotly.min.js", plotly_js, name="plotly_js"),
    path("api/v1/", include("wennuan.api.urls")),
    path("console/dispatch/", include("wennuan.planning.urls")),
    path("console/reports/", include("wennuan.reports.urls")),
    path("console/outreach/", include("wennuan.outreach.urls")),
    path("console/info/", include("wennuan.publicinfo.urls")),
    path("console/readiness/", include("wennuan.readiness.urls")),
    path("console/", include("wennuan.console.urls")),
    path("", include("wennuan.channels.urls")),
    path("", include("wennuan.portal.urls")),
    # Public pages of the later apps; each keeps its own paths (e.g. /feed.atom, /info/…).
    path("", include("wennuan.planning.public_urls")),
    path("", include("wennuan.reports.public_urls")),
    path("", include("wennuan.outreach.public_urls")),
    path("", include("wennuan.publicinfo.public_urls")),
    path("", include("wennuan.readiness.public_urls")),
]
# Uploaded files (visit photos, weekly reports) are never served from /media/: each is served
# by a view that checks who may see it (e.g. console:visit_photo).

handler403 = "wennuan.lib.errors.permission_denied"
handler404 = "wennuan.lib.errors.page_not_found"
handler500 = "wennuan.lib.errors.server_error"

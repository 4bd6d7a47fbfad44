from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from wennuan.lib.views import plotly_js

urlpatterns = [
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
] + static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

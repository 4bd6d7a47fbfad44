from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("wennuan.api.urls")),
    path("console/", include("wennuan.console.urls")),
    path("", include("wennuan.portal.urls")),
] + static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

"""Public pages (no login), mounted at the site root (see wennuan.config.urls)."""

app_name = "readiness_public"
urlpatterns = []

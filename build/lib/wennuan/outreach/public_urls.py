"""Public pages (no login), mounted at the site root (see wennuan.config.urls)."""

from django.urls import path

from . import public_views

app_name = "outreach_public"
urlpatterns = [
    path("outreach/", public_views.visit_list, name="index"),
    path("outreach/<int:pk>/", public_views.visit_summary, name="visit"),
]

"""Staff pages, mounted under /console/ (see wennuan.config.urls)."""

from django.urls import path

from . import console_views, views

app_name = "planning"
urlpatterns = [
    path("", views.index, name="index"),
    path("plans/<int:pk>/", console_views.plan_console, name="plan"),
    path("plans/<int:pk>/adjust/", console_views.adjust, name="adjust"),
    path("plans/<int:pk>/approve/", console_views.approve, name="approve"),
    path("compute-today/", console_views.compute_today, name="compute_today"),
]

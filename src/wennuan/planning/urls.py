"""Staff pages, mounted under /console/ (see wennuan.config.urls)."""

from django.urls import path

from . import views

app_name = "planning"
urlpatterns = [
    path("", views.index, name="index"),
]

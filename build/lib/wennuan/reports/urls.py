"""Staff pages, mounted under /console/ (see wennuan.config.urls)."""

from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("drill/", views.drill, name="drill"),
    path("weekly/", views.weekly_list, name="weekly"),
    path("weekly/generate/", views.weekly_generate, name="weekly_generate"),
    path("weekly/<int:pk>/<str:kind>/", views.weekly_download, name="weekly_download"),
]

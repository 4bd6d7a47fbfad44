"""Staff pages, mounted under /console/readiness/ (see wennuan.config.urls)."""

from django.urls import path

from . import views

app_name = "readiness"
urlpatterns = [
    path("", views.index, name="index"),
    path("generate/", views.generate, name="generate"),
    path("companies/<slug:code>/", views.company, name="company"),
    path("items/<int:pk>/", views.item_update, name="item"),
    path("fuel/new/", views.fuel_new, name="fuel_new"),
    path("training/new/", views.training_new, name="training_new"),
]

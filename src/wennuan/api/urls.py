from django.urls import path

from . import views

app_name = "api"
urlpatterns = [
    path("directory", views.directory, name="directory"),
]

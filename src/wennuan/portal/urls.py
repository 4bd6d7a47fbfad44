from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("directory/", views.directory, name="directory"),
    path("complaint/", views.complaint, name="complaint"),
    path("lookup/", views.lookup, name="lookup"),
    path("replies/", views.replies, name="replies"),
    # Browsers ask for /favicon.ico whatever the page says.
    path("favicon.ico", views.favicon),
]

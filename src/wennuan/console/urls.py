from django.contrib.auth import views as auth_views
from django.urls import path

from wennuan.workorders import staff_urls as workorder_urls

from . import views

app_name = "console"
urlpatterns = [
    path("", views.home, name="home"),
    path("start/", views.landing, name="landing"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    *workorder_urls.urlpatterns,
]

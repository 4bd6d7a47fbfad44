"""Staff pages, mounted under /console/ (see wennuan.config.urls)."""

from django.urls import path

from . import views

app_name = "outreach"
urlpatterns = [
    path("", views.index, name="index"),
    path("visits/new/", views.visit_new, name="visit_new"),
    path("visits/<int:pk>/", views.visit_detail, name="visit"),
    path("visits/<int:pk>/items/", views.item_add, name="item_add"),
    path("visits/<int:pk>/<str:action>/", views.visit_publication, name="visit_publication"),
    path("items/<int:pk>/<str:action>/", views.item_act, name="item_act"),
]

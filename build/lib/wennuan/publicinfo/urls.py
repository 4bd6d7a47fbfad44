"""Staff pages, mounted under /console/info/ (see wennuan.config.urls)."""

from django.urls import path

from . import views

app_name = "publicinfo"
urlpatterns = [
    path("", views.staff_index, name="index"),
    path("new/", views.article_edit, name="article_new"),
    path("<int:pk>/edit/", views.article_edit, name="article_edit"),
    path("<int:pk>/", views.article_history, name="article_history"),
    path("<int:pk>/revert/<int:number>/", views.article_revert, name="article_revert"),
    path("fees/<int:season_pk>/", views.fee_edit, name="fee_edit"),
]

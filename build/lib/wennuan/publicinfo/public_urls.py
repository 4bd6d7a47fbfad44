"""Public pages (no login), mounted at the site root (see wennuan.config.urls)."""

from django.urls import path

from . import views
from .syndication import PublicAtomFeed

app_name = "publicinfo_public"
urlpatterns = [
    path("info/", views.index, name="index"),
    path("info/notices/", views.notices, name="notices"),
    path("info/articles/<int:pk>/", views.article, name="article"),
    path("info/faq/", views.faq, name="faq"),
    path("info/safety/", views.safety, name="safety"),
    path("info/fees/", views.fees, name="fees"),
    path("info/companies/<slug:code>/", views.company, name="company"),
    path("feed.atom", PublicAtomFeed(), name="feed"),
]

"""Staff pages, mounted under /console/ (see wennuan.config.urls)."""

app_name = "planning"
urlpatterns = []

"""Assets served by the app itself: government intranets are often offline, so no CDN."""

from pathlib import Path

import plotly
from django.http import FileResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


@require_GET
@cache_control(public=True, max_age=7 * 24 * 3600)
def plotly_js(request):
    """plotly.js from the installed plotly package (the version pyproject pins)."""
    return FileResponse(PLOTLY_JS.open("rb"), content_type="text/javascript; charset=utf-8")

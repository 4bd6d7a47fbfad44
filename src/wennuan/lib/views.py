"""Assets served by the app itself: government intranets are often offline, so no CDN."""

import gzip
import re
from functools import lru_cache
from pathlib import Path

import plotly
from django.http import FileResponse, HttpResponse
from django.utils.cache import patch_vary_headers
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
_ACCEPTS_GZIP = re.compile(r"\bgzip\b")


@lru_cache(maxsize=1)
def _plotly_gzipped() -> bytes:
    """plotly.min.js compressed once per process (4.8 MB → about 1.4 MB on the wire; a phone
    on a slow line waited for the whole uncompressed file before any chart drew)."""
    return gzip.compress(PLOTLY_JS.read_bytes(), compresslevel=9, mtime=0)


@require_GET
@cache_control(public=True, max_age=7 * 24 * 3600)
def plotly_js(request):
    """plotly.js from the installed plotly package (the version pyproject pins), gzipped for
    clients that accept it."""
    if _ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")):
        response = HttpResponse(_plotly_gzipped(), content_type="text/javascript; charset=utf-8")
        response["Content-Encoding"] = "gzip"
    else:
        response = FileResponse(PLOTLY_JS.open("rb"), content_type="text/javascript; charset=utf-8")
    patch_vary_headers(response, ["Accept-Encoding"])
    return response

from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .health import DOWN, run_checks


@require_GET
@never_cache
def healthz(request):
    """GET /healthz for monitoring: 200 when ok or degraded, 503 when down; no login."""
    status, checks = run_checks()
    body = {"status": status, "checks": {name: c.as_json() for name, c in checks.items()}}
    return JsonResponse(body, status=503 if status == DOWN else 200)

"""The staff side's own answers: the site's 403 and the login's lock-out (django-axes)."""

from django.conf import settings
from django.shortcuts import render

from .access import staff_role


def permission_denied(request, exception=None):
    """The site's 403: a logged-in login without a role is told so, in the page's language,
    instead of a bare "Forbidden" (the usual cause is a login made without a role)."""
    user = getattr(request, "user", None)
    no_role = bool(user and user.is_authenticated and staff_role(user) is None)
    return render(request, "staff/403.html", {"no_role": no_role}, status=403)


def login_locked_out(request, original_response=None, credentials=None):
    """429 on the login page itself, in the user's language, with the wait and the username
    kept; the correct password does not get through until the cool-off ends."""
    minutes = int(settings.AXES_COOLOFF_TIME * 60)
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    return render(
        request,
        "registration/login.html",
        {"locked_out_minutes": minutes, "username": username, "next": request.GET.get("next", "")},
        status=429,
    )

"""The staff login's answer when django-axes has locked it (settings.AXES_*)."""

from django.conf import settings
from django.shortcuts import render


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

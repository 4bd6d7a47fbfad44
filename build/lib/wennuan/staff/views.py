from django.shortcuts import render

from .access import staff_role


def permission_denied(request, exception=None):
    """The site's 403: a logged-in login without a role is told so, in the page's language,
    instead of a bare "Forbidden" (the usual cause is a login made without a role)."""
    user = getattr(request, "user", None)
    no_role = bool(user and user.is_authenticated and staff_role(user) is None)
    return render(request, "staff/403.html", {"no_role": no_role}, status=403)

"""The login throttle's authentication backend (django-axes, settings.AXES_*)."""

from axes.backends import AxesStandaloneBackend


class LoginThrottleBackend(AxesStandaloneBackend):
    """django-axes' check, for logins that come with a request (every web login does).

    axes refuses to authenticate without a request; a call without one (the test client's
    ``login``, a shell) has no address to throttle and no attacker behind it, so it is left to
    the next backend rather than failing."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)

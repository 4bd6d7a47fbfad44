"""Settings for `wennuan understand` alone: the full settings with only the apps it reads.

The command reads two tables of the register (Community, City) and streams readings; loading
every app (planning's physics, pandas, the webhooks' HTTP client, the spreadsheet library)
would cost more than the reader itself (issue 15: start-up < 2 s). The database, the secret
and every other setting are the installation's own (`wennuan.config.settings`).
"""

from wennuan.config.settings import *  # noqa: F403 — the same installation, fewer apps

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "wennuan.registry",
    "wennuan.understanding",
]

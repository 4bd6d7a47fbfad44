"""Settings of the Wennuan project, read from the environment.

One file for every deployment. Bad values fail loudly at start-up instead of surprising later.
Environment variables:

- ``DEBUG``: "1"/"0" (default 0). Production defaults are safe; the demo and tests set DEBUG
  explicitly where they need it.
- ``SECRET_KEY``: required unless DEBUG=1 (then a development key is used).
- ``DATABASE_URL``: e.g. ``postgres://user@host:5432/wennuan``; default SQLite in ``var/``.
- ``ALLOWED_HOSTS``: comma-separated; default ``127.0.0.1,localhost``.
- ``WENNUAN_DATA_DIR``: folder for the SQLite file, uploads and static files (default ``var/``).
- ``STATIC_MANIFEST``: hashed static file names (default: on unless DEBUG); tests turn it off
  because they run without ``collectstatic``.
- ``SECURE_SSL``: "1" behind TLS (production): secure cookies, HSTS, redirect to https.
- ``SECURE_HSTS_SECONDS``: HSTS max-age when SECURE_SSL=1 (default one year; 0 turns HSTS off,
  e.g. while a new certificate is tried); ``SECURE_HSTS_PRELOAD``/``_INCLUDE_SUBDOMAINS`` 1/0.
- ``LOG_LEVEL``: root log level (default INFO; WeasyPrint and fontTools stay at WARNING).
- ``WENNUAN_WORKER_STALE_S`` / ``WENNUAN_PLAN_STALE_H``: /healthz thresholds (docs/deployment.md).
- ``WENNUAN_TRUSTED_PROXIES``: comma-separated CIDRs of the reverse proxies (nginx) whose
  X-Forwarded-For is believed (default: none, the connection's address is the client's).
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from wennuan.lib.addresses import parse_networks

BASE_DIR = Path(__file__).resolve().parent.parent  # src/wennuan
REPO_DIR = BASE_DIR.parent.parent


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use 1/0, true/false)")


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "dev-only-insecure-key-" + "x" * 40
elif len(SECRET_KEY) < 32:
    raise ImproperlyConfigured("SECRET_KEY must be at least 32 characters")
elif not DEBUG and (len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5):
    # Django's own deploy check (security.W009) asks for 50 characters and 5 distinct ones;
    # production refuses to start instead of merely warning.
    raise ImproperlyConfigured(
        f"SECRET_KEY is too weak for production ({len(SECRET_KEY)} characters, "
        f"{len(set(SECRET_KEY))} distinct): use at least 50 random characters "
        "(`wennuan genkey` prints one)"
    )

ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if host.strip()
]
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is empty")


def _default_data_dir() -> Path:
    """``var/`` of a checkout; an installed package has no folder of its own to write in (its
    parent would be the venv's lib/), so there WENNUAN_DATA_DIR is required."""
    configured = os.environ.get("WENNUAN_DATA_DIR", "").strip()
    if configured:
        return Path(configured)
    if (REPO_DIR / "pyproject.toml").is_file():
        return REPO_DIR / "var"
    raise ImproperlyConfigured(
        "WENNUAN_DATA_DIR must be set for an installed Wennuan (e.g. /var/lib/wennuan): "
        "it holds uploads (media/), static files and the SQLite database if any"
    )


DATA_DIR = _default_data_dir()

_database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'wennuan.sqlite3'}"
try:
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
except Exception as error:  # dj-database-url raises several types for a bad URL
    raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {error}") from error
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the worker write while gunicorn reads; a busy timeout instead of "locked" errors.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
# Connections are kept between requests (opening one per request was ~1 ms of CPU of each
# intake on SQLite, its PRAGMAs included: issue 18), and checked before reuse, so a restarted
# database server costs one failed check, not one failed request.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "wennuan.lib",
    "wennuan.registry",
    "wennuan.staff",
    "wennuan.workorders",
    "wennuan.understanding",
    "wennuan.demo",
    "wennuan.api",
    "wennuan.portal",
    "wennuan.console",
    "wennuan.planning",
    "wennuan.reports",
    "wennuan.outreach",
    "wennuan.publicinfo",
    "wennuan.readiness",
    "wennuan.operations",
    "axes",
    "wennuan.channels",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "wennuan.lib.middleware.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "wennuan.lib.middleware.ChosenLanguageMiddleware",
    "wennuan.api.middleware.ApiRequestLimitsMiddleware",
    "wennuan.lib.middleware.RejectControlCharactersMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "wennuan.lib.lookups.LookupsMiddleware",
    # Last, as django-axes requires: it answers a locked-out login.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "wennuan.config.urls"
WSGI_APPLICATION = "wennuan.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
# Month-day and 24-hour clock per language; templates use date:"DATE_FORMAT" etc., never a
# hard-coded Chinese pattern, so English pages show English dates.
FORMAT_MODULE_PATH = ["wennuan.formats"]
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("STATIC_MANIFEST", not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Tests run without collectstatic: let whitenoise find files through the finders.
WHITENOISE_USE_FINDERS = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LOGIN_URL = "/console/login/"
# Each role lands on its own desk (console.views.landing), not the directory.
LOGIN_REDIRECT_URL = "/console/start/"
LOGOUT_REDIRECT_URL = "/"

# Production hardening; passes `manage.py check --deploy` with SECURE_SSL=1.
SECURE_SSL = env_bool("SECURE_SSL", False)
SESSION_COOKIE_SECURE = SECURE_SSL
CSRF_COOKIE_SECURE = SECURE_SSL
# A failed form check answers in the site's style and language (lib.errors.csrf_failure).
CSRF_FAILURE_VIEW = "wennuan.lib.errors.csrf_failure"
SECURE_SSL_REDIRECT = SECURE_SSL


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number") from None


SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000) if SECURE_SSL else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_SSL and env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = SECURE_SSL and env_bool("SECURE_HSTS_PRELOAD", True)
# Monitoring asks gunicorn directly over plain http on the loopback.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE_SSL else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): scripts only from this site or inline with the
# request's nonce (templates write nonce="{{ request.csp_nonce }}"); styles may be inline
# because plotly.js and htmx inject style elements and the progress bars use style="width".
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Powerful browser features no page uses (the visit photo is a file input, not the camera API).
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), "
    "magnetometer=(), gyroscope=(), accelerometer=(), interest-cohort=()"
)

try:
    WENNUAN_TRUSTED_PROXIES = parse_networks(os.environ.get("WENNUAN_TRUSTED_PROXIES", ""))
except ValueError as error:
    raise ImproperlyConfigured(f"WENNUAN_TRUSTED_PROXIES: {error}") from error

# Login throttling (django-axes): 10 failures lock the account, and separately the address,
# for 15 minutes; a success resets the count. The address is the trusted-proxy one.
AUTHENTICATION_BACKENDS = [
    "wennuan.staff.backends.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 10
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "wennuan.lib.addresses.client_address"
AXES_LOCKOUT_CALLABLE = "wennuan.staff.views.login_locked_out"
AXES_VERBOSE = False

CSRF_TRUSTED_ORIGINS = [
    origin.strip()
    for origin in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",")
    if origin.strip()
]

# Every line has a time stamp and its logger (journald adds its own, files and docker do not).
# WeasyPrint logs every CSS rule it ignores and fontTools every subset at INFO: hundreds of
# lines per PDF report, so they are kept at WARNING.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "stamped": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "stamped"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# /healthz thresholds: the worker passes every 30 s, so 5 minutes without a pass means it is
# stopped or stuck (down); the daily plan is made once a day, so 30 hours without one is late
# (degraded: monitoring should tell someone, the site still serves).
WORKER_STALE_AFTER_S = env_int("WENNUAN_WORKER_STALE_S", 300)
PLAN_STALE_AFTER_H = env_int("WENNUAN_PLAN_STALE_H", 30)

# Channels (wennuan.channels, docs/integration.md). WeChat Official Account callback /wechat/:
# the token and EncodingAESKey set in the account's server configuration; AppID for safe mode.
WENNUAN_WECHAT_TOKEN = os.environ.get("WENNUAN_WECHAT_TOKEN", "")
WENNUAN_WECHAT_APPID = os.environ.get("WENNUAN_WECHAT_APPID", "")
WENNUAN_WECHAT_AES_KEY = os.environ.get("WENNUAN_WECHAT_AES_KEY", "")
# AppSecret and API base: status messages to subscribers (wennuan.channels.wechat_send);
# a template message when WENNUAN_WECHAT_TEMPLATE_ID is set, else a customer-service text.
WENNUAN_WECHAT_SECRET = os.environ.get("WENNUAN_WECHAT_SECRET", "")
WENNUAN_WECHAT_API_BASE = os.environ.get("WENNUAN_WECHAT_API_BASE", "")
WENNUAN_WECHAT_TEMPLATE_ID = os.environ.get("WENNUAN_WECHAT_TEMPLATE_ID", "")
WENNUAN_WECHAT_MAX_AGE_S = int(os.environ.get("WENNUAN_WECHAT_MAX_AGE_S", "300"))
# The public site's address, for links sent out (WeChat menu and welcome, SMS lookup link).
WENNUAN_PUBLIC_URL = os.environ.get("WENNUAN_PUBLIC_URL", "")
# Open311 GeoReport v2: the jurisdiction_id this endpoint answers for (empty: any).
WENNUAN_OPEN311_JURISDICTION = os.environ.get("WENNUAN_OPEN311_JURISDICTION", "")
# SMS (wennuan.channels.sms): the backend class, the approved signature and templates
# (JSON: {"default": "SMS_…", …}), and each provider's credentials and endpoint.
WENNUAN_SMS_BACKEND = os.environ.get(
    "WENNUAN_SMS_BACKEND", "wennuan.workorders.notify.FileSmsBackend"
)
WENNUAN_SMS_SIGN_NAME = os.environ.get("WENNUAN_SMS_SIGN_NAME", "")
WENNUAN_SMS_TEMPLATES = os.environ.get("WENNUAN_SMS_TEMPLATES", "{}")
WENNUAN_SMS_ALIYUN_ACCESS_KEY_ID = os.environ.get("WENNUAN_SMS_ALIYUN_ACCESS_KEY_ID", "")
WENNUAN_SMS_ALIYUN_ACCESS_KEY_SECRET = os.environ.get("WENNUAN_SMS_ALIYUN_ACCESS_KEY_SECRET", "")
WENNUAN_SMS_ALIYUN_ENDPOINT = os.environ.get("WENNUAN_SMS_ALIYUN_ENDPOINT", "")
WENNUAN_SMS_TENCENT_SECRET_ID = os.environ.get("WENNUAN_SMS_TENCENT_SECRET_ID", "")
WENNUAN_SMS_TENCENT_SECRET_KEY = os.environ.get("WENNUAN_SMS_TENCENT_SECRET_KEY", "")
WENNUAN_SMS_TENCENT_SDK_APP_ID = os.environ.get("WENNUAN_SMS_TENCENT_SDK_APP_ID", "")
WENNUAN_SMS_TENCENT_REGION = os.environ.get("WENNUAN_SMS_TENCENT_REGION", "ap-guangzhou")
WENNUAN_SMS_TENCENT_ENDPOINT = os.environ.get("WENNUAN_SMS_TENCENT_ENDPOINT", "")
# How long one call to the SMS gateway may take (connect + answer), in seconds. A slow gateway
# is not an error to hide: the attempt fails, is logged, and the outbox asks the gateway before
# it tries again. Far below the outbox's 5-minute claim lease, so that a slow send never
# outlives its claim.
WENNUAN_SMS_TIMEOUT_S = env_int("WENNUAN_SMS_TIMEOUT_S", 10)
if not 1 <= WENNUAN_SMS_TIMEOUT_S <= 120:
    raise ImproperlyConfigured(
        f"WENNUAN_SMS_TIMEOUT_S={WENNUAN_SMS_TIMEOUT_S} must be between 1 and 120 seconds"
    )
# Citizen notices (wennuan.channels.citizen): on unless WENNUAN_CITIZEN_NOTICES=0 (the test
# run switches them off by default so that other apps' outbox counts stay their own).
WENNUAN_CITIZEN_NOTICES = os.environ.get("WENNUAN_CITIZEN_NOTICES", "1") != "0"
# Citizen notices wait out the quiet hours (local time; empty: none).
WENNUAN_NOTIFY_QUIET_HOURS = os.environ.get("WENNUAN_NOTIFY_QUIET_HOURS", "21:00-08:00")

# Days the intake's runtime rows (Idempotency-Keys, public form submissions, failed look-ups)
# are kept before the worker's daily purge (wennuan.workorders.periodic).
WENNUAN_RUNTIME_RETENTION_DAYS = int(os.environ.get("WENNUAN_RUNTIME_RETENTION_DAYS", "30"))

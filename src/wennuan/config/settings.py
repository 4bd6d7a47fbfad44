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
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

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

ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if host.strip()
]
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is empty")

DATA_DIR = Path(os.environ.get("WENNUAN_DATA_DIR", REPO_DIR / "var"))

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
    DATABASES["default"]["CONN_MAX_AGE"] = 0

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
    "wennuan.channels",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "wennuan.lib.middleware.ChosenLanguageMiddleware",
    "wennuan.lib.middleware.RejectNullCharactersMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
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
LOGIN_REDIRECT_URL = "/console/"
LOGOUT_REDIRECT_URL = "/"

# Production hardening; passes `manage.py check --deploy` with SECURE_SSL=1.
SECURE_SSL = env_bool("SECURE_SSL", False)
SESSION_COOKIE_SECURE = SECURE_SSL
CSRF_COOKIE_SECURE = SECURE_SSL
SECURE_SSL_REDIRECT = SECURE_SSL
SECURE_HSTS_SECONDS = 31536000 if SECURE_SSL else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_SSL
SECURE_HSTS_PRELOAD = SECURE_SSL
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE_SSL else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = [
    origin.strip()
    for origin in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",")
    if origin.strip()
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

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
# Citizen notices (wennuan.channels.citizen): on unless WENNUAN_CITIZEN_NOTICES=0 (the test
# run switches them off by default so that other apps' outbox counts stay their own).
WENNUAN_CITIZEN_NOTICES = os.environ.get("WENNUAN_CITIZEN_NOTICES", "1") != "0"
# Citizen notices wait out the quiet hours (local time; empty: none).
WENNUAN_NOTIFY_QUIET_HOURS = os.environ.get("WENNUAN_NOTIFY_QUIET_HOURS", "21:00-08:00")

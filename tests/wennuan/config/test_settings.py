"""Settings come from the environment and fail loudly on bad values."""

import os
import subprocess
import sys

import pytest


def load_settings(**env):
    """Import the settings module in a fresh interpreter with exactly these variables."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS"}
    }
    clean.update(env)
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import wennuan.config.settings as s; print(s.DATABASES['default']['ENGINE'], s.DEBUG, s.LANGUAGE_CODE, s.TIME_ZONE, s.USE_TZ)",
        ],
        env=clean,
        capture_output=True,
        text=True,
    )


# 50 characters, as `wennuan genkey` would give (more, in fact); not a real key.
GOOD_KEY = "test-key-" + "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJ"


def test_production_defaults_are_safe():
    result = load_settings(SECRET_KEY=GOOD_KEY)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "False",
        "zh-hans",
        "Asia/Shanghai",
        "True",
    ]


@pytest.mark.parametrize(
    "env, message",
    [
        ({}, "SECRET_KEY must be set"),
        ({"SECRET_KEY": "short"}, "at least 32 characters"),
        ({"SECRET_KEY": GOOD_KEY, "DEBUG": "maybe"}, "is not a boolean"),
        ({"SECRET_KEY": GOOD_KEY, "DATABASE_URL": "nosuchdb://x"}, "DATABASE_URL"),
        ({"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": " , "}, "ALLOWED_HOSTS is empty"),
    ],
)
def test_bad_values_fail_loudly(env, message):
    result = load_settings(**env)
    assert result.returncode != 0
    assert message in result.stderr


def test_a_short_secret_key_is_refused_in_production_with_a_clear_message():
    """Issue 18 item 13: a 32-character key was accepted though `check --deploy` warns."""
    result = load_settings(SECRET_KEY="k" * 20 + "0123456789abcdef")
    assert result.returncode != 0
    assert "SECRET_KEY is too weak for production (36 characters" in result.stderr
    assert "wennuan genkey" in result.stderr
    # Fifty characters of one letter are no key either.
    assert "1 distinct" in load_settings(SECRET_KEY="s" * 60).stderr
    # A developer with DEBUG=1 may keep a short one.
    assert load_settings(SECRET_KEY="k" * 20 + "0123456789abcdef", DEBUG="1").returncode == 0


def test_hsts_is_configurable_behind_tls():
    code = (
        "import wennuan.config.settings as s; print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_PRELOAD)"
    )
    env = {**os.environ, "SECRET_KEY": GOOD_KEY, "SECURE_SSL": "1"}
    run = lambda **extra: subprocess.run(  # noqa: E731
        [sys.executable, "-c", code], env={**env, **extra}, capture_output=True, text=True
    )
    assert run().stdout.split() == ["31536000", "True"]
    assert run(SECURE_HSTS_SECONDS="300", SECURE_HSTS_PRELOAD="0").stdout.split() == [
        "300",
        "False",
    ]
    assert "is not a whole number" in run(SECURE_HSTS_SECONDS="a year").stderr


def test_postgres_url_selects_postgres():
    result = load_settings(SECRET_KEY=GOOD_KEY, DATABASE_URL="postgres://u@localhost:5432/w")
    assert result.stdout.startswith("django.db.backends.postgresql")

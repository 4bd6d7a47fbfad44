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


def test_production_defaults_are_safe():
    result = load_settings(SECRET_KEY="s" * 50)
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
        ({"SECRET_KEY": "s" * 50, "DEBUG": "maybe"}, "is not a boolean"),
        ({"SECRET_KEY": "s" * 50, "DATABASE_URL": "nosuchdb://x"}, "DATABASE_URL"),
        ({"SECRET_KEY": "s" * 50, "ALLOWED_HOSTS": " , "}, "ALLOWED_HOSTS is empty"),
    ],
)
def test_bad_values_fail_loudly(env, message):
    result = load_settings(**env)
    assert result.returncode != 0
    assert message in result.stderr


def test_postgres_url_selects_postgres():
    result = load_settings(SECRET_KEY="s" * 50, DATABASE_URL="postgres://u@localhost:5432/w")
    assert result.stdout.startswith("django.db.backends.postgresql")

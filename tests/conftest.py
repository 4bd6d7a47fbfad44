"""Shared test fixtures for both packages."""

import os
from pathlib import Path

import pytest

# Tests run with production settings (DEBUG off) plus what a test process needs: a key and
# static files found without collectstatic. Set before Django reads its settings.
os.environ.setdefault("SECRET_KEY", "test-only-key-" + "k" * 40)
os.environ.setdefault("STATIC_MANIFEST", "0")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
# Playwright's sync API runs an event loop; Django must allow its ORM in live-server tests.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

REPO_ROOT = Path(__file__).resolve().parent.parent


def shared_data_dir() -> Path:
    """The folder ../shared/data beside the clone (or $WENNUAN_SHARED_DATA)."""
    configured = os.environ.get("WENNUAN_SHARED_DATA")
    return Path(configured) if configured else REPO_ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """Path to the shared real data; skips the test with a reason where it is absent."""
    path = shared_data_dir()
    if not path.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"CI must have the shared data folder at {path}")
        pytest.skip(f"shared data folder {path} is absent (a user's clone): real-data test skipped")
    return path

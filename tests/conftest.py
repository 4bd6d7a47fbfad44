"""Shared test fixtures for both packages."""

import os
from pathlib import Path

import pytest

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

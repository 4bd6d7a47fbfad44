"""Shared test fixtures for both packages."""

import os
from pathlib import Path

import pytest

from wennuan.demo.city import default_register_csv, shared_data_dir

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """Path to the shared real data; skips the test with a reason where it is absent."""
    path = shared_data_dir()
    if not path.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"CI must have the shared data folder at {path}")
        pytest.skip(f"shared data folder {path} is absent (a user's clone): real-data test skipped")
    return path


@pytest.fixture(scope="session")
def demo_register_csv() -> Path:
    """The Heze demo register that ships inside the package (no shared data folder needed)."""
    return default_register_csv()

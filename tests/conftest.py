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
        pytest.skip(f"{SHARED_DATA_SKIP}: {path} is absent (a user's clone; CI has it)")
    return path


SHARED_DATA_SKIP = "real-data tests (nis, flensburg) skipped"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Every real-data skip reported at one place, so `pytest -rs` folds them into one line
    ("SKIPPED [14] tests/conftest.py: real-data tests ... skipped: ... absent") instead of one
    line per test."""
    outcome = yield
    report = outcome.get_result()
    longrepr = report.longrepr
    if (
        report.skipped
        and isinstance(longrepr, tuple)
        and len(longrepr) == 3
        and str(longrepr[2]).removeprefix("Skipped: ").startswith(SHARED_DATA_SKIP)
    ):
        report.longrepr = (__file__, 1, longrepr[2])


@pytest.fixture(scope="session")
def demo_register_csv() -> Path:
    """The Heze demo register that ships inside the package (no shared data folder needed)."""
    return default_register_csv()

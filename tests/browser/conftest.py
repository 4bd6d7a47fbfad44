"""Browser tests: Playwright drives Debian's Chromium (/usr/bin/chromium), never a download."""

import shutil
import warnings
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # A mid-range Android phone, Chinese locale: how citizens open the directory.
    return {
        **browser_context_args,
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
        "locale": "zh-CN",
    }


# ---------------------------------------------------------------------------------------------
# The persona walks (test_persona_*.py) share one demo city: loading it takes most of a
# minute, so it is loaded once, committed into the test database, served by one live server,
# and emptied again when the run leaves the browser tests (later tests expect an empty
# database). Each walk creates what it changes (its own complaint, its own phone), so the
# walks run in any order on the shared city.

VIEWPORTS = {
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": {"width": 1366, "height": 900}},
}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
_demo: dict = {}


def _configured_db_name():
    from django.conf import settings

    return settings.DATABASES["default"]["NAME"]


# The database name before any test database exists (pytest-django has configured Django by
# the time conftests are imported); equal to the connection's name = no test database yet.
_CONFIGURED_DB_NAME = _configured_db_name()


@pytest.fixture(scope="session")
def demo_site(request, django_db_setup, django_db_blocker, shared_data):
    """The live server's URL over the loaded demo city (loaded on first use)."""
    if "url" not in _demo:
        from django.core.management import call_command
        from pytest_django.live_server_helper import LiveServer

        blocker = django_db_blocker.unblock()
        blocker.__enter__()
        from django.db import connection
        from django.test.utils import setup_databases

        # pytest-django creates the test database only when some collected test carries the
        # django_db mark; the walks do not (the mark would flush the city after each test).
        if connection.settings_dict["NAME"] == _CONFIGURED_DB_NAME:
            _demo["db_cfg"] = setup_databases(verbosity=0, interactive=False, aliases={"default"})
        call_command("load_demo", register_csv=str(shared_data / "heze-demo" / "communities.csv"))
        server = LiveServer("localhost:0")
        server._live_server_modified_settings.enable()
        _demo.update(url=server.url, server=server, blocker=blocker)
    return _demo["url"]


def _leave_demo():
    from django.core.management import call_command

    server = _demo.pop("server")
    server.stop()
    server._live_server_modified_settings.disable()
    call_command("flush", interactive=False, verbosity=0)
    if "db_cfg" in _demo:
        from django.db import connections
        from django.test.utils import teardown_databases

        connections.close_all()
        connection = connections["default"]
        if connection.vendor == "postgresql":
            # The live server's request threads may still hold a session on the database.
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            connections.close_all()
        try:
            teardown_databases(_demo.pop("db_cfg"), verbosity=0)
        except Exception as error:  # a lingering session must not fail the walks themselves
            warnings.warn(f"the walks' test database was not dropped: {error}", stacklevel=1)
    _demo.pop("blocker").__exit__(None, None, None)
    _demo.clear()


def pytest_runtest_teardown(item, nextitem):
    if "server" in _demo and (
        nextitem is None or Path(str(nextitem.path)).parent != item.path.parent
    ):
        _leave_demo()


class Desk:
    """One persona's browser at one viewport over the demo city."""

    def __init__(self, page, base_url, viewport):
        self.page, self.base_url, self.viewport = page, base_url, viewport

    @property
    def phone(self) -> bool:
        return self.viewport == "phone"

    def go(self, path):
        return self.page.goto(f"{self.base_url}{path}")

    def log_in(self, username):
        from wennuan.demo.loader import DEMO_PASSWORD

        self.go("/console/login/")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", DEMO_PASSWORD)
        self.page.locator("form button[type=submit], form input[type=submit]").last.click()
        self.page.wait_for_load_state()

    def fits_width(self) -> bool:
        """No sideways scrolling: the page is no wider than the viewport. Measured against the
        device's width, not window.innerWidth: a mobile browser widens its layout viewport to
        a too-wide page (innerWidth was 422 on a 390 px phone)."""
        width = self.page.viewport_size["width"]
        return self.page.evaluate(f"document.documentElement.scrollWidth <= {width} + 1")

    def small_tap_targets(self, selector, limit=20) -> list[str]:
        """The visible elements matching ``selector`` smaller than 44×44 px (WCAG 2.5.5) —
        checked on phones only, where a thumb taps; empty on a desktop."""
        if not self.phone:
            return []
        small = []
        for element in self.page.locator(selector).all()[:limit]:
            box = element.bounding_box()
            if box is not None and (box["height"] < 44 or box["width"] < 44):
                small.append(f"{element.inner_text()!r} {box['width']:.0f}×{box['height']:.0f}")
        return small

    def screenshot(self, name):
        """One small PNG per desk (desktop viewport only) for docs/personas.md."""
        if self.viewport == "desktop":
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


@pytest.fixture(params=list(VIEWPORTS))
def desk(request, browser, demo_site):
    """A fresh browser context at a phone's or a desktop's size, Chinese locale."""
    context = browser.new_context(locale="zh-CN", device_scale_factor=1, **VIEWPORTS[request.param])
    page = context.new_page()
    page.set_default_timeout(15000)
    yield Desk(page, demo_site, request.param)
    context.close()

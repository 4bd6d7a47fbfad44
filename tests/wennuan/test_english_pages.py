"""Every page without URL arguments renders in English for each persona (no 500, no bad format).

A translated string with a broken placeholder only fails when a page renders it in English, so
this walks the URL configuration rather than trusting a hand-made list of pages.
"""

import re

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver

PERSONAS = ("supervisor", "operator", "dispatcher", "technician", "dispatch_engineer", "outsider")
# /healthz answers 503 by design while no worker runs (tests/wennuan/operations covers it).
SKIP_PREFIXES = ("admin/", "i18n/", "accounts/logout", "static/", "media/", "healthz")
CJK = re.compile(r"[\u4e00-\u9fff]")


def argument_free_paths(patterns=None, prefix=""):
    """Paths of every URL pattern that needs no arguments (nested includes followed)."""
    paths = []
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        route = str(pattern.pattern)
        if "<" in route or "(?P" in route or "\\" in route:
            continue
        route = route.lstrip("^").rstrip("$")
        if isinstance(pattern, URLResolver):
            paths += argument_free_paths(pattern.url_patterns, prefix + route)
        elif isinstance(pattern, URLPattern):
            paths.append("/" + prefix + route)
    return sorted({p for p in paths if not p.removeprefix("/").startswith(SKIP_PREFIXES)})


PATHS = argument_free_paths()


def test_the_walk_finds_the_desks():
    for desk in ("/console/", "/console/dispatch/", "/console/reports/", "/directory/"):
        assert desk in PATHS


@pytest.mark.django_db
@pytest.mark.parametrize("persona", (None, *PERSONAS))
def test_pages_render_in_english(client, personas, persona):
    if persona:
        client.force_login(personas[persona])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    rendered = 0
    for path in PATHS:
        response = client.get(path)
        assert response.status_code < 500, path
        content_type = response.get("Content-Type", "")
        if response.status_code == 200 and content_type.startswith("text/html"):
            body = response.content.decode()
            assert '<html lang="en"' in body, path
            title = re.search(r"<title>(.*?)</title>", body, re.S)
            # the page title is UI text, never data: it must be translated
            assert title and not CJK.search(title.group(1)), (path, title and title.group(1))
            rendered += 1
    assert rendered >= 5

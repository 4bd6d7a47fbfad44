"""`wennuan understand` tried before any register exists (a newcomer's first command): one line
saying what to do, never a traceback."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import OperationalError

from wennuan.registry.models import Community

pytestmark = pytest.mark.django_db


def test_no_database_yet_is_one_clear_error(monkeypatch):
    def no_table(*args, **kwargs):
        raise OperationalError("no such table: registry_community")

    monkeypatch.setattr(Community.objects, "values_list", no_table)
    with pytest.raises(CommandError, match="wennuan demo"):
        call_command("understand", stdin=io.StringIO('{"text": "暖气不热"}\n'))


def test_an_empty_register_warns_and_still_reads():
    out, err = io.StringIO(), io.StringIO()
    call_command("understand", stdin=io.StringIO('{"text": "暖气不热"}\n'), stdout=out, stderr=err)
    assert '"category": "not_warm"' in out.getvalue()
    assert "register has no communities" in err.getvalue()

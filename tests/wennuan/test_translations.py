"""The English catalogue is complete and the compiled .mo matches the .po."""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext, ngettext

import wennuan

PO_PATH = Path(wennuan.__file__).parent / "locale" / "en" / "LC_MESSAGES" / "django.po"
FIELD = re.compile(r'^(msgid_plural|msgid|msgstr(?:\[\d+\])?) (".*")$')


def parse_po(path: Path) -> list[dict[str, str]]:
    """Entries of a .po file as {field: text}; obsolete (#~) entries are skipped."""
    entries, entry, field = [], {}, None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            if entry:
                entries.append(entry)
            entry, field = {}, None
        elif line.startswith("#"):
            if line.startswith("#,"):
                entry.setdefault("#flags", "")
                entry["#flags"] += line[2:]
        elif match := FIELD.match(line):
            field = match.group(1)
            entry[field] = ast.literal_eval(match.group(2))
        else:
            assert field is not None, f"unexpected line in {path}: {line!r}"
            entry[field] += ast.literal_eval(line)
    return [e for e in entries if e.get("msgid")]


ENTRIES = parse_po(PO_PATH)


def test_catalogue_is_not_empty():
    assert len(ENTRIES) > 100


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e["msgid"][:30])
def test_every_msgid_has_a_translation(entry):
    assert "fuzzy" not in entry.get("#flags", "")
    if "msgid_plural" in entry:
        assert entry["msgstr[0]"].strip() and entry["msgstr[1]"].strip()
    else:
        assert entry["msgstr"].strip()


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e["msgid"][:30])
def test_compiled_catalogue_matches_po(entry):
    with translation.override("en"):
        if "msgid_plural" in entry:
            one = ngettext(entry["msgid"], entry["msgid_plural"], 1)
            many = ngettext(entry["msgid"], entry["msgid_plural"], 2)
            assert (one, many) == (entry["msgstr[0]"], entry["msgstr[1]"])
        else:
            assert gettext(entry["msgid"]) == entry["msgstr"]


@pytest.mark.django_db
def test_directory_page_in_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        heading = gettext("小区供热查询")
    assert heading != "小区供热查询"
    response = client.get("/directory/")
    assert response.status_code == 200
    body = response.content.decode()
    assert heading in body
    assert "小区供热查询" not in body


@pytest.mark.django_db
def test_directory_page_defaults_to_chinese(client):
    response = client.get("/directory/", headers={"accept-language": "en"})
    assert response.status_code == 200
    assert "小区供热查询" in response.content.decode()

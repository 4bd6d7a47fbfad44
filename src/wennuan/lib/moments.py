"""Reading a moment typed or sent by someone else (a form's datetime field, an API parameter)."""

import re
import unicodedata
from datetime import date, datetime

from django.utils import timezone
from django.utils.dateparse import parse_datetime


def parse_moment(raw: str | None) -> datetime | None:
    """An aware datetime from ISO 8601 text, or None if the text is not a real moment.

    ``parse_datetime`` returns None for text of the wrong shape but raises ``ValueError`` for
    a well-shaped impossible one ("2026-13-45T99:00"); both are the caller's bad input, never a
    server error. A time without an offset is local time (the city's time zone).
    """
    try:
        moment = parse_datetime((raw or "").strip())
    except ValueError:
        return None
    if moment is not None and timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


_DATE_SHAPES = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def parse_user_date(raw: str | None) -> date | None:
    """A date as people write it: 2026-12-10, 2026/12/10, 2026.12.10, 2026年12月10日
    (full-width digits too); None when it is not a real date."""
    text = unicodedata.normalize("NFKC", raw or "").strip()
    match = _DATE_SHAPES.match(text)
    if not match:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return None

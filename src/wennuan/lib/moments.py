"""Reading a moment typed or sent by someone else (a form's datetime field, an API parameter)."""

import re
import unicodedata
from datetime import UTC, date, datetime, timedelta

from django.utils import timezone
from django.utils.dateparse import parse_datetime

# PostgreSQL's timestamptz accepts offsets up to ±15:59; Python's datetime up to ±23:59. A
# moment outside the database's range must be refused here, as bad input, not by the database
# as a server error (issue 18 item 1). No real time zone is beyond ±14:00.
MAX_OFFSET = timedelta(hours=15, minutes=59)
# The years a heating platform can mean: a moment near year 1 or 9999 overflows once converted
# to UTC, and no deadline or "changed since" lies outside these.
EARLIEST_YEAR, LATEST_YEAR = 1970, 2999


def parse_moment(raw: str | None) -> datetime | None:
    """An aware datetime from ISO 8601 text, or None if the text is not a usable moment.

    ``parse_datetime`` returns None for text of the wrong shape but raises ``ValueError`` for
    a well-shaped impossible one ("2026-13-45T99:00"); both are the caller's bad input, never a
    server error. A time without an offset is local time (the city's time zone). An offset
    beyond ±15:59, or one with seconds, and a year outside 1970–2999 are refused too: every
    caller (API ``changed_since``, console supervise ``deadline``, extension ``until``) then
    answers with its own field-named error.
    """
    try:
        moment = parse_datetime((raw or "").strip())
    except ValueError:
        return None
    if moment is None:
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    else:
        offset = moment.utcoffset()
        if abs(offset) > MAX_OFFSET or offset.seconds % 60 or offset.microseconds:
            return None
    if not EARLIEST_YEAR <= moment.year <= LATEST_YEAR:
        return None
    # Stored and compared in UTC: the database never sees the sender's offset.
    return moment.astimezone(UTC)


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

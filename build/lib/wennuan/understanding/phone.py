"""Phone numbers in complaint text: mobiles and landlines with an area code, as digits."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Callers and operators group mobile digits 3-4-4 with spaces or dashes.
MOBILE_PATTERN = re.compile(r"(?<![\d.])1[3-9]\d(?:[ \-]?\d){8}(?![\d.])")
# Landline: area code 0xx or 0xxx (Heze is 0530), then 7 or 8 digits.
LANDLINE_PATTERN = re.compile(r"(?<![\d.])\(?0\d{2,3}\)?[ \-]?\d{7,8}(?![\d.])")


@dataclass(frozen=True)
class PhoneMention:
    digits: str
    start: int
    end: int


def find_phone(text: str) -> PhoneMention | None:
    """The first mobile or landline number in the (normalised) text."""
    mentions = [
        match for pattern in (MOBILE_PATTERN, LANDLINE_PATTERN) for match in pattern.finditer(text)
    ]
    if not mentions:
        return None
    first = min(mentions, key=lambda match: match.start())
    return PhoneMention(re.sub(r"\D", "", first.group()), first.start(), first.end())


def parse_phone(text: str) -> str | None:
    from wennuan.understanding.text import normalise

    mention = find_phone(normalise(text))
    return mention.digits if mention else None

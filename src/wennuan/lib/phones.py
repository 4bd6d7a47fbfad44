"""Chinese telephone numbers: normalise to digits and validate (mobile, landline, hotlines).

phonenumbers (Google's libphonenumber) knows which Chinese mobile prefixes and area codes
exist; short government hotlines such as 12319 and 12345 are accepted explicitly.
"""

import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Short public-service numbers that are dialled as they are.
SHORT_SERVICE_NUMBERS = {"12319", "12345", "110", "119", "120", "95598"}

_SEPARATORS = re.compile(r"[\s\-－—()（）+]")


# Full-width forms (U+FF01–FF5E) and the ideographic space, as a Chinese input method types
# them, to ASCII. Not NFKC: that also makes "²" a 2, and a superscript is no digit of a phone.
_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def fold_full_width(text: str) -> str:
    """ "１３８－（０５３０）" → "138-(0530)"; everything else unchanged."""
    return (text or "").translate(_FULL_WIDTH)


def normalize_phone(raw: str) -> str:
    """Digits only: spaces, dashes and brackets removed; a leading +86/0086 country code too.
    Full-width characters ("１３８", "－", "（") are their ASCII forms first: every phone and
    number field goes through here."""
    digits = _SEPARATORS.sub("", fold_full_width(raw))
    if digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits


def is_valid_phone(raw: str) -> bool:
    digits = normalize_phone(raw)
    if not (digits.isascii() and digits.isdigit()):
        return False
    if digits in SHORT_SERVICE_NUMBERS:
        return True
    try:
        parsed = phonenumbers.parse(digits, "CN")
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(parsed)


def complete_local_number(raw: str, area_code: str) -> str:
    """A 7- or 8-digit local landline number ("6692571") completed with the city's area code
    ("0530") as people in the city say it without; anything else is returned normalised."""
    digits = normalize_phone(raw)
    if area_code and len(digits) in (7, 8) and digits.isdigit() and digits[0] not in "01":
        return f"{area_code}{digits}"
    return digits


def is_personal_phone(raw: str) -> bool:
    """A number a person can be called back on: a valid mobile or a landline with its area
    code. Public hotlines (12345 …) are valid phones but never a caller's own number."""
    digits = normalize_phone(raw)
    return digits not in SHORT_SERVICE_NUMBERS and is_valid_phone(digits)


def format_phone(raw: str) -> str:
    """How a number is shown: a landline as area code, dash, local number (0530-6692571);
    mobiles and hotlines as their digits (13812341234, 12319)."""
    digits = normalize_phone(raw)
    if not digits.startswith("0") or not digits.isdigit():
        return raw or ""
    try:
        parsed = phonenumbers.parse(digits, "CN")
    except phonenumbers.NumberParseException:
        return digits
    area_length = phonenumbers.length_of_geographical_area_code(parsed)
    if not area_length or not phonenumbers.is_valid_number(parsed):
        return digits
    # The national prefix "0" plus the area code ("0530"), then the subscriber number.
    return f"{digits[: area_length + 1]}-{digits[area_length + 1 :]}"


def validate_phone(value: str) -> None:
    """Django validator: a Chinese mobile, a landline with area code, or a public hotline."""
    if not is_valid_phone(value):
        raise ValidationError(
            _("“%(value)s” 不是有效的电话号码（手机号11位，座机需带区号）"),
            code="invalid_phone",
            params={"value": value},
        )

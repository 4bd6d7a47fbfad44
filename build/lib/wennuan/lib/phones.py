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


def normalize_phone(raw: str) -> str:
    """Digits only: spaces, dashes and brackets removed; a leading +86/0086 country code too."""
    digits = _SEPARATORS.sub("", raw or "")
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


def validate_phone(value: str) -> None:
    """Django validator: a Chinese mobile, a landline with area code, or a public hotline."""
    if not is_valid_phone(value):
        raise ValidationError(
            _("“%(value)s” 不是有效的电话号码（手机号11位，座机需带区号）"),
            code="invalid_phone",
            params={"value": value},
        )

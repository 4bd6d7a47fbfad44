"""Numbers as people type them on a phone: "16,5", "16，5", full-width "１６．５", "16.5 °C"."""

import re
import unicodedata

_UNIT_SUFFIX = re.compile(r"\s*(°\s*c|°|℃|摄氏度|度|m²|m2|平方米|平米)\s*$", re.IGNORECASE)


def parse_user_number(text: str) -> float | None:
    """The number in ``text``; None when it is empty. A decimal comma is a decimal point (a
    phone's keypad in many locales offers only the comma); raises ValueError when it is not
    a number."""
    value = unicodedata.normalize("NFKC", text or "").strip()
    if not value:
        return None
    value = _UNIT_SUFFIX.sub("", value).replace(",", ".").replace("−", "-").replace(" ", "")
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", value):
        raise ValueError(text)
    return float(value)

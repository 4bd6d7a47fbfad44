"""Normalising complaint text before it is read."""

from __future__ import annotations

import unicodedata

# Texts longer than this are cut: a complaint states its facts early, and the readers'
# cost must stay bounded for pasted documents.
MAX_TEXT_CHARS = 2000

# A character that stands for text already consumed by another reader (a phone number, a
# community name), so that later readers neither see its digits nor join across it.
MASK_CHAR = "\u3000"


def normalise(text: str) -> str:
    """Full-width forms to half-width (NFKC: １２ → 12, ＃ → #, ℃ → °C), bounded length."""
    text = unicodedata.normalize("NFKC", text[:MAX_TEXT_CHARS])
    return text.replace("°C", "℃").replace("°", "℃")


def mask(text: str, start: int, end: int) -> str:
    return text[:start] + MASK_CHAR * (end - start) + text[end:]

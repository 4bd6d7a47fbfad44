"""What the category model sees of a complaint: character n-grams and the reader's own cues.

Both the training (`training.py`, scikit-learn) and the reading (`model.py`, plain numpy) call
the same functions here, so that a text is featurised identically in both.

The text is first reduced to a *view*: full-width folded (NFKC), a phone number replaced by one
sign, every Arabic digit replaced by 0. Numbers and names carry no category of their own
(3号楼, 13853012345); their shape does (0号楼, 00度).
"""

from __future__ import annotations

import re

from wennuan.understanding.category import COMPILED_CUES

NGRAM_SIZES = (1, 2, 3)
PHONE_SIGN = "☎"
DIGIT = re.compile(r"\d")
SPACES = re.compile(r"\s+")

# Temperature buckets the reader's temperature field gives: a reading of 24 °C or more is a
# complaint about too much heat; below 12 °C, usually no heat at all.
TEMPERATURE_BUCKETS = ((0.0, 12.0, "cold"), (12.0, 18.0, "cool"), (18.0, 24.0, "standard"))


def category_view(text: str, phone_span: tuple[int, int] | None = None) -> str:
    """The (normalised) text with the phone number replaced by one sign and digits by 0."""
    if phone_span is not None:
        start, end = phone_span
        text = text[:start] + PHONE_SIGN + text[end:]
    return SPACES.sub(" ", DIGIT.sub("0", text)).strip()


def char_ngrams(view: str) -> list[str]:
    """Every character n-gram of the view (n in NGRAM_SIZES), with repeats."""
    grams: list[str] = []
    for size in NGRAM_SIZES:
        grams.extend(view[i : i + size] for i in range(len(view) - size + 1))
    return grams


def cue_features(view: str, temperature_c: float | None) -> list[str]:
    """The reader's hand-written cues as named binary features (present or not)."""
    names = [
        f"cue:{category}" for category, _weight, pattern in COMPILED_CUES if pattern.search(view)
    ]
    if temperature_c is None:
        names.append("temp:none")
    else:
        bucket = next(
            (name for low, high, name in TEMPERATURE_BUCKETS if low <= temperature_c < high),
            "hot",
        )
        names.append(f"temp:{bucket}")
    if view.endswith(("?", "？", "吗", "呢")) or "？" in view or "?" in view:
        names.append("shape:question")
    return names

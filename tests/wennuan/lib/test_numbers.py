"""Numbers as people type them: a decimal comma, full-width digits, a unit left on."""

import pytest

from wennuan.lib.numbers import parse_user_number


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("16,5", 16.5),
        ("１６．５", 16.5),
        ("16，5", 16.5),
        (" 18 °C", 18.0),
        ("15,5°C", 15.5),
        ("15°", 15.0),  # the degree sign alone (a persona walk's "15,5°" prefilled nothing)
        ("15,5 °", 15.5),
        ("16摄氏度", 16.0),
        ("16.5℃", 16.5),
        ("-3", -3.0),
        ("86 m²", 86.0),
    ],
)
def test_typed_numbers(typed, value):
    assert parse_user_number(typed) == value


def test_empty_is_none_and_words_are_refused():
    assert parse_user_number("") is None
    assert parse_user_number("  ") is None
    for typed in ("十六", "16度5", "°", "1,2,3"):
        with pytest.raises(ValueError):
            parse_user_number(typed)

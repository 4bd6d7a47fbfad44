import pytest
from django.core.exceptions import ValidationError

from wennuan.lib.phones import is_valid_phone, normalize_phone, validate_phone
from wennuan.lib.search import normalize_query, pinyin_initials, search_key_for


@pytest.mark.parametrize(
    "raw, digits",
    [
        ("138 5301 1111", "13853011111"),
        ("138-5301-1111", "13853011111"),
        ("+86 138 5301 1111", "13853011111"),
        ("0530-5312345", "05305312345"),
        ("（0530）5312345", "05305312345"),
    ],
)
def test_normalize_phone(raw, digits):
    assert normalize_phone(raw) == digits
    assert is_valid_phone(raw)


@pytest.mark.parametrize("raw", ["123", "1385301111", "23853011111", "abc", "", "0530-12"])
def test_invalid_phones_are_refused_in_chinese(raw):
    assert not is_valid_phone(raw)
    with pytest.raises(ValidationError, match="不是有效的电话号码"):
        validate_phone(raw)


def test_hotlines_are_valid():
    assert is_valid_phone("12319") and is_valid_phone("12345")


def test_search_key_holds_names_pinyin_and_initials():
    key = search_key_for("剑桥学府", ["剑桥"], "牡丹区", "中华西路887号")
    for part in ("剑桥学府", "jianqiaoxuefu", "jqxf", "jq", "牡丹区", "中华西路887号"):
        assert f"|{part}|" in key
    assert pinyin_initials("将军苑三期") == "jjysq"
    assert normalize_query("  JQ xf ") == "jqxf"

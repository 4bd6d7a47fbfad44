"""Chinese numerals as people write them in complaints (十六, 二十七, 十五点五, 两, 〇).

A small hand-written converter rather than cn2an: cn2an costs ~0.2 s to import and its
"smart" mode does not cover the spoken shapes we need (十五六 is a range, not a number);
the numbers in a complaint stay below 10,000, which a dozen lines handle exactly.
"""

from __future__ import annotations

DIGIT_VALUES = {
    "零": 0,
    "〇": 0,
    "洞": 0,  # spoken 0 (radio and hotline habit), as 幺 for 1
    "幺": 1,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    # The formal numerals of cheques and copied orders (叁号楼, 贰单元).
    "壹": 1,
    "贰": 2,
    "叁": 3,
    "肆": 4,
    "伍": 5,
    "陆": 6,
    "柒": 7,
    "捌": 8,
    "玖": 9,
}
UNIT_VALUES = {"十": 10, "拾": 10, "百": 100, "千": 1000}
CHINESE_NUMERAL_CHARS = "".join(DIGIT_VALUES) + "".join(UNIT_VALUES)


def chinese_integer(text: str) -> int | None:
    """十二 → 12, 二十七 → 27, 一百零一 → 101, 一一零一 → 1101 (digit by digit); None if not a numeral."""
    if not text or any(ch not in DIGIT_VALUES and ch not in UNIT_VALUES for ch in text):
        return None
    if not any(ch in UNIT_VALUES for ch in text):
        # Read digit by digit, as room numbers are spoken: 五零一 → 501.
        return int("".join(str(DIGIT_VALUES[ch]) for ch in text))
    total = 0
    pending_digit: int | None = None
    for ch in text:
        if ch in DIGIT_VALUES:
            pending_digit = DIGIT_VALUES[ch]
        else:
            total += (1 if pending_digit is None else pending_digit) * UNIT_VALUES[ch]
            pending_digit = None
    return total + (pending_digit or 0)


def parse_number(text: str) -> float | None:
    """An Arabic or Chinese number, with 点 as the decimal point: 十五点五 → 15.5, 16.8 → 16.8."""
    text = text.strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        pass
    whole, _, fraction = text.partition("点")
    whole_value = chinese_integer(whole)
    if whole_value is None:
        return None
    if not fraction:
        return float(whole_value)
    if any(ch not in DIGIT_VALUES for ch in fraction):
        return None
    return float(f"{whole_value}.{''.join(str(DIGIT_VALUES[ch]) for ch in fraction)}")

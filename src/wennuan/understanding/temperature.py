"""The indoor temperature a caller states, in every way people write it.

Readings are found with their unit (16度, 十六度, 16℃, 16摄氏度, 十五点五度, 十三度半), as
ranges (15-16度, 十五六度 → midpoint), or without a unit right after an indoor word (室温15.5).
A reading is dropped when its clause speaks of the outdoors (外面, 室外, 零下 …), of the
radiator or water (暖气片 摸着 30 度 is not the room), or of the standard (国家标准 18 度);
of the rest the lowest is returned, because a caller who reports several rooms or times
complains about the coldest.

A comma between digits is a decimal comma (15,5度 and 15，5℃ are 15.5 °C, as written in much
of the world and by phones set to such a locale), except that two whole numbers a few degrees
apart (15，16度) are a range, as 15-16度 is; a number never starts right after "digit,", so the
5 of 15,5度 is never read on its own.
"""

from __future__ import annotations

import re

from wennuan.understanding.numerals import DIGIT_VALUES, parse_number
from wennuan.understanding.text import normalise

CHINESE_DIGITS = "一二三四五六七八九"
CHINESE_NUMBER = r"[零〇一二两三四五六七八九十]{1,4}(?:点[零〇一二三四五六七八九]{1,2})?"
# The decimal separator is a point or a comma (NFKC has already folded ．and ，).
ARABIC_NUMBER = r"\d{1,2}(?:[.,]\d{1,2})?"
# No number starts inside another: after a digit, a point, or a digit and a comma.
NOT_INSIDE_NUMBER = r"(?<![\d.])(?<!\d,)"
UNIT = r"(?:摄氏度|度|℃)"

ARABIC_RANGE = re.compile(
    rf"{NOT_INSIDE_NUMBER}({ARABIC_NUMBER})\s*(?:-|~|～|到|至|、)\s*({ARABIC_NUMBER})\s*{UNIT}"
)
# 十五到十七度, 十五到十七之间 (the unit may be left out when an indoor word comes before).
SPOKEN_NUMBER = (
    r"(?:[一二]?十[一二三四五六七八九]?|[一二三四五六七八九])(?:点[零〇一二三四五六七八九])?"
)
CHINESE_DASH_RANGE = re.compile(
    rf"({SPOKEN_NUMBER})\s*(?:到|至|-|~|～)\s*({SPOKEN_NUMBER})\s*({UNIT})?"
)
# 十五六度, 十二三度, 二十七八度, 七八度: two neighbouring digits name a range.
CHINESE_RANGE = re.compile(
    rf"((?:[{CHINESE_DIGITS}]?十)?)([{CHINESE_DIGITS}])([{CHINESE_DIGITS}])\s*{UNIT}"
)
# 十来度: "about ten degrees" is read as ten.
SINGLE = re.compile(rf"{NOT_INSIDE_NUMBER}({ARABIC_NUMBER}|{CHINESE_NUMBER})\s*来?{UNIT}(半)?")
INDOOR_WORDS = r"室温|温度|屋里|屋内|室内|家里|家中|房间|卧室|客厅"
UNITLESS = re.compile(
    rf"(?:{INDOOR_WORDS}|现在)[:：]?[^，,。；;！!？?\d]{{0,6}}?{NOT_INSIDE_NUMBER}({ARABIC_NUMBER})(?![\d.#号楼栋单元室\-度℃月日年点天个次层:：])"
)
# A spoken number of 10–29 right after an indoor word, without a unit (客厅十八，卧室才十五;
# 温度计上十七点五): the room's reading, as people say it.
SPOKEN_UNITLESS = re.compile(
    rf"(?:{INDOOR_WORDS}|温度计|客厅|卧室)[:：]?[^，,。；;！!？?\d]{{0,6}}?"
    r"((?:二十|十)[一二三四五六七八九]?(?:点[一二三四五六七八九])?)"
    r"(?![一二三四五六七八九十几多号楼栋单元室度℃月日年天个次层岁块元分平米户口人])"
)

OUTDOOR_WORDS = ("外面", "外边", "室外", "户外", "屋外", "气温", "天气", "零下", "最低温")
INDOOR_WORD_LIST = tuple(INDOOR_WORDS.split("|")) + ("家", "屋")
# Words after which a temperature is not the room's: the radiator or water, or a rule.
NOT_ROOM_WORDS = (
    "暖气片",
    "管子",
    "水温",
    "供水",
    "回水",
    "摸着",
    "标准",
    "规定",
    "不低于",
    "要求",
    "设定",
    "调到",
    "达到",
    "想让",
    "想叫",
    "叫它",
    "让它",
    "希望",
    "保证",
    # 差两度 is a shortfall, not a reading (太差了 is a judgement: FALSE_FRIENDS).
    "差",
)
# "是18度吗？", "标准是不是18度?": a question about the standard, not a reading.
QUESTION_AFTER = re.compile(r"\s*(?:吧|了)?\s*(?:吗|嘛|么|\?|呢)")
# "18度还是16度？": a choice offered in a question is not a reading either.
QUESTION_CHOICE = re.compile(r"\s*还是[^，,。；;！!\n]{0,8}[？?]")
QUESTION_BEFORE = ("是", "标准", "要求", "规定", "应该", "达到", "够", "得", "要")
CLAUSE_BREAK = re.compile(r"[，,。；;！!？?\n]")
PLAUSIBLE_INDOOR_C = (0.0, 35.0)


def clause_before(text: str, position: int) -> str:
    start = 0
    for match in CLAUSE_BREAK.finditer(text, 0, position):
        start = match.end()
    return text[start:position]


# Words that hold an outdoor or not-room word without meaning it: 暖气温乎 is not 气温,
# 估摸着 is not touching the radiator.
FALSE_FRIENDS = (
    ("暖气温", "暖气_"),
    ("估摸", "估_"),
    ("太差", "太_"),
    ("很差", "很_"),
    ("真差", "真_"),
    ("差劲", "_劲"),
    ("较差", "较_"),
)


def is_indoor_reading(text: str, start: int) -> bool:
    before = clause_before(text, start)
    for word, neutral in FALSE_FRIENDS:
        before = before.replace(word, neutral)
    if before.endswith(("零下", "-")):
        return False
    last_outdoor = max((before.rfind(word) for word in OUTDOOR_WORDS), default=-1)
    last_indoor = max((before.rfind(word) for word in INDOOR_WORD_LIST), default=-1)
    if last_outdoor > last_indoor:
        return False
    last_not_room = max((before.rfind(word) for word in NOT_ROOM_WORDS), default=-1)
    return last_not_room <= last_indoor or last_not_room == -1


def is_question_about_standard(text: str, start: int, end: int) -> bool:
    if QUESTION_CHOICE.match(text, end):
        return True
    if not QUESTION_AFTER.match(text, end):
        return False
    before = clause_before(text, start)[-6:]
    return any(word in before for word in QUESTION_BEFORE)


def chinese_range_midpoint(match: re.Match[str]) -> float:
    tens_text, low_digit, high_digit = match.groups()
    if tens_text:
        tens = DIGIT_VALUES.get(tens_text[0], 1) * 10 if len(tens_text) == 2 else 10
    else:
        tens = 0
    return tens + (DIGIT_VALUES[low_digit] + DIGIT_VALUES[high_digit]) / 2


def is_range(low: float, high: float) -> bool:
    """15-16度, 十五到十七度: two numbers a few degrees apart, the lower first."""
    return low < high <= low + 5


def number_value(number_text: str) -> float | None:
    """An Arabic number with a decimal point or comma, or a Chinese one: 15,5 → 15.5.

    Two whole numbers joined by a comma and a few degrees apart (15,16 or 18,20) are read as
    a range, by the rule that reads 15-16度: the midpoint. A comma with one digit after it
    (5,6) or a fraction that is not a step up (15,25) is a decimal comma.
    """
    whole, comma, fraction = number_text.partition(",")
    if not comma:
        return parse_number(number_text)
    low, high = float(whole), float(fraction)
    if len(fraction) == 2 and is_range(low, high):
        return (low + high) / 2
    return float(f"{whole}.{fraction}")


def find_readings_c(text: str) -> list[tuple[int, int, float]]:
    """(start, end, value) of each temperature reading, before filtering for the indoors."""
    readings: list[tuple[int, int, float]] = []
    taken: list[tuple[int, int]] = []

    def overlaps(start: int, end: int) -> bool:
        return any(start < taken_end and taken_start < end for taken_start, taken_end in taken)

    for match in ARABIC_RANGE.finditer(text):
        low, high = number_value(match.group(1)), number_value(match.group(2))
        if low is not None and high is not None and is_range(low, high):
            readings.append((match.start(), match.end(), (low + high) / 2))
            taken.append(match.span())
    for match in CHINESE_DASH_RANGE.finditer(text):
        low, high = parse_number(match.group(1)), parse_number(match.group(2))
        has_unit = match.group(3) is not None
        if (
            low is not None
            and high is not None
            and is_range(low, high)
            and (has_unit or re.search(INDOOR_WORDS, clause_before(text, match.start())))
        ):
            readings.append((match.start(), match.end(), (low + high) / 2))
            taken.append(match.span())
    for match in CHINESE_RANGE.finditer(text):
        low_digit, high_digit = match.group(2), match.group(3)
        if DIGIT_VALUES[high_digit] == DIGIT_VALUES[low_digit] + 1 and not overlaps(*match.span()):
            readings.append((match.start(), match.end(), chinese_range_midpoint(match)))
            taken.append(match.span())
    for match in SINGLE.finditer(text):
        if overlaps(*match.span()):
            continue
        value = number_value(match.group(1))
        if value is None:
            continue
        if match.group(2):
            value += 0.5
        readings.append((match.start(), match.end(), value))
        taken.append(match.span())
    for match in UNITLESS.finditer(text):
        if overlaps(*match.span(1)):
            continue
        value = number_value(match.group(1))
        if value is None:
            continue
        readings.append((match.start(1), match.end(1), value))
        taken.append(match.span(1))
    for match in SPOKEN_UNITLESS.finditer(text):
        value = parse_number(match.group(1))
        if value is None or overlaps(*match.span(1)):
            continue
        readings.append((match.start(1), match.end(1), value))
        taken.append(match.span(1))
    return readings


def find_indoor_temperature_c(text: str) -> float | None:
    """The lowest indoor reading in the (normalised, masked) text, or None."""
    low, high = PLAUSIBLE_INDOOR_C
    indoor = [
        value
        for start, end, value in find_readings_c(text)
        if low < value < high
        and is_indoor_reading(text, start)
        and not is_question_about_standard(text, start, end)
    ]
    return min(indoor) if indoor else None


def parse_temperature_c(text: str) -> float | None:
    return find_indoor_temperature_c(normalise(text))

"""Building, unit and room in a complaint: 3号楼2单元501, 5#楼, 3栋, 十二号楼, 东单元, 3-2-501.

Conventions (all values are strings, as written on the door):
- numbers are given in Arabic digits ("十二号楼" → building "12");
- a unit named by its side is the side's character: 东单元 → unit "东" (also 西, 中, 南, 北);
- "3-2-501" is building-unit-room; "3#2-1302" is the same with # after the building;
- a floor ("5楼", "二楼") is not a building and is not returned;
- a room needs a marker (室, 房, 户) or must follow the building or unit directly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from wennuan.understanding.numerals import CHINESE_NUMERAL_CHARS, chinese_integer

NUMBER = rf"(?:\d{{1,3}}|[{CHINESE_NUMERAL_CHARS}]{{1,4}})"
SIDE = "东西中南北"

DASHED_HOME = re.compile(r"(?<![\d.\-])(\d{1,3})(?:#|号楼?|栋)?-(\d{1,2})-(\d{3,4})(?![\d.\-])")
BUILDING_HASH_UNIT_ROOM = re.compile(r"(?<![\d.])(\d{1,3})#(\d{1,2})-(\d{3,4})(?![\d.])")
BUILDING = re.compile(
    rf"(?<![\d#])({NUMBER})\s*(?:号楼|#楼|#|栋|幢|号(?=\s*(?:{NUMBER}|[{SIDE}])单元))"
)
UNIT = re.compile(rf"(?:({NUMBER})|([{SIDE}]))\s*单元")
ROOM_AFTER = re.compile(r"\s*(\d{3,4})(?:室(?!温|内|外)|房间|房|户|号)?(?![\d.℃度\-])")
ROOM_MARKED = re.compile(r"(?<![\d.\-])(\d{3,4})\s*(?:室(?!温|内|外)|房间|户(?!主))")


@dataclass(frozen=True)
class Home:
    building: str | None = None
    unit: str | None = None
    room: str | None = None
    # Character spans consumed, so that other readers ignore these numbers.
    spans: tuple[tuple[int, int], ...] = ()


def number_text(raw: str) -> str | None:
    if raw.isdecimal():
        return str(int(raw))
    value = chinese_integer(raw)
    return None if value is None else str(value)


def find_home(text: str) -> Home:
    """Building, unit and room in the (normalised, phone- and community-masked) text."""
    for pattern in (BUILDING_HASH_UNIT_ROOM, DASHED_HOME):
        match = pattern.search(text)
        if match:
            building, unit, room = match.groups()
            return Home(str(int(building)), str(int(unit)), room, ((match.start(), match.end()),))

    building = unit = room = None
    spans: list[tuple[int, int]] = []
    room_may_start_at = None
    building_match = BUILDING.search(text)
    if building_match:
        building = number_text(building_match.group(1))
        spans.append(building_match.span())
        room_may_start_at = building_match.end()
    unit_match = UNIT.search(text, building_match.end() if building_match else 0)
    if unit_match:
        unit = number_text(unit_match.group(1)) if unit_match.group(1) else unit_match.group(2)
        spans.append(unit_match.span())
        room_may_start_at = unit_match.end()
    if room_may_start_at is not None:
        room_match = ROOM_AFTER.match(text, room_may_start_at)
        if room_match:
            room = room_match.group(1)
            spans.append(room_match.span())
    if room is None:
        room_match = ROOM_MARKED.search(text)
        if room_match:
            room = room_match.group(1)
            spans.append(room_match.span())
    return Home(building, unit, room, tuple(spans))

"""Reading a whole complaint: the readers of each field, applied in a safe order."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass

from wennuan.understanding.category import classify
from wennuan.understanding.community import (
    CommunityIndex,
    CommunityMatch,
    RegisterEntry,
    build_index,
)
from wennuan.understanding.home import find_home
from wennuan.understanding.phone import find_phone
from wennuan.understanding.temperature import find_indoor_temperature_c
from wennuan.understanding.text import mask, normalise

OUTPUT_FIELDS = (
    "category",
    "category_confidence",
    "temperature_c",
    "community",
    "community_score",
    "building",
    "unit",
    "room",
    "phone",
)


@dataclass(frozen=True)
class ComplaintReading:
    """What a complaint text says; None where it does not say it (or it cannot be read)."""

    category: str | None = None
    category_confidence: float | None = None
    temperature_c: float | None = None
    community: str | None = None
    community_score: float | None = None
    community_runner_up: str | None = None
    community_runner_up_score: float | None = None
    building: str | None = None
    unit: str | None = None
    room: str | None = None
    phone: str | None = None

    def as_output(self) -> dict[str, object]:
        """The fields of the `wennuan understand` contract (design §8)."""
        values = asdict(self)
        return {name: values[name] for name in OUTPUT_FIELDS}


EMPTY_READING = ComplaintReading()


def read_complaint(text: str, index: CommunityIndex | None) -> ComplaintReading:
    """Read category, temperature, community, home and phone from one complaint text.

    The phone is read first and masked, then the community (whose name may hold numbers,
    公园一号), then building/unit/room (masked, so that 1101室 is never a temperature), then
    the temperature, and the category last, helped by the temperature.
    """
    if not isinstance(text, str) or not text.strip():
        return EMPTY_READING
    normalised = normalise(text)
    if not any("\u4e00" <= char <= "\u9fff" for char in normalised):
        # English, emoji or digits only: nothing in it is a Chinese complaint to read.
        phone = find_phone(normalised)
        return ComplaintReading(phone=phone.digits if phone else None)

    remaining = normalised
    phone = find_phone(remaining)
    if phone:
        remaining = mask(remaining, phone.start, phone.end)

    community = CommunityMatch(None, 0.0)
    if index is not None:
        community = index_match(index, remaining)
        if community.span:
            remaining = mask(remaining, *community.span)

    home = find_home(remaining)
    for start, end in home.spans:
        remaining = mask(remaining, start, end)

    temperature_c = find_indoor_temperature_c(remaining)
    guess = classify(normalised, temperature_c)
    return ComplaintReading(
        category=guess.category,
        category_confidence=guess.confidence,
        temperature_c=temperature_c,
        community=community.name,
        community_score=community.score if community.name else None,
        community_runner_up=community.runner_up,
        community_runner_up_score=community.runner_up_score if community.runner_up else None,
        building=home.building,
        unit=home.unit,
        room=home.room,
        phone=phone.digits if phone else None,
    )


def index_match(index: CommunityIndex, text: str) -> CommunityMatch:
    from wennuan.understanding.community import match_community

    return match_community(index, text)


def register_index(register: Iterable[RegisterEntry | tuple]) -> CommunityIndex:
    """Index a register given as RegisterEntry objects or (name, aliases, district, address)."""
    entries = []
    for row in register:
        if isinstance(row, RegisterEntry):
            entries.append(row)
            continue
        name, aliases, district, address = (tuple(row) + (None,) * 4)[:4]
        entries.append(
            RegisterEntry(
                name=str(name),
                aliases=tuple(alias for alias in (aliases or ()) if alias),
                district=district or "",
                address=address or "",
            )
        )
    return build_index(entries)


def error_output(message: str) -> dict[str, object]:
    return {**dict.fromkeys(OUTPUT_FIELDS), "error": message}


def process_lines(
    lines: Iterable[str], index: CommunityIndex | None
) -> Iterator[dict[str, object]]:
    """The `wennuan understand` contract: JSON lines {"text": …} in, one object per line out.

    A line that cannot be read yields all fields null and an "error"; it never stops the run.
    """
    for line in lines:
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError as error:
            yield error_output(f"not JSON: {error}")
            continue
        text = record.get("text") if isinstance(record, dict) else None
        if not isinstance(text, str):
            yield error_output('expected an object with a string "text"')
            continue
        try:
            yield read_complaint(text, index).as_output()
        except Exception as error:  # noqa: BLE001 — one bad text must not end a batch
            yield error_output(f"could not read the text: {error!r}")

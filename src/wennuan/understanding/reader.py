"""Reading a whole complaint: the readers of each field, applied in a safe order."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass

from wennuan.understanding.community import (
    CommunityIndex,
    CommunityMatch,
    RegisterEntry,
    build_index,
    match_community,
)
from wennuan.understanding.features import category_view
from wennuan.understanding.home import Home, find_home
from wennuan.understanding.model import NOT_HEATING, CategoryModel, shipped_model
from wennuan.understanding.phone import PhoneMention, phone_mentions
from wennuan.understanding.temperature import find_indoor_temperature_c
from wennuan.understanding.text import mask, normalise

# A text is flagged "not about heating" only when the model is this sure: the flag offers a
# return (退单) of a citizen's order, and a heating complaint returned is worse than a misrouted
# order kept. Chosen by leave-one-author-out on the training authors: the smallest threshold
# with at most 1 % of heating texts flagged (0.5: 1.2 %, 0.6: 1.0 %, losing 20 of 513
# non-heating texts recognised).
NOT_HEATING_FLAG_PROBABILITY = 0.6

OUTPUT_FIELDS = (
    "heating",
    "category",
    "category_confidence",
    "category_top2",
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
    """What a complaint text says; None where it does not say it (or it cannot be read).

    `category_confidence` is the model's calibrated probability of `category`;
    `category_top2` the two likeliest categories with their probabilities; `heating` whether
    the text is about district heating at all (False: another city service, to be returned).
    `community_suggestion` is a register community the text resembles without naming it
    (a look-alike or an unregistered name): a question for the operator, never a fill.
    """

    heating: bool | None = None
    category: str | None = None
    category_confidence: float | None = None
    category_top2: tuple[tuple[str, float], ...] | None = None
    temperature_c: float | None = None
    community: str | None = None
    community_score: float | None = None
    community_runner_up: str | None = None
    community_runner_up_score: float | None = None
    community_suggestion: str | None = None
    building: str | None = None
    unit: str | None = None
    room: str | None = None
    phone: str | None = None

    def as_output(self) -> dict[str, object]:
        """The fields of the `wennuan understand` contract (design §8)."""
        values = asdict(self)
        output = {name: values[name] for name in OUTPUT_FIELDS}
        if self.category_top2 is not None:
            output["category_top2"] = [
                {"category": category, "probability": probability}
                for category, probability in self.category_top2
            ]
        return output


EMPTY_READING = ComplaintReading()


@dataclass(frozen=True)
class ReadFields:
    """The fields read by rule from one text, before the category model runs."""

    phone: PhoneMention | None
    community: CommunityMatch
    home: Home
    temperature_c: float | None
    category_view: str


def read_fields(text: str, index: CommunityIndex | None, area_code: str = "") -> ReadFields:
    """Phone, community, home and temperature of a normalised text, each masked for the next.

    The phones are read first and masked, then the community (whose name may hold numbers,
    公园一号), then building/unit/room (masked, so that 1101室 is never a temperature), then
    the temperature.
    """
    normalised = normalise(text)
    remaining = normalised
    phones = phone_mentions(remaining, area_code)
    phone = phones[0] if phones else None
    for mention in phones:
        remaining = mask(remaining, mention.start, mention.end)

    community = CommunityMatch(None, 0.0)
    if index is not None and any(is_chinese(char) for char in remaining):
        community = index_match(index, remaining)
        if community.span:
            remaining = mask(remaining, *community.span)

    home = find_home(remaining)
    for start, end in home.spans:
        remaining = mask(remaining, start, end)

    temperature_c = find_indoor_temperature_c(remaining)
    view = category_view(normalised, (phone.start, phone.end) if phone else None, community.span)
    return ReadFields(phone, community, home, temperature_c, view)


def is_chinese(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff"


def read_complaint(
    text: str,
    index: CommunityIndex | None,
    area_code: str = "",
    model: CategoryModel | None = None,
) -> ComplaintReading:
    """Read heating or not, category, temperature, community, home and phone from one text.

    `area_code` (the City's, 0530 for Heze) completes a 7- or 8-digit local phone number;
    `model` replaces the shipped category model (evaluation of a model in training).
    """
    if not isinstance(text, str) or not text.strip():
        return EMPTY_READING
    fields = read_fields(text, index, area_code)
    phone = fields.phone.digits if fields.phone else None
    if not any(is_chinese(char) for char in fields.category_view):
        # English, emoji or digits only: nothing in it is a Chinese complaint to read.
        return ComplaintReading(phone=phone)

    probabilities = (model or shipped_model()).probabilities(
        fields.category_view, fields.temperature_c
    )
    not_heating = probabilities.pop(NOT_HEATING, 0.0)
    probabilities["other"] = probabilities.get("other", 0.0) + not_heating
    ranked = sorted(probabilities.items(), key=lambda item: (-item[1], item[0]))
    category, confidence = ranked[0]
    heating = not_heating < NOT_HEATING_FLAG_PROBABILITY
    community = fields.community
    return ComplaintReading(
        heating=heating,
        category=category,
        category_confidence=round(confidence, 3),
        category_top2=tuple((name, round(p, 3)) for name, p in ranked[:2]),
        temperature_c=fields.temperature_c,
        community=community.name,
        community_score=community.score if community.name else None,
        community_runner_up=community.runner_up,
        community_runner_up_score=community.runner_up_score if community.runner_up else None,
        community_suggestion=community.suggestion,
        building=fields.home.building,
        unit=fields.home.unit,
        room=fields.home.room,
        phone=phone,
    )


def index_match(index: CommunityIndex, text: str) -> CommunityMatch:
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
    lines: Iterable[str], index: CommunityIndex | None, area_code: str = ""
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
            yield read_complaint(text, index, area_code).as_output()
        except Exception as error:  # noqa: BLE001 — one bad text must not end a batch
            yield error_output(f"could not read the text: {error!r}")

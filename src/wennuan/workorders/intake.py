"""Intake: validate what a caller, an operator or another system gives, and prefill the rest
from the complaint text (design §5) — shared by the API, the console and the portal."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from wennuan.lib import lookups
from wennuan.lib.fielderrors import labelled
from wennuan.lib.numbers import parse_user_number
from wennuan.lib.phones import is_valid_phone, normalize_phone
from wennuan.registry.models import City, Community

from .choices import Category, Channel


@dataclass
class Prefill:
    category: str | None = None
    community: Community | None = None
    building: str = ""
    unit: str = ""
    room: str = ""
    temperature_c: float | None = None
    phone: str | None = None
    # The reader's doubts, for the operator: not about heating (退单), the two likeliest
    # categories when unsure, a register community the text only resembles (是否指…?).
    heating: bool | None = None
    category_confidence: float | None = None
    category_top2: tuple[tuple[str, float], ...] = ()
    community_suggestion: Community | None = None

    def reading_payload(self) -> dict:
        """What the API returns of the reading beside the order."""
        return {
            "heating": self.heating,
            "category_confidence": self.category_confidence,
            "category_top2": [
                {"category": category, "probability": probability}
                for category, probability in self.category_top2
            ],
            "community_suggestion": self.community_suggestion.name
            if self.community_suggestion
            else None,
        }


def _communities_by_name() -> dict[str, Community]:
    """Every community (with its company) by registry name; aliases under their own key
    unless a community has that name (an exact name wins, as in ``find_community``)."""
    communities = list(Community.objects.select_related("company").order_by("name", "pk"))
    by_name = {}
    for community in communities:
        for alias in community.aliases or ():
            by_name.setdefault(("alias", alias), community)
    for community in communities:
        by_name[("name", community.name)] = community
    return by_name


def find_community(name: str) -> Community | None:
    """A community by its registry name or one of its aliases (exact)."""
    name = (name or "").strip()
    if not name:
        return None
    by_name = lookups.get("intake.communities", _communities_by_name)
    return by_name.get(("name", name)) or by_name.get(("alias", name))


def _register_index(build):
    """The reader's index of the register, rebuilt only when the register changed (building it
    takes ~0.4 s for 500 communities); whether it changed is the lookup fingerprint's business
    (one query a request, not a read of every row)."""

    def rows():
        return build(
            [
                [name, list(aliases), district, address]
                for name, aliases, district, address in Community.objects.order_by(
                    "pk"
                ).values_list("name", "aliases", "district", "address")
            ]
        )

    return lookups.get("intake.register_index", rows)


def _city_area_code() -> str:
    city = City.objects.first()
    return city.area_code if city else ""


def city_area_code() -> str:
    """The city's telephone area code (cached with the other lookups)."""
    return lookups.get("intake.city_area_code", _city_area_code)


def read_text(text: str) -> Prefill:
    """What the complaint reader finds in the text; an empty Prefill if it is unavailable."""
    try:
        # Start-up cost: the reader loads its model; only intake forms need it.
        from wennuan.understanding import read_complaint, register_index
    except ImportError:  # the reader is optional for intake
        return Prefill()
    index = _register_index(register_index)
    try:
        reading = read_complaint(text, index, city_area_code())
    except Exception:  # a reader bug must never block a complaint from being recorded
        return Prefill()
    by_name = lookups.get("intake.communities", _communities_by_name)
    community = by_name.get(("name", reading.community)) if reading.community else None
    suggestion = (
        by_name.get(("name", reading.community_suggestion))
        if reading.community_suggestion
        else None
    )
    return Prefill(
        heating=reading.heating,
        category_confidence=reading.category_confidence,
        category_top2=reading.category_top2 or (),
        community_suggestion=suggestion,
        category=reading.category if reading.category in Category.values else None,
        community=community,
        building=reading.building or "",
        unit=reading.unit or "",
        room=reading.room or "",
        temperature_c=reading.temperature_c,
        phone=reading.phone,
    )


@dataclass
class IntakeResult:
    values: dict = field(default_factory=dict)
    reading: Prefill | None = None  # what the reader found in the text
    errors: list[tuple[str, str, str]] = field(default_factory=list)  # (field, code, message)


def clean_intake(
    data: dict, *, default_channel: str | None = None, labels: dict | None = None
) -> IntakeResult:
    """Check an intake payload; fill category/community/home/temperature from the text where
    the payload leaves them out. Errors are (field, code, Chinese message)."""
    result = IntakeResult()
    errors = result.errors
    text = data.get("text")
    if not isinstance(text, str) or not text.strip():
        errors.append(("text", "required", _("请填写诉求内容")))
        text = ""
    elif len(text) > 2000:
        errors.append(("text", "too_long", _("诉求内容过长（最多2000字）")))
    phone = data.get("phone")
    if not isinstance(phone, str) or not phone.strip():
        errors.append(("phone", "required", _("请填写联系电话")))
    elif not is_valid_phone(phone):
        errors.append(
            ("phone", "invalid_phone", _("联系电话格式不正确（手机号11位，座机需带区号）"))
        )
    channel = data.get("channel") or default_channel
    if channel not in Channel.values:
        errors.append(("channel", "invalid_choice", _("未知的来源渠道")))
    category = data.get("category") or None
    if category is not None and category not in Category.values:
        errors.append(("category", "invalid_choice", _("未知的工单类别")))
    temperature = data.get("stated_temp_c")
    if temperature not in (None, ""):
        try:
            # "16,5", "１６．５" and "16.5℃" as typed on the operator's or a citizen's keyboard.
            temperature = (
                float(temperature)
                if isinstance(temperature, (int, float))
                else parse_user_number(str(temperature))
            )
            if not -10 <= temperature <= 40:
                errors.append(
                    (
                        "stated_temp_c",
                        "out_of_range",
                        _("温度应在 -10 到 40 °C 之间（收到 %(v)s °C）") % {"v": temperature},
                    )
                )
        except (TypeError, ValueError):
            errors.append(("stated_temp_c", "invalid", _("温度必须是数字")))
    else:
        temperature = None
    community = None
    community_name = data.get("community")
    if community_name:
        community = find_community(str(community_name))
        if community is None:
            errors.append(
                ("community", "unknown", _("没有找到小区“%(n)s”") % {"n": community_name})
            )
    home = {}
    for name in ("building", "unit", "room", "caller_name"):
        value = data.get(name) or ""
        longest = 40 if name == "caller_name" else 10
        if not isinstance(value, str):
            errors.append((name, "invalid", _("应填写文字")))
            value = ""
        elif len(value) > longest:
            errors.append((name, "too_long", _("最多 %(n)d 个字") % {"n": longest}))
            value = ""
        home[name] = value.strip()
    # Every message names the field by the label the user sees, never its internal name.
    result.errors[:] = [
        (name, code, labelled(name, message, labels)) for name, code, message in errors
    ]
    if errors:
        return result
    guess = read_text(text)
    result.reading = guess
    if community is None and not community_name:
        community = guess.community
    if temperature is None and guess.temperature_c is not None:
        if -10 <= guess.temperature_c <= 40:
            temperature = guess.temperature_c
    result.values = dict(
        text=text.strip(),
        phone=normalize_phone(phone),
        channel=channel,
        category=category or guess.category or Category.OTHER,
        community=community,
        caller_name=home["caller_name"],
        building=home["building"] or (guess.building if community else ""),
        unit=home["unit"] or (guess.unit if community else ""),
        room=home["room"] or (guess.room if community else ""),
        stated_temp_c=temperature,
    )
    return result

"""The temperature standard and fee reduction rules of design §4.4 (pure functions)."""

import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from wennuan.registry.models import City, HeatingSeason
from wennuan.understanding.numerals import CHINESE_NUMERAL_CHARS, parse_number

from .choices import INVALIDATING_CAUSES, STANDARD_ROOMS, Verdict
from .models import FeeReductionRule


def visit_verdict(
    *,
    not_home: bool,
    access_refused: bool,
    conditions_met: bool,
    causes: list[str],
    readings: list[tuple[str, float]],
    standard_c: float,
) -> tuple[str, float | None]:
    """(verdict, lowest valid reading °C) of one visit.

    ``readings`` are (room kind, °C). Only living rooms and bedrooms count; a test made with
    windows open, after household alterations or with an illegal pump, or without the
    prescribed conditions (closed ≥ 30 min, centre at 1.4–1.5 m, read after ≥ 10 min) is
    invalid, as is a visit where access was refused.
    """
    if not_home:
        return Verdict.NOT_HOME, None
    counted = [temp for kind, temp in readings if kind in STANDARD_ROOMS]
    lowest = min(counted) if counted else None
    if access_refused or not conditions_met or INVALIDATING_CAUSES.intersection(causes):
        return Verdict.INVALID, lowest
    if lowest is None:
        return Verdict.INVALID, None
    return (Verdict.COMPLIANT if lowest >= standard_c else Verdict.NON_COMPLIANT), lowest


@dataclass(frozen=True)
class FeeRule:
    """Default reduction rule (modelled on the Beijing heating contract); a city replaces it.

    ``bands`` are (shortfall below which it applies [K], share of the daily fee refunded)."""

    bands: tuple[tuple[float, float], ...] = ((2.0, 0.4), (4.0, 0.6), (math.inf, 1.0))
    grace: timedelta = timedelta(hours=24)

    def ratio(self, shortfall_k: float) -> float:
        if shortfall_k <= 0:
            return 0.0
        for limit, share in self.bands:
            if shortfall_k < limit:
                return share
        return 1.0


DEFAULT_FEE_RULE = FeeRule()


def active_fee_rule() -> FeeRule:
    """The administrator's active rule (``FeeReductionRule``), or the default."""
    record = FeeReductionRule.objects.filter(is_active=True).first()
    if record is None:
        return DEFAULT_FEE_RULE
    return FeeRule(
        bands=(
            (record.small_shortfall_k, record.small_ratio),
            (record.medium_shortfall_k, record.medium_ratio),
            (math.inf, record.large_ratio),
        ),
        grace=timedelta(hours=record.grace_hours),
    )


@dataclass(frozen=True)
class FeeReduction:
    amount_yuan: Decimal
    days: int
    ratio: float
    area_m2: float
    daily_tariff_yuan_m2: Decimal


def fee_reduction(
    *,
    season_tariff_yuan_m2: Decimal,
    season_days: int,
    area_m2: float,
    shortfall_k: float,
    reported_at: datetime,
    fixed_at: datetime,
    rule: FeeRule = DEFAULT_FEE_RULE,
    fix_proven: bool = True,
) -> FeeReduction:
    """Reduction = daily tariff × under-heated area × days × ratio (design §4.4).

    Days count from the report, whole days rounded up; nothing is due if the home was fixed
    within the grace period (24 h). ``fix_proven`` is False when ``fixed_at`` is only the
    company's reply, not a measurement showing the standard met: then the grace does not
    apply and at least one day is due (a reply is not a fix)."""
    daily = (Decimal(season_tariff_yuan_m2) / Decimal(season_days)).quantize(Decimal("0.0001"))
    ratio = rule.ratio(shortfall_k)
    elapsed = fixed_at - reported_at
    if fix_proven:
        days = 0 if elapsed <= rule.grace else math.ceil(elapsed / timedelta(days=1))
    else:
        days = max(1, math.ceil(elapsed / timedelta(days=1)))
    amount = daily * Decimal(str(area_m2)) * days * Decimal(str(ratio))
    return FeeReduction(
        amount_yuan=amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP),
        days=days,
        ratio=ratio,
        area_m2=area_m2,
        daily_tariff_yuan_m2=daily,
    )


def order_fee_reduction(
    order, now: datetime, *, rule: FeeRule | None = None, city=None, seasons=None
) -> FeeReduction | None:
    """The reduction owed on an order whose visit found the company at fault, or None.

    The home counts as fixed only when a later visit measured it compliant (design §4.4:
    "days from the report unless fixed within 24 h"); the company's reply is not a fix. So
    a non-compliant order answered without a compliant re-measurement owes the days from
    the report to the reply, at least one; an open one owes them until now.

    None when no visit was non-compliant, the home's area is unknown, no season covers the
    report, or the day was colder than the design outdoor temperature (the company is exempt).
    """
    visits = list(order.visits.all())
    faulty = next((v for v in visits if v.verdict == Verdict.NON_COMPLIANT), None)
    if faulty is None or not faulty.home_area_m2:
        return None
    # Exports pass the city, the seasons and the rule in, so that many orders cost no
    # queries beyond their prefetched visits.
    city = city if city is not None else City.objects.first()
    design_outdoor = city.design_outdoor_temp_c if city else -4.9
    if faulty.outdoor_temp_c is not None and faulty.outdoor_temp_c < design_outdoor:
        return None
    day = timezone.localtime(order.created_at).date()
    if seasons is None:
        seasons = HeatingSeason.objects.all()
    season = next((s for s in seasons if s.start_date <= day <= s.end_date), None)
    if season is None:
        return None
    fixed = next(
        (
            v.visited_at
            for v in visits
            if v.verdict == Verdict.COMPLIANT and v.visited_at > faulty.visited_at
        ),
        None,
    )
    return fee_reduction(
        season_tariff_yuan_m2=season.residential_tariff_yuan_m2,
        season_days=(season.end_date - season.start_date).days + 1,
        area_m2=faulty.home_area_m2,
        shortfall_k=faulty.shortfall_k,
        reported_at=order.created_at,
        fixed_at=fixed or order.resolved_at or now,
        rule=rule or active_fee_rule(),
        fix_proven=fixed is not None,
    )


# Words by which a reply promises the citizen money back (退费, 核减热费, 免收本季热费, 补偿…).
_PROMISE_WORDS = (
    "退费", "退还", "返还", "核减", "减免", "减收", "免收", "退热费", "退款", "补偿", "赔偿",
)  # fmt: skip
# Promises beyond any day-by-day reduction: the whole season or the whole fee.
_WHOLE_FEE_WORDS = ("全季", "本季", "整季", "全部热费", "全额", "全年")
# "将退您30元热费", "退给您二十块": 退 with money close behind.
_GIVES_BACK = re.compile(r"退[^。；;，,！!？?]{0,8}?(?:元|块|热费)")
# Money as written in figures or in Chinese numerals (五百元, 二十块, 十五点五元).
_YUAN = re.compile(rf"(\d+(?:\.\d+)?|[{CHINESE_NUMERAL_CHARS}点]+)\s*(?:元|块)")


def reply_promises_reduction(text: str) -> bool:
    text = text or ""
    return any(word in text for word in _PROMISE_WORDS) or _GIVES_BACK.search(text) is not None


def promise_beyond_rule(text: str, amount_yuan: Decimal) -> str | None:
    """What a reply promising a reduction promises beyond ``amount_yuan`` (the rule's): an
    amount of money that is not it, or the whole season's fee; None when it keeps to it."""
    for written in _YUAN.findall(text or ""):
        value = parse_number(written)
        if value is not None and abs(Decimal(str(value)) - amount_yuan) >= Decimal("0.01"):
            return f"{written} 元"
    whole = next((word for word in _WHOLE_FEE_WORDS if word in (text or "")), None)
    return whole

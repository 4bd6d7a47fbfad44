"""Deadline calendar (design §4.3), visit verdicts and fee reduction (§4.4)."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from wennuan.workorders.choices import Category, Verdict
from wennuan.workorders.deadlines import add_business_minutes, compute_deadlines, is_working_day
from wennuan.workorders.models import DeadlinePolicy
from wennuan.workorders.rules import fee_reduction, visit_verdict

CN = ZoneInfo("Asia/Shanghai")


def test_chinese_holidays_and_make_up_working_days():
    assert not is_working_day(date(2026, 10, 1))  # National Day
    assert not is_working_day(date(2026, 2, 17))  # Spring Festival
    assert is_working_day(date(2026, 1, 4))  # Sunday worked in exchange (调休)
    assert not is_working_day(date(2026, 1, 3))  # an ordinary Saturday
    assert is_working_day(date(2026, 11, 27))


def test_business_minutes_skip_nights_weekends_and_holidays():
    friday_4pm = datetime(2026, 11, 27, 16, 0, tzinfo=CN)
    # 1.5 h left on Friday, the rest on Monday morning.
    assert add_business_minutes(friday_4pm, 120) == datetime(2026, 11, 30, 9, 0, tzinfo=CN)
    # Before the National Day week: the next working day is after the holiday.
    eve = datetime(2026, 9, 30, 17, 0, tzinfo=CN)
    assert add_business_minutes(eve, 60).date() == date(2026, 10, 8)
    # Saturday 10 Oct 2026 is a make-up working day.
    assert add_business_minutes(datetime(2026, 10, 9, 17, 0, tzinfo=CN), 60) == datetime(
        2026, 10, 10, 9, 0, tzinfo=CN
    )


def test_policy_defaults_are_seeded_and_editable(db, season):
    assert DeadlinePolicy.objects.count() == 9
    start = datetime.now(tz=CN)
    leak = compute_deadlines(Category.LEAK, start)
    assert leak.sign - start == timedelta(minutes=30)
    assert leak.onsite - start == timedelta(hours=2)
    DeadlinePolicy.objects.filter(category=Category.LEAK).update(sign_minutes=15)
    assert compute_deadlines(Category.LEAK, start).sign - start == timedelta(minutes=15)


def test_heating_critical_categories_use_business_calendar_out_of_season(db):
    saturday = datetime(2026, 7, 4, 10, 0, tzinfo=CN)
    leak = compute_deadlines(Category.LEAK, saturday)
    assert leak.sign == datetime(2026, 7, 6, 9, 0, tzinfo=CN)


def test_verdict_rules():
    ok = dict(not_home=False, access_refused=False, conditions_met=True, causes=[])
    readings = [("living", 19.0), ("bedroom", 18.2), ("other", 12.0)]
    assert visit_verdict(**ok, readings=readings, standard_c=18) == (Verdict.COMPLIANT, 18.2)
    assert visit_verdict(**ok, readings=[("bedroom", 17.0)], standard_c=18)[0] == (
        Verdict.NON_COMPLIANT
    )
    window = {**ok, "causes": ["window_open"]}
    assert visit_verdict(**window, readings=[("living", 18.7)], standard_c=18)[0] == (
        Verdict.INVALID
    )
    sloppy = {**ok, "conditions_met": False}
    assert visit_verdict(**sloppy, readings=readings, standard_c=18)[0] == Verdict.INVALID
    away = {**ok, "not_home": True}
    assert visit_verdict(**away, readings=[], standard_c=18) == (Verdict.NOT_HOME, None)


@pytest.mark.parametrize(
    "shortfall, ratio", [(0.0, 0.0), (1.5, 0.4), (2.0, 0.6), (3.9, 0.6), (4.0, 1.0), (7, 1.0)]
)
def test_fee_reduction_ratio_bands(shortfall, ratio):
    start = datetime(2026, 12, 1, 8, tzinfo=CN)
    result = fee_reduction(
        season_tariff_yuan_m2=Decimal("22.00"),
        season_days=121,
        area_m2=100,
        shortfall_k=shortfall,
        reported_at=start,
        fixed_at=start + timedelta(days=3, hours=2),
    )
    assert result.ratio == ratio
    assert result.days == 4
    assert result.amount_yuan == (Decimal("0.1818") * 100 * 4 * Decimal(str(ratio))).quantize(
        Decimal("0.01")
    )


def test_no_fee_reduction_when_fixed_within_a_day():
    start = datetime(2026, 12, 1, 8, tzinfo=CN)
    result = fee_reduction(
        season_tariff_yuan_m2=Decimal("22"),
        season_days=121,
        area_m2=100,
        shortfall_k=5,
        reported_at=start,
        fixed_at=start + timedelta(hours=20),
    )
    assert result.amount_yuan == 0

"""Issue 16.9: a non-compliant visit answered within hours computed 0.00 元 while the reply
promised a reduction. The rule (design §4.4, docs/workorders.md): only a later compliant
measurement is a fix; a reply is not, so the days run from the report to the reply (at least
one). A reply may promise a reduction only when the rule gives one."""

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from wennuan.workorders import actions
from wennuan.workorders.rules import order_fee_reduction

from .fixtures import good_visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def visited(make_order, personas):
    order = actions.do_accept(make_order(), personas["dispatcher"])
    return actions.do_assign(order, personas["dispatcher"], personas["technician"])


def test_a_reply_is_not_a_fix_the_reduction_is_at_least_a_day(visited, personas, season):
    good_visit(visited, personas["technician"], temp=15.0, home_area_m2=100.0)
    visited.refresh_from_db()
    later = timezone.now() + timedelta(hours=3)
    replied = actions.do_reply(
        visited, personas["dispatcher"], "经测温室温未达标，已调节管网，按规定核减热费。", now=later
    )
    fee = order_fee_reduction(replied, later + timedelta(days=5))
    # 3 K short: 60 %; one day of 22.00 元/m² over the 121-day season on 100 m².
    assert fee.days == 1 and fee.ratio == 0.6
    assert fee.amount_yuan > 0
    days = (season.end_date - season.start_date).days + 1
    assert str(fee.amount_yuan) == f"{round(22 / days, 4) * 100 * 0.6:.2f}"


def test_a_compliant_re_measurement_within_a_day_is_the_fix(visited, personas):
    good_visit(visited, personas["technician"], temp=15.0, home_area_m2=100.0)
    good_visit(visited, personas["technician"], temp=20.0, home_area_m2=100.0,
               visited_at=timezone.now() + timedelta(hours=5))  # fmt: skip
    visited.refresh_from_db()
    fee = order_fee_reduction(visited, timezone.now() + timedelta(days=3))
    assert fee.days == 0 and fee.amount_yuan == 0


def test_a_reply_cannot_promise_a_reduction_the_rule_does_not_give(visited, personas):
    good_visit(visited, personas["technician"], temp=21.0, home_area_m2=100.0)
    visited.refresh_from_db()
    with pytest.raises(actions.ActionError) as refused:
        actions.do_reply(visited, personas["dispatcher"], "室温已达标，按规定退费。")
    assert refused.value.field == "reply" and "不能承诺退费" in refused.value.message
    # Without the promise the same reply goes through.
    actions.do_reply(visited, personas["dispatcher"], "室温已达标，已向住户说明。")


def test_the_order_page_shows_the_amount_the_reply_promised(client, visited, personas):
    good_visit(visited, personas["technician"], temp=15.0, home_area_m2=100.0)
    visited.refresh_from_db()
    actions.do_reply(visited, personas["dispatcher"], "未达标，按规定核减热费。")
    client.force_login(personas["supervisor"])
    page = client.get(f"/console/orders/{visited.number}/").content.decode()
    assert "应退热费" in page and "（1 天 × 100.0 m²" in page
    assert "0.00 元" not in page
    # In English the whole line is English (it stayed Chinese: the template wrote 元 and 天).
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(f"/console/orders/{visited.number}/").content.decode()
    fee_line = page.split('class="fee">')[1].split("</dd>")[0]
    assert "(1 d × 100.0 m²" in fee_line and not re.search(r"[\u4e00-\u9fff]", fee_line)


@pytest.mark.parametrize(
    "promise",
    [
        "已为您退还全季热费2000元。",
        "按规定为您核减热费200元。",
        "本季热费免收。",
        "补偿您200元。",
        "给您造成不便，补偿五百元。",  # amounts in Chinese numerals (the outsider's re-check)
        "应退热费二十元。",
    ],
)
def test_a_reply_cannot_promise_more_than_the_rule_gives(visited, personas, promise):
    """An outsider's walk: with 10.42 元 due, "退还全季热费2000元", "核减热费200元" and
    "免收本季热费" were accepted and published; with nothing due, "免收" and "补偿" passed."""
    good_visit(visited, personas["technician"], temp=15.0, home_area_m2=100.0)
    visited.refresh_from_db()
    later = timezone.now() + timedelta(hours=3)
    due = order_fee_reduction(visited, later).amount_yuan
    with pytest.raises(actions.ActionError) as refused:
        actions.do_reply(visited, personas["dispatcher"], f"室温未达标。{promise}", now=later)
    assert refused.value.field == "reply" and f"应退 {due} 元" in refused.value.message
    # The rule's own amount may be promised.
    actions.do_reply(
        visited, personas["dispatcher"], f"室温未达标，按规定退还热费{due}元。", now=later
    )


@pytest.mark.parametrize("promise", ["本季热费免收。", "补偿您200元。", "将退您30元热费。"])
def test_other_words_of_promise_are_refused_when_the_rule_gives_nothing(visited, personas, promise):
    good_visit(visited, personas["technician"], temp=21.0, home_area_m2=100.0)
    visited.refresh_from_db()
    with pytest.raises(actions.ActionError, match="不能承诺退费"):
        actions.do_reply(visited, personas["dispatcher"], f"室温已达标。{promise}")


def test_a_billing_complaints_refund_is_not_the_temperature_rules(make_order, personas):
    """The fee-reduction rule speaks for temperature complaints; refunding an overcharge
    answers a billing complaint and is not refused by it."""
    order = actions.do_accept(make_order(category="billing"), personas["dispatcher"])
    order = actions.do_reply(
        order, personas["dispatcher"], "经核实多收热费150元，已退还至缴费账户。"
    )
    assert order.state == "resolved"

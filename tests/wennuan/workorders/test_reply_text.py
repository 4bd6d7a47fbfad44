"""What a reply may carry to the citizen's text message and the public page (an outsider's
walk): no placeholder of any template, ASCII or full-width, known or not; no endless text."""

import pytest
from django.utils import timezone

from wennuan.workorders import actions
from wennuan.workorders.models import ReplyTemplate
from wennuan.workorders.reply_templates import fill_template

from .fixtures import good_visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def visited(make_order, personas):
    order = actions.do_accept(make_order(), personas["dispatcher"])
    order = actions.do_assign(order, personas["dispatcher"], personas["technician"])
    good_visit(order, personas["technician"], temp=19.0)
    order.refresh_from_db()
    return order


@pytest.mark.parametrize("left", ["{小区}", "{community}", "｛小区｝", "{住户}"])
def test_a_reply_with_a_placeholder_left_is_refused(visited, personas, left):
    with pytest.raises(actions.ActionError) as refused:
        actions.do_reply(visited, personas["dispatcher"], f"您好{left}，已处理。")
    assert refused.value.code == "placeholder" and left in refused.value.message


def test_an_endless_reply_is_refused(visited, personas):
    with pytest.raises(actions.ActionError) as refused:
        actions.do_reply(visited, personas["dispatcher"], "热" * 5000)
    assert refused.value.code == "too_long"


def test_a_template_names_only_the_placeholders_that_are_filled(small_city):
    template = ReplyTemplate(title="t", text="{住户}您好，{小区}已修复。")
    with pytest.raises(Exception) as refused:
        template.full_clean()
    assert "{住户}" in str(refused.value)
    ReplyTemplate(title="t", text="{小区}{日期}{室温}已修复。").full_clean()


def test_room_temperature_of_a_template_is_measured_never_the_stated(make_order, personas):
    order = make_order()
    order.stated_temp_c = 16.0
    assert "{室温}" in fill_template("室温{室温}", order, timezone.now())

"""Issue 16.4: every form error names the field by the label the user sees, in their
language — never the internal name ("caller_name 填写不正确")."""

import re

import pytest

from wennuan.lib.fielderrors import FIELD_LABELS, labelled
from wennuan.workorders.intake import clean_intake

INTERNAL_NAMES = re.compile(
    r"\b(caller_name|building|unit|room|stated_temp_c|phone|until|deadline)\b"
)


def test_labelled_leads_with_the_label_once():
    assert labelled("caller_name", "最多 40 个字") == "来电人：最多 40 个字"
    assert labelled("phone", "请填写联系电话") == "请填写联系电话"  # already says which
    assert labelled("nonexistent", "出错了") == "出错了"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "value", "label"),
    [
        ("caller_name", "王" * 41, "来电人"),
        ("building", "1" * 11, "楼号"),
        ("unit", "1" * 11, "单元"),
        ("room", "1" * 11, "户号"),
        ("room", 501, "户号"),
    ],  # fmt: skip
)
def test_intake_errors_use_labels(small_city, name, value, label):
    result = clean_intake(
        {"text": "暖气不热", "phone": "13953012345", "channel": "web", name: value}
    )
    [(field, _code, message)] = result.errors
    assert field == name and message.startswith(f"{label}：")
    assert not INTERNAL_NAMES.search(message)


def test_the_operators_form_names_the_caller_field(client, personas, season):
    client.force_login(personas["operator"])
    page = client.post(
        "/console/orders/new/",
        {
            "text": "暖气不热",
            "phone": "13953012345",
            "channel": "12319",
            "caller_name": "张" * 41,
        },  # fmt: skip
    ).content.decode()
    assert "来电人：最多 40 个字" in page and "caller_name 填写不正确" not in page


def test_the_public_form_names_the_room_field(client, season, small_city):
    page = client.post(
        "/complaint/",
        {"text": "暖气不热", "phone": "13953012345", "community": "金鼎小区", "room": "5" * 11},
    ).content.decode()
    assert "户号：最多 10 个字" in page


def test_an_order_action_error_names_the_field(client, make_order, personas):
    order = make_order()
    client.force_login(personas["supervisor"])
    page = client.post(
        f"/console/orders/{order.number}/act/supervise/",
        {"deadline": "明天下午", "reason": "催促"},
    ).content.decode()
    assert f"{FIELD_LABELS['deadline']}：时间格式不正确" in page

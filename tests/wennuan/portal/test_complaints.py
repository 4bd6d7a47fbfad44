"""Citizens: complaint form (no login, validated phone, rate limit), lookup, masked replies."""

from django.utils import timezone

from wennuan.workorders import actions
from wennuan.workorders.choices import State
from wennuan.workorders.masking import mask_name, mask_phone
from wennuan.workorders.models import Event, WorkOrder

FORM = {
    "text": "暖气不热，屋里16度",
    "phone": "13953012345",
    "caller_name": "王大明",
    "community": "金鼎小区",
    "building": "2",
    "unit": "1",
    "room": "302",
}


def test_citizen_submits_and_gets_a_number(client, season, small_city):
    response = client.post("/complaint/", FORM)
    assert response.status_code == 200
    order = WorkOrder.objects.get()
    assert order.number in response.content.decode()
    assert order.state == State.DISPATCHED and order.company == small_city.south
    assert order.channel == "web"
    assert order.events.first().actor_label == "市民（网站）"
    # What happens next: the visit and the answer, by when, in the caller's local time.
    page = response.content.decode()
    onsite = timezone.localtime(order.onsite_deadline)
    resolve = timezone.localtime(order.resolve_deadline)
    assert f"维修人员将于 {onsite.month}月{onsite.day}日 {onsite:%H:%M} 前上门测温" in page
    assert f"{resolve.month}月{resolve.day}日 {resolve:%H:%M} 前给您答复" in page
    assert 'href="tel:05305550002"' in page  # the company's 24-hour line, one tap away


def test_bad_phone_and_unknown_community_change_nothing(client, season):
    response = client.post("/complaint/", {**FORM, "phone": "1395301", "community": "火星小区"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "联系电话格式不正确" in page and "没有找到小区" in page
    assert client.post("/complaint/", {**FORM, "phone": ""}).status_code == 400
    assert WorkOrder.objects.count() == 0 and Event.objects.count() == 0


def test_rate_limit_per_phone_and_per_home(client, season):
    # Each a new complaint (the same words again are the first one, sent twice).
    for index in range(3):
        assert (
            client.post(
                "/complaint/", {**FORM, "text": f"{FORM['text']}（第{index}次）"}
            ).status_code
            == 200
        )
    response = client.post("/complaint/", {**FORM, "text": FORM["text"] + "，还是不热"})
    assert response.status_code == 429 and "提交过于频繁" in response.content.decode()
    for index in range(2):
        client.post("/complaint/", {**FORM, "phone": f"1385301000{index}"})
    response = client.post("/complaint/", {**FORM, "phone": "13853010009"})
    assert response.status_code == 429
    assert WorkOrder.objects.count() == 5


def test_lookup_needs_number_and_last_four_digits(client, make_order):
    order = make_order()
    good = client.get("/lookup/", {"number": order.number, "last4": "1111"})
    assert good.status_code == 200 and "派单" in good.content.decode()
    wrong = client.get("/lookup/", {"number": order.number, "last4": "0000"})
    missing = client.get("/lookup/", {"number": "GN2000010100001", "last4": "1111"})
    assert wrong.status_code == missing.status_code == 404
    assert wrong.content.decode().count("没有找到该工单") == 1
    assert "13853011111" not in good.content.decode()


def test_replies_are_masked(client, make_order, personas):
    order = actions.do_accept(make_order(category="leak"), personas["dispatcher"])
    order = actions.do_reply(order, personas["dispatcher"], "漏点已修复")
    assert "漏点已修复" not in client.get("/replies/").content.decode()  # not yet reviewed
    actions.do_publish_reply(order, personas["supervisor"])
    page = client.get("/replies/").content.decode()
    assert "漏点已修复" in page and "剑桥学府" in page
    # The caller's phone is not shown: its last four digits are the key of the look-up.
    assert "王*" in page and "1111" not in page
    assert "13853011111" not in page and "王小明" not in page and "501" not in page


def test_masks():
    assert mask_name("王小明") == "王*"
    assert mask_phone("13812341234") == "138****1234"
    assert mask_phone("") == "****"


def test_lookup_shows_the_home_visits_and_when_the_answer_is_due(client, make_order, personas):
    order = make_order()
    order = actions.do_accept(order, personas["dispatcher"])
    order = actions.do_assign(order, personas["dispatcher"], personas["technician"])
    visit = actions.do_record_visit(
        order,
        personas["technician"],
        readings=[("客厅", "living", 17.4), ("主卧", "bedroom", 16.9)],
        closed_30_min=True,
        centre_height_ok=True,
        read_after_10_min=True,
        outdoor_temp_c=-2.0,
    )
    order = visit.order
    page = client.get("/lookup/", {"number": order.number, "last4": "1111"}).content.decode()
    when = timezone.localtime(visit.visited_at)
    due = timezone.localtime(order.resolve_deadline)
    assert f"入户 {when.month}月{when.day}日 {when:%H:%M}" in page
    assert "不达标（最低室温 16.9 °C）" in page
    assert f"答复时限</dt><dd>{due.month}月{due.day}日 {due:%H:%M}" in page
    # Once answered, the answer replaces the deadline.
    order = actions.do_reply(order, personas["dispatcher"], "已调节管网，复测室温达标。")
    page = client.get("/lookup/", {"number": order.number, "last4": "1111"}).content.decode()
    assert "已调节管网" in page and "答复时限" not in page

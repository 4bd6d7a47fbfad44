"""Issue 16 item 1: a reply reaches /replies/ only masked and after a reviewer publishes it;
publishing and withdrawing (撤回答复) are audited work-order actions."""

import pytest

from wennuan.registry.models import City
from wennuan.workorders import actions
from wennuan.workorders.access import may_act
from wennuan.workorders.models import Event

from .fixtures import good_visit

# What a dispatcher really types: a name, a mobile, a landline, an ID number and a room.
TYPED = (
    "已电话联系张桂兰（13705305678，家中座机0530-6692571），身份证372901198805051234已核对，"
    "告知9号楼1单元1101室暖气片存气已排除。"
)
PRIVATE = ["张桂兰", "桂兰", "13705305678", "0530567", "6692571", "372901198805051234", "1101"]


def _replied_order(make_order, personas, text=TYPED):
    order = actions.do_accept(make_order(), personas["dispatcher"])
    order = actions.do_assign(order, personas["dispatcher"], personas["technician"])
    good_visit(order, personas["technician"])
    order.refresh_from_db()
    return actions.do_reply(order, personas["dispatcher"], text)


def _public_pages(client) -> str:
    client.logout()
    # Every channel the public reads: the web, the feed and Open311's list and detail (JSON, XML).
    urls = ["/replies/", "/feed.atom"] + [
        f"/open311/v2/{path}.{fmt}"
        for path in ("requests", *_numbers(client))
        for fmt in ("json", "xml")
    ]
    return "".join(client.get(url).content.decode() for url in urls)


def _numbers(client) -> list[str]:
    return [
        f"requests/{r['service_request_id']}"
        for r in client.get("/open311/v2/requests.json").json()
    ]


def test_reviewer_publishes_the_masked_reply_and_withdraws_it(client, make_order, personas):
    order = _replied_order(make_order, personas)
    assert not order.is_published and "暖气片存气" not in _public_pages(client)

    # Only the bureau's reviewer is offered the publication, with the masked preview.
    for name in ("dispatcher", "technician", "operator", "bureau_operator", "south_dispatcher"):
        client.force_login(personas[name])
        response = client.post(f"/console/orders/{order.number}/act/publish_reply/")
        assert response.status_code in (403, 404), name
    client.force_login(personas["supervisor"])
    queue = client.get("/console/orders/", {"review": "1"}).content.decode()
    assert order.number in queue and "待审核答复" in queue
    detail = client.get(f"/console/orders/{order.number}/").content.decode()
    preview = detail.split('class="masked-preview">')[1].split("</blockquote>")[0]
    assert "张*（137****5678，家中座机0530-****571）" in preview
    assert not any(piece in preview for piece in PRIVATE)
    response = client.post(f"/console/orders/{order.number}/act/publish_reply/")
    assert response.status_code == 302
    client.force_login(personas["supervisor"])
    assert order.number not in client.get("/console/orders/", {"review": "1"}).content.decode()

    public = _public_pages(client)
    assert "暖气片存气已排除" in public and "张*" in public and "137****5678" in public
    assert "0530-****571" in public and "王*" in public  # the caller in the header
    assert not any(piece in public for piece in PRIVATE + ["王小明", "13853011111", "501"])

    # Withdrawing needs a reason; the typed reason is kept on the error page.
    client.force_login(personas["supervisor"])
    response = client.post(f"/console/orders/{order.number}/act/withdraw_reply/", {"reason": ""})
    assert response.status_code == 400 and "请填写理由" in response.content.decode()
    response = client.post(
        f"/console/orders/{order.number}/act/withdraw_reply/", {"reason": "答复含住户信息"}
    )
    assert response.status_code == 302
    assert "暖气片存气已排除" not in _public_pages(client)
    audit = Event.objects.filter(order=order, action__in=["publish_reply", "withdraw_reply"])
    assert [(e.action, e.actor_id, e.reason) for e in audit] == [
        ("publish_reply", personas["supervisor"].pk, ""),
        ("withdraw_reply", personas["supervisor"].pk, "答复含住户信息"),
    ]
    assert all(e.from_state == e.to_state == "resolved" for e in audit)
    client.force_login(personas["supervisor"])
    history = client.get(f"/console/orders/{order.number}/").content.decode()
    assert "撤回答复" in history and "公开答复" in history


def test_publication_refuses_twice_and_unreplied_orders(make_order, personas):
    supervisor = personas["supervisor"]
    open_order = make_order()
    assert not may_act(personas["dispatcher"], "publish_reply", open_order)
    with pytest.raises(actions.ActionError):
        actions.do_publish_reply(open_order, supervisor)
    order = _replied_order(make_order, personas, text="已排气，室温恢复。")
    order = actions.do_publish_reply(order, supervisor)
    with pytest.raises(actions.ActionError):
        actions.do_publish_reply(order, supervisor)
    order = actions.do_withdraw_reply(order, supervisor, "重新审核")
    with pytest.raises(actions.ActionError):
        actions.do_withdraw_reply(order, supervisor, "重新审核")


def test_a_city_without_review_publishes_at_once_still_masked(client, make_order, personas):
    City.objects.update(review_publications=False)
    order = _replied_order(make_order, personas)
    assert order.is_published
    public = _public_pages(client)
    assert "暖气片存气已排除" in public
    assert not any(piece in public for piece in PRIVATE)


def test_a_duplicate_callers_lookup_shows_the_master_reply_masked(client, make_order, personas):
    master = _replied_order(make_order, personas)
    duplicate = make_order(phone="13953012222", caller_name="赵大海")
    actions.do_merge(duplicate, personas["bureau_operator"], master, "同一楼栋重复来电")
    page = client.get("/lookup/", {"number": duplicate.number, "last4": "2222"})
    text = page.content.decode()
    assert page.status_code == 200 and "暖气片存气已排除" in text
    assert not any(piece in text for piece in PRIVATE)


def test_the_callers_own_mobile_never_shows_its_last_four_digits(client, make_order, personas):
    """An outsider joined /replies/ (surname + 138****1111) with Open311 (order number) and
    opened /lookup/ with the last four digits: the caller's own number, the look-up key, is
    shown without them wherever the public reads the order."""
    phone = "13912347654"
    typed = f"已电话联系王先生（{phone}），暖气片存气已排除。"
    order = _replied_order(lambda: make_order(phone=phone), personas, text=typed)
    actions.do_publish_reply(order, personas["supervisor"])
    public = _public_pages(client)
    assert "暖气片存气已排除" in public and "139********" in public
    assert "7654" not in public

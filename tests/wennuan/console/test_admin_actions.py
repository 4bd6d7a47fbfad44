"""Admin actions of the work-order loop, driven through the admin changelists."""

from wennuan.api.models import ApiClient
from wennuan.workorders import actions
from wennuan.workorders.models import WorkOrder


def test_admin_withdraws_and_republishes_a_reply(client, make_order, personas):
    order = make_order(category="consult", text="请问几号开始供暖")
    actions.do_resolve_immediately(order, personas["bureau_operator"], "11月15日开始供暖。")
    assert "11月15日开始供暖" not in client.get("/replies/").content.decode()  # under review
    client.force_login(personas["admin"])
    changelist = "/admin/workorders/workorder/"
    client.post(changelist, {"action": "publish_replies", "_selected_action": [order.pk]})
    assert client.get("/replies/").content.decode().count("11月15日开始供暖") == 1
    response = client.post(
        changelist, {"action": "unpublish_replies", "_selected_action": [order.pk]}, follow=True
    )
    assert "已撤回 1 条公开答复" in response.content.decode()
    assert not WorkOrder.objects.get(pk=order.pk).is_published
    assert "11月15日开始供暖" not in client.get("/replies/").content.decode()
    client.post(changelist, {"action": "publish_replies", "_selected_action": [order.pk]})
    assert WorkOrder.objects.get(pk=order.pk).is_published
    # Each publication and withdrawal is audited on the order's history.
    audit = list(order.events.filter(action__in=["publish_reply", "withdraw_reply"]))
    assert [e.action for e in audit] == ["publish_reply", "withdraw_reply", "publish_reply"]
    assert audit[1].reason and all(e.actor_id == personas["admin"].pk for e in audit)
    # The order itself stays read-only in the admin.
    assert client.get(f"{changelist}{order.pk}/change/").status_code in (200, 403)
    assert client.post(f"{changelist}{order.pk}/change/", {"state": "closed"}).status_code == 403
    assert WorkOrder.objects.get(pk=order.pk).state == order.state


def test_admin_deactivates_an_api_client(client, personas):
    api_client, token = ApiClient.issue("12345平台")
    client.force_login(personas["admin"])
    client.post(
        "/admin/api/apiclient/",
        {"action": "deactivate_clients", "_selected_action": [api_client.pk]},
    )
    assert not ApiClient.objects.get(pk=api_client.pk).is_active
    response = client.get("/api/v1/workorders/GN1", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 401


def test_supervisor_has_no_configuration_admin(client, personas):
    client.force_login(personas["supervisor"])
    assert client.get("/admin/workorders/feereductionrule/").status_code in (302, 403)

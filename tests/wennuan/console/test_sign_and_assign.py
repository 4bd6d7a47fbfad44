"""The dispatcher signs for and assigns an order in one step; a wrong technician undoes both."""

from wennuan.workorders.choices import State


def test_sign_and_assign_in_one_step(client, make_order, personas):
    order = make_order()
    client.force_login(personas["dispatcher"])
    page = client.get(f"/console/orders/{order.number}/").content.decode()
    accept_form = page.split('data-action="accept"')[1].split("</form>")[0]
    assert "只签收，稍后指派" in accept_form and "technician" in accept_form
    response = client.post(
        f"/console/orders/{order.number}/act/accept/",
        {"expected_state": "dispatched", "technician": personas["technician"].pk},
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.state == State.IN_PROGRESS and order.assignee == personas["technician"]
    assert [e.action for e in order.events.all()][-2:] == ["accept", "assign"]


def test_a_technician_of_another_company_undoes_the_signing_too(client, make_order, personas):
    order = make_order()
    client.force_login(personas["dispatcher"])
    response = client.post(
        f"/console/orders/{order.number}/act/accept/",
        {"expected_state": "dispatched", "technician": personas["south_dispatcher"].pk},
    )
    assert response.status_code == 400
    assert "请选择本公司的维修人员" in response.content.decode()
    order.refresh_from_db()
    assert order.state == State.DISPATCHED and order.assignee is None


def test_signing_alone_still_works(client, make_order, personas):
    order = make_order()
    client.force_login(personas["dispatcher"])
    response = client.post(
        f"/console/orders/{order.number}/act/accept/", {"expected_state": "dispatched"}
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.state == State.ACCEPTED and order.assignee is None

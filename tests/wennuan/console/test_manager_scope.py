"""A community manager reads the orders of their own communities only (design §2)."""

from wennuan.registry.models import Manager
from wennuan.workorders.models import ManagerAccount


def test_manager_sees_own_communities_only(client, personas, make_order, small_city):
    north = small_city.north
    own = make_order("剑桥学府", phone="13853010021")
    # Another north community with another manager, and a south one.
    other_manager = Manager.objects.create(name="赵强", phone="13853010009", company=north)
    jindun = small_city.communities["金盾小区"]
    jindun.manager = other_manager
    jindun.save()
    not_mine = make_order("金盾小区", phone="13853010022")
    south = make_order("金鼎小区", phone="13853010023")
    user = personas["community_manager"]
    client.force_login(user)

    # Not linked to a register entry yet: no orders at all.
    listing = client.get("/console/orders/").content.decode()
    assert own.number not in listing and not_mine.number not in listing
    assert client.get(f"/console/orders/{own.number}/").status_code == 404

    ManagerAccount.objects.create(user=user, manager=own.community.manager)
    listing = client.get("/console/orders/").content.decode()
    assert own.number in listing
    assert not_mine.number not in listing and south.number not in listing
    assert client.get(f"/console/orders/{own.number}/").status_code == 200
    assert client.get(f"/console/orders/{not_mine.number}/").status_code == 404
    assert client.get(f"/console/orders/{south.number}/").status_code == 404
    # Reading only: no action.
    response = client.post(f"/console/orders/{own.number}/act/accept/", {})
    assert response.status_code in (403, 409)
    own.refresh_from_db()
    assert own.state == "dispatched"

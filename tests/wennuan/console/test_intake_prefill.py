"""Live prefill of the operator's intake form from the caller's words (HTMX)."""

from wennuan.workorders import actions


def prefill(client, **fields):
    data = {"text": "", "phone": "", "community": "", "category": "", "channel": "12319"}
    data.update(fields)
    return client.post("/console/orders/new/prefill/", data, HTTP_HX_REQUEST="true")


def test_prefill_fills_empty_fields_and_keeps_typed_ones(client, personas, season):
    client.force_login(personas["bureau_operator"])
    page = client.get("/console/orders/new/").content.decode()
    assert 'hx-post="/console/orders/new/prefill/"' in page

    response = prefill(client, text="剑桥学府3号楼2单元501暖气不热，屋里才16度，电话13853011111")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="community" value="剑桥学府" class="prefilled"' in html
    assert 'name="building" value="3"' in html and 'name="room" value="501"' in html
    assert 'name="stated_temp_c" value="16" class="prefilled"' in html
    assert 'value="13853011111" class="prefilled"' in html
    assert '<option value="not_warm" selected>' in html
    assert "北城热力" in html and "张伟" in html  # the company and the manager to tell the caller
    assert "<html" not in html  # a fragment, not a page

    # What the operator typed stays as typed.
    html = prefill(
        client, text="剑桥学府3号楼2单元501暖气不热", community="金盾小区", category="leak"
    ).content.decode()
    assert 'name="community" value="金盾小区">' in html
    assert '<option value="leak" selected>' in html


def test_prefill_offers_merging_with_an_open_order_of_the_same_home(
    client, personas, make_order, season
):
    open_order = make_order()
    client.force_login(personas["bureau_operator"])
    html = prefill(client, text="剑桥学府3号楼2单元501又不热了").content.decode()
    assert f'value="{open_order.number}"' in html and "重复件" in html
    actions.do_accept(open_order, personas["dispatcher"])


def test_prefill_is_for_intake_staff_only(client, personas, season):
    for persona in ("dispatcher", "technician", "community_manager", "outsider"):
        client.force_login(personas[persona])
        assert prefill(client, text="剑桥学府暖气不热").status_code == 403
    client.logout()
    assert prefill(client, text="剑桥学府暖气不热").status_code == 302
    client.force_login(personas["bureau_operator"])
    assert client.get("/console/orders/new/prefill/").status_code == 403

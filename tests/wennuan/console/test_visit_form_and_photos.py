"""Issue 16 items 4–5: the visit form keeps everything on an error and names the field,
accepts "16,5"; the visit photo is shown to staff who may see the order, never publicly."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from wennuan.workorders import actions

# A 1×1 PNG (a whole one: the photo check refuses one with a bad checksum).
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63f8cfc0f01f00050001ff89993d1d"
    "0000000049454e44ae426082"
)


@pytest.fixture
def assigned(make_order, personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    order = actions.do_accept(make_order(), personas["dispatcher"])
    return actions.do_assign(order, personas["dispatcher"], personas["technician"])


def visit_form(**overrides):
    form = {
        "closed_30_min": "on",
        "read_after_10_min": "on",
        "room_0": "客厅",
        "kind_0": "living",
        "temp_0": "16,5",
        "room_1": "主卧",
        "kind_1": "bedroom",
        "temp_1": "abc",
        "outdoor_temp_c": "-1,5",
        "causes": ["radiator_air_lock", "valve_closed"],
        "actions_taken": "排气后复测",
        "rectification": "业主自行打开阀门",
        "home_area_m2": "96,4",
        "resident_confirmed": "on",
    }
    form.update(overrides)
    return form


def test_every_field_that_is_not_a_number_is_named_at_once(client, assigned, personas):
    """An outsider's technician had to submit once per bad field: only the first was named."""
    client.force_login(personas["technician"])
    response = client.post(
        f"/console/orders/{assigned.number}/visit/",
        visit_form(temp_0="十六", outdoor_temp_c="冷", home_area_m2="九十"),
    )
    page = response.content.decode()
    assert response.status_code == 400
    for named in ("室温 1（客厅）：“十六” 不是数字", "室温 2（主卧）：“abc” 不是数字",
                  "“冷” 不是数字", "“九十” 不是数字"):  # fmt: skip
        assert named in page, named
    assert 'value="十六"' in page and 'value="九十"' in page and not assigned.visits.exists()


def test_an_error_keeps_every_input_and_names_the_field(client, assigned, personas):
    client.force_login(personas["technician"])
    photo = SimpleUploadedFile("room.png", PNG, content_type="image/png")
    response = client.post(
        f"/console/orders/{assigned.number}/visit/", {**visit_form(), "photo": photo}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "室温 2（主卧）" in page and "“abc” 不是数字" in page
    for kept in ('value="16,5"', 'value="abc"', 'value="-1,5"', 'value="96,4"', "排气后复测",
                 "业主自行打开阀门"):  # fmt: skip
        assert kept in page, kept
    assert 'name="closed_30_min" checked' in page and 'name="resident_confirmed" checked' in page
    assert 'name="centre_height_ok">' in page  # the box left empty stays empty
    assert 'value="radiator_air_lock" checked' in page and 'value="valve_closed" checked' in page
    assert 'name="pending_photo"' in page  # the photo is kept, not to be taken again
    assert not assigned.visits.exists()

    # Corrected: "16,5" is 16.5, and the kept photo is saved with the visit.
    token = page.split('name="pending_photo" value="')[1].split('"')[0]
    response = client.post(
        f"/console/orders/{assigned.number}/visit/",
        visit_form(temp_1="17", centre_height_ok="on", pending_photo=token),
    )
    assert response.status_code == 302
    assert response["Location"] == f"/console/orders/{assigned.number}/"
    visit = assigned.visits.get()
    assert visit.lowest_reading_c == 16.5 and visit.home_area_m2 == 96.4
    assert visit.outdoor_temp_c == -1.5 and visit.photo.read() == PNG


def test_a_pending_photo_of_another_order_or_user_is_ignored(client, assigned, personas):
    client.force_login(personas["technician"])
    response = client.post(
        f"/console/orders/{assigned.number}/visit/",
        visit_form(temp_1="17", pending_photo=f"999-{personas['technician'].pk}-x.png"),
    )
    assert response.status_code == 302
    assert not assigned.visits.get().photo


def test_visit_photo_is_shown_to_staff_who_may_see_the_order_only(client, assigned, personas):
    actions.do_record_visit(
        assigned,
        personas["technician"],
        readings=[("客厅", "living", 16.0)],
        causes=["hydraulic_imbalance"],
        photo=SimpleUploadedFile("room.png", PNG, content_type="image/png"),
    )
    visit = assigned.visits.get()
    url = f"/console/orders/{assigned.number}/visits/{visit.pk}/photo/"
    client.force_login(personas["dispatcher"])
    page = client.get(f"/console/orders/{assigned.number}/").content.decode()
    assert f'src="{url}"' in page
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == PNG
    assert "private" in response["Cache-Control"]

    client.force_login(personas["south_dispatcher"])  # another company's desk
    assert client.get(url).status_code in (403, 404)
    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and "/login/" in response["Location"]
    # The public lookup never links the photo.
    last4 = assigned.phone[-4:]
    public = client.get("/lookup/", {"number": assigned.number, "last4": last4})
    assert "/photo/" not in public.content.decode()

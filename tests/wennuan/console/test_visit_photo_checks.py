"""Issue 16.6: a file that is not a whole photo (not an image, a truncated JPEG, an SVG) is
refused as a visit photo with a clear message; everything else typed is kept."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from wennuan.workorders import actions

from .test_visit_form_and_photos import visit_form


@pytest.fixture
def assigned(make_order, personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    order = actions.do_accept(make_order(), personas["dispatcher"])
    return actions.do_assign(order, personas["dispatcher"], personas["technician"])


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 80, 40)).save(buffer, "JPEG")
    return buffer.getvalue()


SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.jpg", "这不是照片".encode() * 50, "不是图片文件或已损坏"),
        ("cut.jpg", _jpeg()[:300], "图片文件不完整或已损坏"),
        ("drawing.svg", SVG, "不是图片文件或已损坏"),
    ],
)
def test_a_broken_image_is_refused_and_the_rest_kept(
    client, assigned, personas, name, content, message
):
    client.force_login(personas["technician"])
    photo = SimpleUploadedFile(name, content, content_type="image/jpeg")
    response = client.post(
        f"/console/orders/{assigned.number}/visit/",
        {**visit_form(temp_1="17", centre_height_ok="on"), "photo": photo},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert f"照片：{message}" in page
    assert 'value="16,5"' in page and "排气后复测" in page  # the rest is kept
    assert 'name="pending_photo"' not in page  # the broken file is not kept
    assert not assigned.visits.exists()


def test_a_whole_jpeg_named_png_is_kept_as_the_jpeg_it_is(client, assigned, personas):
    client.force_login(personas["technician"])
    photo = SimpleUploadedFile("room.png", _jpeg(), content_type="image/png")
    response = client.post(
        f"/console/orders/{assigned.number}/visit/",
        {**visit_form(temp_1="17", centre_height_ok="on"), "photo": photo},
    )
    assert response.status_code == 302
    visit = assigned.visits.get()
    assert visit.photo.name.endswith(".jpg")
    shown = client.get(f"/console/orders/{assigned.number}/visits/{visit.pk}/photo/")
    assert shown["Content-Type"] == "image/jpeg"

"""The technician's day on a phone: today's open orders (nearest deadline first, 44 px tap
targets, the address one tap from the map), the visit form that forgives a typo and keeps
everything, the photo visible on the order."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63f8cfc0f01f00050001ff89993d1d"
    "0000000049454e44ae426082"
)


@pytest.fixture
def my_order(desk, settings, tmp_path):
    from django.contrib.auth import get_user_model

    from wennuan.registry.models import Community
    from wennuan.workorders import actions
    from wennuan.workorders.choices import Category, Channel

    settings.MEDIA_ROOT = tmp_path / "media"
    users = get_user_model().objects
    dispatcher = users.get(username="yongheng-dispatcher")
    order = actions.do_create_order(
        None,
        text="亨通园1号楼3单元602家里只有15度",
        phone="13853017731" if desk.phone else "13853017732",
        channel=Channel.HOTLINE_12319,
        category=Category.NO_HEAT,  # the shortest clock: first in today's list
        community=Community.objects.get(name="亨通园"),
        building="1",
        unit="3",
        room="602",
    )
    order = actions.do_accept(order, dispatcher)
    return actions.do_assign(order, dispatcher, users.get(username="yongheng-technician"))


def test_technician_starts_from_today_and_records_a_visit(desk, my_order, tmp_path):
    from wennuan.workorders.models import WorkOrder

    page = desk.page
    desk.log_in("yongheng-technician")
    # The login lands on the technician's desk (今日待办), not the directory.
    assert page.url.endswith("/console/orders/"), page.url
    today = page.locator("section.today")
    expect(today.get_by_role("heading")).to_contain_text("今日待办")
    first = today.locator(f"li.today-item:has(a[href$='/{my_order.number}/'])")
    expect(first).to_contain_text("亨通园 1号楼3单元602")
    # Nearest deadline first: everything above this order is due no later.
    from wennuan.workorders.models import WorkOrder as Order

    numbers = [
        href.rstrip("/").rsplit("/", 1)[-1]
        for href in today.locator("a.today-open").evaluate_all("els => els.map(e => e.href)")
    ]
    due = dict(Order.objects.filter(number__in=numbers).values_list("number", "due_at"))
    ordered = [due[n] for n in numbers if due[n] is not None]
    assert ordered == sorted(ordered) and my_order.number in numbers
    # Tap targets a thumb can hit; the map link searches the community's address.
    for link in first.locator("a").all():
        box = link.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44, link.inner_text()
    expect(first.locator("a.map-link")).to_have_attribute(
        "href", re.compile(r"^https://uri\.amap\.com/")
    )
    assert desk.fits_width()
    # The full list below today's: order numbers and buttons are tap targets too.
    assert desk.small_tap_targets("tr.order-row td.lead a, main button, main .button") == []
    desk.screenshot("technician")

    first.locator("a.visit-link").click()
    expect(page.get_by_role("heading", name="记录入户")).to_be_visible()
    # On a phone every box, the caller's number, the selects and the header's links are tap
    # targets a thumb can hit (the check boxes' labels were 27 px, the tel: link 25 px).
    assert (
        desk.small_tap_targets(
            ".visit-form label:has(input), main a[href^='tel:'], main select,"
            " .site-header a, .site-header button",
            limit=60,
        )
        == []
    )
    assert desk.fits_width()
    page.get_by_label("门窗已关闭30分钟以上").check()
    page.get_by_label("房间中央、离地1.4–1.5米").check()
    page.get_by_label("稳定10分钟后读数").check()
    page.get_by_label("室温 1").fill("15,5")
    page.get_by_label("室温 2").fill("l6")  # a typo: the letter l for 1
    page.get_by_label("水力失调").check()
    page.get_by_label("现场处理").fill("调整单元阀门")
    page.get_by_label("房屋供热面积 (m²)").fill("88,5")
    # A file that is not a photo (a phone's gallery offers documents too) is refused, by name.
    broken = tmp_path / "radiator.jpg"
    broken.write_bytes(b"not a photo" * 40)
    page.get_by_label("照片").set_input_files(str(broken))
    page.get_by_role("button", name="保存入户记录").click()
    expect(page.get_by_role("alert")).to_contain_text("照片：不是图片文件或已损坏")
    expect(page.get_by_label("室温 1")).to_have_value("15,5")
    photo = tmp_path / "radiator.png"
    photo.write_bytes(PNG)
    page.get_by_label("照片").set_input_files(str(photo))
    page.get_by_role("button", name="保存入户记录").click()
    expect(page.get_by_role("alert")).to_contain_text("室温 2（主卧）")
    # Nothing lost: fix only the typo.
    expect(page.get_by_label("室温 1")).to_have_value("15,5")
    expect(page.get_by_label("现场处理")).to_have_value("调整单元阀门")
    expect(page.get_by_label("门窗已关闭30分钟以上")).to_be_checked()
    expect(page.locator(".pending-photo")).to_be_visible()
    page.get_by_label("室温 2").fill("16")
    page.get_by_role("button", name="保存入户记录").click()

    expect(page.get_by_role("status")).to_contain_text("入户记录已保存")
    expect(page.locator(".visit .verdict")).to_have_text("不达标")
    image = page.locator("img.visit-photo")
    expect(image).to_be_visible()
    assert page.evaluate("(img) => img.naturalWidth", image.element_handle()) == 1
    visit = WorkOrder.objects.get(pk=my_order.pk).visits.get()
    assert visit.lowest_reading_c == 15.5 and visit.home_area_m2 == 88.5 and visit.photo
    assert visit.visited_at > my_order.created_at - timedelta(minutes=1)

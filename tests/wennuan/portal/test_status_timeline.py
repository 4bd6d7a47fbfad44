"""The citizen's status in plain words, in order, without staff names; one date format."""

import re

from wennuan.workorders import actions


def test_lookup_shows_a_plain_timeline_without_staff_names(client, make_order, personas):
    order = make_order()
    order = actions.do_accept(order, personas["dispatcher"])
    order = actions.do_assign(order, personas["dispatcher"], personas["technician"])
    actions.do_record_visit(
        order,
        personas["technician"],
        readings=[("客厅", "living", 16.5)],
        closed_30_min=True,
        centre_height_ok=True,
        read_after_10_min=True,
        causes=["hydraulic_imbalance"],
    )
    response = client.get("/lookup/", {"number": order.number, "last4": order.phone[-4:]})
    page = response.content.decode()
    timeline = page.split('class="timeline"')[1].split("</ol>")[0]
    steps = re.findall(r"</time> ([^<]+)</li>", timeline)
    assert steps == [
        "您的诉求已受理",
        "已转给 北城热力有限公司 办理",
        "供热公司已接单，正在安排维修人员",
        "维修人员上门测温：不达标（最低室温 16.5 °C）",
    ]
    for staff in ("dispatcher", "technician", "bureau_operator"):
        assert staff not in page
    # One date format on the page: 12月3日 10:00, never 2026-12-03.
    assert not re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", page.split("<main>")[1])


def test_the_confirmation_links_to_the_lookup_with_the_number(client, season, small_city):
    page = client.post(
        "/complaint/", {"text": "暖气不热", "phone": "13953012345", "community": "金鼎小区"}
    ).content.decode()
    number = re.search(r'class="order-number">(\w+)<', page).group(1)
    assert f'href="/lookup/?number={number}"' in page
    # The number alone fills the form in; it is not a failed look-up.
    response = client.get("/lookup/", {"number": number})
    assert response.status_code == 200 and f'value="{number}"' in response.content.decode()
    assert "没有找到该工单" not in response.content.decode()

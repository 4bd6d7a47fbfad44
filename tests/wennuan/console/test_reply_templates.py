"""Issue 16 (dispatcher): reply templates per category, kept by the company, offered in the
reply form with the placeholders filled; the dispatcher edits and sends; publication still
masks what the text names."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from wennuan.workorders import actions
from wennuan.workorders.choices import Verdict
from wennuan.workorders.models import ReplyTemplate, Visit, WorkOrder

from ..workorders.fixtures import good_visit  # noqa: TID252

TEXT = "经入户测温，{小区}住户室温{室温}，已于{日期}调节单元阀门。"


@pytest.fixture
def visited(make_order, personas):
    order = actions.do_accept(make_order(), personas["dispatcher"])
    order = actions.do_assign(order, personas["dispatcher"], personas["technician"])
    good_visit(order, personas["technician"], temp=16.5)
    return WorkOrder.objects.get(pk=order.pk)


def test_a_dispatcher_keeps_the_companys_templates(client, personas, small_city):
    client.force_login(personas["dispatcher"])
    assert "答复模板" in client.get("/console/orders/").content.decode()
    response = client.post(
        "/console/reply-templates/",
        {"category": "not_warm", "title": "阀门调节答复", "text": TEXT, "is_active": "on"},
    )
    assert response.status_code == 302
    template = ReplyTemplate.objects.get()
    assert template.company == small_city.north and template.category == "not_warm"
    # Edit it; an empty title is refused by its label, the text kept.
    page = client.post(
        f"/console/reply-templates/{template.pk}/",
        {"category": "not_warm", "title": "", "text": TEXT + "谢谢", "is_active": "on"},
    ).content.decode()
    assert "模板名称：" in page and "谢谢" in page
    # Another company's dispatcher neither sees nor opens it.
    client.force_login(personas["south_dispatcher"])
    assert "阀门调节答复" not in client.get("/console/reply-templates/").content.decode()
    assert client.get(f"/console/reply-templates/{template.pk}/").status_code == 404
    client.force_login(personas["technician"])
    assert client.get("/console/reply-templates/").status_code == 403


def test_the_reply_form_offers_the_template_filled_from_the_order(client, personas, visited):
    mine = ReplyTemplate.objects.create(
        company=visited.company, category="not_warm", title="阀门调节答复", text=TEXT
    )
    ReplyTemplate.objects.create(company=None, category="", title="通用", text="已处理。")
    ReplyTemplate.objects.create(company=None, category="leak", title="漏水", text="已抢修。")
    ReplyTemplate.objects.create(
        company=visited.company, category="not_warm", title="停用的", text="x", is_active=False
    )
    client.force_login(personas["dispatcher"])
    page = client.get(f"/console/orders/{visited.number}/").content.decode()
    offered = page.split('class="template-pick"')[1].split("</form>")[0]
    assert "阀门调节答复" in offered and "通用" in offered
    assert "漏水" not in offered and "停用的" not in offered
    page = client.get(f"/console/orders/{visited.number}/?template={mine.pk}").content.decode()
    today = timezone.localdate()
    filled = f"经入户测温，剑桥学府住户室温16.5°C，已于{today.month}月{today.day}日调节单元阀门。"
    assert f">{filled}</textarea>" in page


def test_the_date_is_the_visits_not_the_day_the_reply_is_written(client, personas, visited):
    """ "{日期}维修人员入户测温" was filled with the day the dispatcher wrote the reply."""
    mine = ReplyTemplate.objects.create(
        company=visited.company, category="not_warm", title="测温答复", text=TEXT
    )
    visit_day = timezone.localtime(visited.visits.get().visited_at).date()
    client.force_login(personas["dispatcher"])
    with time_machine.travel(timezone.now() + timedelta(days=2)):
        page = client.get(f"/console/orders/{visited.number}/?template={mine.pk}")
    text = page.content.decode()
    assert f"已于{visit_day.month}月{visit_day.day}日调节单元阀门" in text
    later = visit_day + timedelta(days=2)
    assert f"已于{later.month}月{later.day}日" not in text


def test_the_reply_stays_chinese_on_the_english_page_and_skips_an_invalid_test(
    client, personas, visited, settings
):
    """An outsider's English-page dispatcher got "4/12维修人员已入户" (read as 12 April) in a
    Chinese reply, and a 无效测温 visit's reading filled {室温}."""
    mine = ReplyTemplate.objects.create(
        company=visited.company, category="not_warm", title="测温答复", text=TEXT
    )
    Visit.objects.filter(order=visited).update(verdict=Verdict.INVALID)
    client.force_login(personas["dispatcher"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(f"/console/orders/{visited.number}/?template={mine.pk}").content.decode()
    day = timezone.localtime(visited.visits.get().visited_at).date()
    assert f"已于{day.month}月{day.day}日调节单元阀门" in page
    assert "住户室温{室温}" in page  # left for the dispatcher to fill


def test_a_reply_still_holding_a_placeholder_is_refused(client, personas, visited):
    client.force_login(personas["dispatcher"])
    page = client.post(
        f"/console/orders/{visited.number}/act/reply/",
        {"reply": "已于{日期}处理", "expected_state": visited.state},
    ).content.decode()
    assert "答复内容：请先把模板中的 {日期} 改成实际内容" in page
    assert WorkOrder.objects.get(pk=visited.pk).reply == ""


def test_an_edited_template_reply_is_masked_when_published(client, personas, visited):
    client.force_login(personas["dispatcher"])
    reply = "已电话联系王小明（13853011111），剑桥学府3号楼2单元501室温16.5°C，已调节阀门。"
    client.post(
        f"/console/orders/{visited.number}/act/reply/",
        {"reply": reply, "expected_state": visited.state},
    )
    order = WorkOrder.objects.get(pk=visited.pk)
    actions.do_publish_reply(order, personas["supervisor"])
    public = client.get("/replies/").content.decode()
    assert "已调节阀门" in public
    assert "13853011111" not in public and "王小明" not in public and "501" not in public

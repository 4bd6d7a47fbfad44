"""访民问暖 from the ranking to a visit, its plan, the companies' work and the bureau's check."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from wennuan.outreach import actions, periodic
from wennuan.outreach.choices import ItemStatus
from wennuan.outreach.models import OutreachVisit, PlanItem
from wennuan.workorders.models import InboxMessage

INDEX = "/console/outreach/"


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()


@pytest.fixture
def visit(personas, small_city, season):
    return actions.do_record_visit(
        personas["supervisor"],
        community=small_city.communities["剑桥学府"],
        visited_on=timezone.localdate(),
        participants="局长 王某，供热科 李某",
        findings="3号楼顶层室温偏低",
        homes_visited=6,
        homes_note="3号楼2单元501 王先生",
        substations=[small_city.communities["剑桥学府"].substation],
    )


@pytest.fixture
def items(visit, personas, small_city):
    today = timezone.localdate()
    north = actions.do_add_item(
        personas["supervisor"],
        visit,
        problem="顶层散热器存气",
        solution="逐户排气并加装自动排气阀",
        company=small_city.north,
        deadline=today + timedelta(days=2),
    )
    south = actions.do_add_item(
        personas["supervisor"],
        visit,
        problem="南侧支线阀门故障",
        solution="更换阀门",
        company=small_city.south,
        deadline=today + timedelta(days=10),
    )
    return north, south


def test_ranking_lists_communities_by_score_and_links_a_new_visit(
    client, personas, make_order, small_city
):
    make_order()
    make_order(phone="13853012222")  # a repeat from the same home
    make_order(community=small_city.communities["金鼎小区"], phone="13853013333")
    client.force_login(personas["supervisor"])
    response = client.get(INDEX)
    names = [r["row"].name for r in response.context["ranking"]]
    assert names == ["剑桥学府", "金鼎小区"]
    page = response.content.decode()
    assert (
        f"/console/outreach/visits/new/?community={small_city.communities['剑桥学府'].pk}" in page
    )

    client.force_login(personas["south_dispatcher"])
    names = [r["row"].name for r in client.get(INDEX).context["ranking"]]
    assert names == ["金鼎小区"]


def test_logins_without_a_role_are_refused(client, personas, visit):
    client.force_login(personas["outsider"])
    assert client.get(INDEX).status_code == 403
    assert client.get(f"/console/outreach/visits/{visit.pk}/").status_code == 403


def test_the_bureau_operator_reads_outreach_but_manages_nothing(client, personas, visit):
    client.force_login(personas["bureau_operator"])
    assert client.get(INDEX).status_code == 200
    page = client.get(f"/console/outreach/visits/{visit.pk}/")
    assert page.status_code == 200 and page.context["is_bureau"] is False
    assert client.get("/console/outreach/visits/new/").status_code == 403
    added = client.post(f"/console/outreach/visits/{visit.pk}/items/", {"problem": "x"})
    assert added.status_code == 403


def test_recording_a_visit_through_the_form(client, personas, small_city, season):
    client.force_login(personas["supervisor"])
    community = small_city.communities["金鼎小区"]
    form = client.get(f"/console/outreach/visits/new/?community={community.pk}")
    assert form.context["form"]["substations"] == [str(community.substation_id)]
    response = client.post(
        "/console/outreach/visits/new/",
        {
            "community": community.pk,
            "visited_on": timezone.localdate().isoformat(),
            "participants": "供热科 张某",
            "findings": "二次网水力失调",
            "homes_visited": "4",
            "substations": [community.substation_id],
        },
    )
    visit = OutreachVisit.objects.get()
    assert response["Location"] == f"/console/outreach/visits/{visit.pk}/"
    assert list(visit.substations.all()) == [community.substation]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"visited_on": "2099-01-01"}, "不能晚于今天"),
        ({"participants": "  "}, "请填写参加人员"),
        ({"homes_visited": "-3"}, "不能为负数"),
        ({"homes_visited": "六"}, "须为整数"),
        ({"community": ""}, "请选择小区"),
    ],
)
def test_bad_visit_input_is_refused_clearly(client, personas, small_city, season, change, message):
    client.force_login(personas["supervisor"])
    data = {
        "community": small_city.communities["金鼎小区"].pk,
        "visited_on": timezone.localdate().isoformat(),
        "participants": "供热科 张某",
        "findings": "室温偏低",
        "homes_visited": "2",
        **change,
    }
    response = client.post("/console/outreach/visits/new/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert OutreachVisit.objects.count() == 0


def test_company_users_may_not_record_visits(client, personas, season):
    client.force_login(personas["dispatcher"])
    assert client.get("/console/outreach/visits/new/").status_code == 403


def test_a_deadline_in_the_past_is_refused_with_a_clear_message(
    client, personas, visit, small_city
):
    client.force_login(personas["supervisor"])
    yesterday = timezone.localdate() - timedelta(days=1)
    response = client.post(
        f"/console/outreach/visits/{visit.pk}/items/",
        {
            "problem": "阀门故障",
            "solution": "更换",
            "company": small_city.north.pk,
            "deadline": yesterday.isoformat(),
        },
    )
    assert response.status_code == 400
    assert "已经过去" in response.content.decode()
    assert "阀门故障" in response.content.decode()  # the form keeps what was typed
    for bad in ("明天", ""):
        response = client.post(
            f"/console/outreach/visits/{visit.pk}/items/",
            {
                "problem": "阀门故障",
                "solution": "更换",
                "company": small_city.north.pk,
                "deadline": bad,
            },
        )
        assert response.status_code == 400
    assert PlanItem.objects.count() == 0
    response = client.post(
        f"/console/outreach/visits/{visit.pk}/items/",
        {
            "problem": "阀门故障",
            "solution": "更换",
            "company": small_city.north.pk,
            "deadline": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    assert PlanItem.objects.get().company == small_city.north


def test_companies_see_and_act_on_their_own_items_only(client, personas, visit, items):
    north_item, south_item = items
    client.force_login(personas["dispatcher"])
    page = client.get(f"/console/outreach/visits/{visit.pk}/").content.decode()
    assert "顶层散热器存气" in page
    assert "南侧支线阀门故障" not in page
    assert "王先生" not in page  # the homes note is the bureau's
    index = client.get(INDEX).content.decode()
    assert "顶层散热器存气" in index and "南侧支线阀门故障" not in index
    # Acting on the other company's item: not found.
    response = client.post(f"/console/outreach/items/{south_item.pk}/done/", {"note": "已修"})
    assert response.status_code == 404
    # A technician is company staff but does not answer for plan items.
    client.force_login(personas["technician"])
    assert (
        client.post(f"/console/outreach/items/{north_item.pk}/done/", {"note": "x"}).status_code
        == 403
    )
    # The company may not close its own item.
    client.force_login(personas["dispatcher"])
    client.post(f"/console/outreach/items/{north_item.pk}/done/", {"note": "已排气"})
    assert client.post(f"/console/outreach/items/{north_item.pk}/close/").status_code == 403
    north_item.refresh_from_db()
    assert north_item.status == ItemStatus.DONE


def test_a_visit_without_items_of_the_company_is_hidden_from_it(client, personas, visit):
    client.force_login(personas["south_dispatcher"])
    assert client.get(f"/console/outreach/visits/{visit.pk}/").status_code == 404


def test_done_then_checked_and_closed_or_sent_back(client, personas, visit, items):
    north_item, _south = items
    client.force_login(personas["dispatcher"])
    response = client.post(f"/console/outreach/items/{north_item.pk}/done/", {"note": " "})
    assert response.status_code == 400 and "请填写完成情况" in response.content.decode()
    client.post(f"/console/outreach/items/{north_item.pk}/done/", {"note": "已逐户排气"})
    client.force_login(personas["supervisor"])
    response = client.post(f"/console/outreach/items/{north_item.pk}/send_back/", {"note": ""})
    assert response.status_code == 400 and "请填写核查意见" in response.content.decode()
    client.post(f"/console/outreach/items/{north_item.pk}/send_back/", {"note": "501仍不热"})
    north_item.refresh_from_db()
    assert (north_item.status, north_item.check_note) == (ItemStatus.OPEN, "501仍不热")
    # Closing an item the company has not reported done is refused.
    response = client.post(f"/console/outreach/items/{north_item.pk}/close/", {"note": "ok"})
    assert response.status_code == 400 and "状态已变化" in response.content.decode()
    client.force_login(personas["dispatcher"])
    client.post(f"/console/outreach/items/{north_item.pk}/done/", {"note": "加装自动排气阀"})
    client.force_login(personas["supervisor"])
    client.post(f"/console/outreach/items/{north_item.pk}/close/", {"note": "复查21℃"})
    north_item.refresh_from_db()
    assert north_item.status == ItemStatus.CLOSED
    assert north_item.closed_by == personas["supervisor"]


def test_public_summary_shows_progress_without_personal_data(client, visit, items, personas):
    north_item, _south = items
    actions.do_mark_done(personas["dispatcher"], north_item, "已排气")
    actions.do_close_item(personas["supervisor"], north_item, "复查合格")
    assert client.get(f"/outreach/{visit.pk}/").status_code == 404  # not reviewed yet
    client.force_login(personas["supervisor"])
    assert "masked-preview" in client.get(f"/console/outreach/visits/{visit.pk}/").content.decode()
    client.post(f"/console/outreach/visits/{visit.pk}/publish/")
    client.logout()
    listing = client.get("/outreach/").content.decode()
    assert "剑桥学府" in listing and "1/2" in listing
    page = client.get(f"/outreach/{visit.pk}/").content.decode()
    assert "1/2" in page
    assert "顶层散热器存气" in page and "已核查销号" in page
    assert "王先生" not in page and "501" not in page
    visit.is_public = False
    visit.save()
    assert client.get(f"/outreach/{visit.pk}/").status_code == 404


def test_worker_reminds_before_deadlines_and_flags_overdue_once(personas, visit, items):
    north_item, south_item = items
    now = timezone.now()
    assert periodic.sweep_items(now) == (1, 0)  # north is due in 2 days; south in 10
    north_messages = InboxMessage.objects.filter(user=personas["dispatcher"])
    assert north_messages.count() == 1 and "将于" in north_messages.get().text
    assert not InboxMessage.objects.filter(user=personas["south_dispatcher"]).exists()
    assert periodic.sweep_items(now) == (0, 0)
    later = now + timedelta(days=3)
    assert periodic.sweep_items(later) == (0, 1)
    north_item.refresh_from_db()
    assert north_item.overdue
    assert InboxMessage.objects.filter(user=personas["supervisor"], text__contains="逾期").exists()
    assert periodic.sweep_items(later) == (0, 0)
    # A done item is neither reminded nor flagged.
    actions.do_mark_done(personas["south_dispatcher"], south_item, "已更换")
    assert periodic.sweep_items(now + timedelta(days=20)) == (0, 0)


def test_progress_summary_counts_items(visit, items, personas):
    from wennuan.outreach.progress import progress_summary

    summary = dict(progress_summary(timezone.localdate() + timedelta(days=5))["lines"])
    assert summary["整改事项"] == 2
    assert summary["逾期未完成"] == 1


def test_ranking_weighs_predicted_cold_days_when_plans_exist(
    client, personas, make_order, small_city
):
    planning = pytest.importorskip("wennuan.planning.models")
    if not hasattr(planning, "PlanCommunity"):
        pytest.skip("the planning app stores no plans")
    make_order()  # 剑桥学府: 2 per 1,000 households
    make_order(community=small_city.communities["金鼎小区"], phone="13853013333")
    client.force_login(personas["supervisor"])
    ranking = client.get(INDEX).context["ranking"]
    assert [r["row"].name for r in ranking] == ["剑桥学府", "金鼎小区"]  # tie broken by name

    today = timezone.localdate()
    for days_ago in (0, 1):
        plan = planning.Plan.objects.create(
            company=small_city.south,
            date=today - timedelta(days=days_ago),
            version=1,
            trigger="command",
        )
        planning.PlanCommunity.objects.create(
            plan=plan, community=small_city.communities["金鼎小区"], min_indoor_c=16.5, at_risk=True
        )
    response = client.get(INDEX)
    first = response.context["ranking"][0]
    assert first["row"].name == "金鼎小区"
    assert first["risk"] == (2, 16.5)
    assert "预测低温" in response.content.decode()


def test_a_deadline_written_with_slashes_is_accepted_and_a_bad_one_says_the_format(
    client, personas, visit, small_city
):
    from wennuan.lib.moments import parse_user_date

    client.force_login(personas["supervisor"])
    next_week = timezone.localdate() + timedelta(days=7)
    form = {"problem": "阀门故障", "solution": "更换", "company": small_city.north.pk}
    response = client.post(
        f"/console/outreach/visits/{visit.pk}/items/", {**form, "deadline": "下周"}
    )
    assert response.status_code == 400
    assert "如 2026-12-10 或 2026/12/10" in response.content.decode()
    response = client.post(
        f"/console/outreach/visits/{visit.pk}/items/",
        {**form, "deadline": f"{next_week.year}/{next_week.month}/{next_week.day}"},
    )
    assert response.status_code == 302
    assert PlanItem.objects.get().deadline == next_week
    assert parse_user_date("２０２６年12月10日").isoformat() == "2026-12-10"
    assert parse_user_date("2026/2/30") is None

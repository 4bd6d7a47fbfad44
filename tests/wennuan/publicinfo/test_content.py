"""Editing public content: versions, publish dates, revert, permissions, the public pages."""

from datetime import timedelta

import pytest
from django.utils import timezone

from wennuan.publicinfo.models import Article, ArticleVersion

from ..conftest import PASSWORD  # noqa: TID252


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def form_data(**extra):
    data = {
        "kind": "notice",
        "title": "2026—2027 供热季开始供暖的通知",
        "body_markdown": "11月15日起正式供暖。咨询电话 [12319](tel:12319)。",
        "status": "published",
        "publish_at": "",
        "sort_order": "100",
        "note": "",
    }
    data.update(extra)
    return data


def test_supervisor_creates_and_publishes_a_notice(client, personas):
    login(client, personas["supervisor"])
    response = client.post("/console/info/new/", form_data())
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.versions.count() == 1
    client.logout()
    page = client.get(f"/info/articles/{article.pk}/").content.decode()
    assert "2026—2027 供热季开始供暖的通知" in page
    assert 'href="tel:12319"' in page
    assert "2026—2027 供热季" in client.get("/info/notices/").content.decode()


def test_malformed_link_gets_a_clear_message_and_saves_nothing(client, personas):
    login(client, personas["supervisor"])
    response = client.post(
        "/console/info/new/", form_data(body_markdown="详见 [通知](javascript:alert(1))")
    )
    assert response.status_code == 400
    assert "第 1 行的链接使用了不允许的地址" in response.content.decode()
    response = client.post("/console/info/new/", form_data(body_markdown="[官网](https://a.cn"))
    assert "链接格式不正确" in response.content.decode()
    assert not Article.objects.exists()


def test_every_save_is_a_version_and_revert_adds_one(client, personas, publish):
    first = publish(title="旧标题", body="旧内容")
    article = first.article
    login(client, personas["supervisor"])
    client.post(
        f"/console/info/{article.pk}/edit/", form_data(title="新标题", body_markdown="新内容")
    )
    assert list(article.versions.values_list("number", flat=True).order_by("number")) == [1, 2]
    assert "新标题" in client.get(f"/info/articles/{article.pk}/").content.decode()
    history = client.get(f"/console/info/{article.pk}/").content.decode()
    assert "旧标题" in history and "新标题" in history
    client.post(f"/console/info/{article.pk}/revert/1/", {"status": "published"})
    latest = article.versions.order_by("-number").first()
    assert (latest.number, latest.title, latest.note) == (3, "旧标题", "恢复为第 1 版")
    assert "旧内容" in client.get(f"/info/articles/{article.pk}/").content.decode()
    # history is intact
    assert ArticleVersion.objects.filter(article=article).count() == 3


def test_drafts_and_future_items_are_not_public(client, publish):
    draft = publish(title="草稿通知", status="draft", publish_at=None)
    future = publish(title="明天的通知", publish_at=timezone.now() + timedelta(days=1))
    public = publish(title="已发布通知")
    for url in ("/info/", "/info/notices/", "/feed.atom"):
        body = client.get(url).content.decode()
        assert "已发布通知" in body
        assert "草稿通知" not in body
        assert "明天的通知" not in body
    assert client.get(f"/info/articles/{draft.article_id}/").status_code == 404
    assert client.get(f"/info/articles/{future.article_id}/").status_code == 404
    assert client.get(f"/info/articles/{public.article_id}/").status_code == 200


def test_draft_edit_keeps_published_text_online(client, publish):
    first = publish(title="公开版")
    publish(article=first.article, title="未完成的修改", status="draft", publish_at=None)
    body = client.get(f"/info/articles/{first.article_id}/").content.decode()
    assert "公开版" in body and "未完成的修改" not in body


def test_scheduled_edit_replaces_text_when_its_time_comes(client, publish, time_machine):
    first = publish(title="现行版")
    publish(article=first.article, title="定时版", publish_at=timezone.now() + timedelta(hours=2))
    url = f"/info/articles/{first.article_id}/"
    assert "现行版" in client.get(url).content.decode()
    time_machine.move_to(timezone.now() + timedelta(hours=3))
    assert "定时版" in client.get(url).content.decode()


def test_withdrawn_article_disappears(client, publish):
    first = publish(title="要撤下的通知")
    publish(article=first.article, title="要撤下的通知", status="withdrawn")
    assert client.get(f"/info/articles/{first.article_id}/").status_code == 404
    assert "要撤下的通知" not in client.get("/info/notices/").content.decode()


def test_faq_and_safety_pages(client, publish):
    publish(kind="faq", title="暖气不热怎么办？", body="先排气。")
    publish(kind="safety", title="闻到燃气味怎么办", body="开窗，不开关电器。")
    assert "暖气不热怎么办" in client.get("/info/faq/").content.decode()
    assert "闻到燃气味怎么办" in client.get("/info/safety/").content.decode()
    assert "暖气不热怎么办" not in client.get("/info/safety/").content.decode()


@pytest.mark.parametrize(
    "persona",
    [
        "operator",
        "bureau_operator",
        "dispatcher",
        "technician",
        "community_manager",
        "dispatch_engineer",
        "south_dispatcher",
        "outsider",
    ],
)
def test_only_supervisors_and_admin_edit(client, personas, publish, persona, season):
    article = publish().article
    publish(article=article, title="内部草稿", status="draft", publish_at=None)
    login(client, personas[persona])
    index = client.get("/console/info/")
    if persona == "outsider":
        assert index.status_code == 403
    else:  # other staff get a pointer to the public pages, never the drafts
        assert index.status_code == 200
        assert "内部草稿" not in index.content.decode()
        assert "/console/info/new/" not in index.content.decode()
    urls = [
        "/console/info/new/",
        f"/console/info/{article.pk}/",
        f"/console/info/{article.pk}/edit/",
        f"/console/info/fees/{season.pk}/",
    ]
    for url in urls:
        assert client.get(url).status_code == 403, url
    assert client.post("/console/info/new/", form_data()).status_code == 403
    assert client.post(f"/console/info/{article.pk}/revert/1/").status_code == 403
    assert Article.objects.count() == 1 and article.versions.count() == 2


@pytest.mark.parametrize("persona", ["supervisor", "admin"])
def test_editors_reach_the_staff_pages(client, personas, persona, season):
    login(client, personas[persona])
    assert client.get("/console/info/").status_code == 200
    assert client.get(f"/console/info/fees/{season.pk}/").status_code == 200


def test_anonymous_is_sent_to_login(client):
    response = client.get("/console/info/")
    assert response.status_code == 302 and "/console/login/" in response["Location"]


def test_fee_standard_form_validates(client, personas, season):
    login(client, personas["supervisor"])
    response = client.post(
        f"/console/info/fees/{season.pk}/",
        {
            "payment_start_date": "2026-11-01",
            "payment_end_date": "2026-10-01",
            "notes_markdown": "[x](javascript:y)",
            "publish_at": "",
        },
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "缴费截止日期不能早于开始日期" in body and "不允许的地址" in body
    response = client.post(
        f"/console/info/fees/{season.pk}/",
        {
            "payment_start_date": "2026-10-01",
            "payment_end_date": "2026-11-15",
            "notes_markdown": "以缴费单为准",
            "publish_at": "2026-10-01T08:00",
        },
    )
    assert response.status_code == 302
    assert season.fee_standard.payment_end_date.isoformat() == "2026-11-15"


def test_company_page_shows_lines_and_who_is_on_duty(client, small_city, time_machine):
    import datetime as dt

    from wennuan.registry.models import DutyShift

    line = small_city.north.service_lines.get()
    DutyShift.objects.create(
        line=line, operator_name="赵夜班", start_time=dt.time(20), end_time=dt.time(8)
    )
    DutyShift.objects.create(
        line=line, operator_name="钱白班", start_time=dt.time(8), end_time=dt.time(20)
    )
    time_machine.move_to(timezone.make_aware(dt.datetime(2026, 12, 1, 23, 30)))
    body = client.get("/info/companies/north/").content.decode()
    assert "05305550001" in body and "赵夜班" in body and "钱白班" not in body
    time_machine.move_to(timezone.make_aware(dt.datetime(2026, 12, 2, 9, 0)))
    body = client.get("/info/companies/north/").content.decode()
    assert "钱白班" in body and "赵夜班" not in body
    assert client.get("/info/companies/nobody/").status_code == 404


def test_index_links_everything(client, small_city, publish):
    publish(title="寒潮预警", is_urgent=True)
    body = client.get("/info/").content.decode()
    for href in (
        "/info/faq/",
        "/info/fees/",
        "/info/safety/",
        "/replies/",
        "/info/companies/north/",
    ):
        assert href in body
    assert "寒潮预警" in body
    assert 'href="/info/"' in client.get("/").content.decode()


def test_public_pages_do_not_query_per_item(client, publish, django_assert_max_num_queries):
    for n in range(15):
        first = publish(title=f"通知{n}")
        publish(article=first.article, title=f"通知{n}（修订）")
        publish(kind="faq", title=f"问题{n}")
    for url in ("/info/", "/info/notices/", "/info/faq/", "/feed.atom"):
        with django_assert_max_num_queries(8):
            assert client.get(url).status_code == 200

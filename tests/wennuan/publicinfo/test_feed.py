"""/feed.atom: valid Atom, the published notices, extensible by other apps."""

import xml.etree.ElementTree as ET
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from wennuan.publicinfo import syndication
from wennuan.publicinfo.syndication import FeedItem, atom_id

ATOM = "{http://www.w3.org/2005/Atom}"


def entries(client):
    response = client.get("/feed.atom")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated", "author/{http://www.w3.org/2005/Atom}name"):
        assert root.find(f"{ATOM}{required}") is not None, required
    assert root.find(f"{ATOM}link[@rel='self']").get("href") == "http://testserver/feed.atom"
    return root.findall(f"{ATOM}entry")


def test_feed_has_published_notices_only(client, publish):
    publish(title="开始供暖", body="**今天**开始")
    publish(title="寒潮预警", is_urgent=True)
    publish(title="草稿", status="draft", publish_at=None)
    publish(title="将来", publish_at=timezone.now() + timedelta(days=2))
    publish(kind="faq", title="常见问题不进订阅")
    found = entries(client)
    titles = sorted(e.find(f"{ATOM}title").text for e in found)
    assert titles == ["寒潮预警", "开始供暖"]
    for entry in found:
        assert entry.find(f"{ATOM}id").text.startswith("urn:uuid:")
        assert entry.find(f"{ATOM}link").get("href").startswith("http://testserver/info/articles/")
        assert entry.find(f"{ATOM}updated") is not None
        assert entry.find(f"{ATOM}published") is not None


def test_feed_entry_id_stays_when_the_notice_is_edited(client, publish):
    first = publish(title="第一版")
    before = entries(client)[0].find(f"{ATOM}id").text
    publish(article=first.article, title="第二版")
    after = entries(client)
    assert [e.find(f"{ATOM}title").text for e in after] == ["第二版"]
    assert after[0].find(f"{ATOM}id").text == before


def test_other_apps_contribute_items(client, publish, monkeypatch):
    publish(title="通知")

    class DailyReportFeed:
        @staticmethod
        def feed_items(limit):
            return [
                FeedItem(
                    title="11月27日用热报表",
                    link="/reports/daily/2026-11-27/",
                    summary_html="<p>全市平均室温 20.1 °C</p>",
                    published=timezone.now() + timedelta(minutes=1),
                    unique_id="wennuan:daily-report:2026-11-27",
                )
            ]

    real = syndication.feed_modules
    monkeypatch.setattr(syndication, "feed_modules", lambda: [*real(), DailyReportFeed])
    titles = [e.find(f"{ATOM}title").text for e in entries(client)]
    assert titles == ["11月27日用热报表", "通知"]


def test_discovery_finds_publicinfo_feed_module():
    names = [module.__name__ for module in syndication.feed_modules()]
    assert "wennuan.publicinfo.feed" in names


def test_atom_ids_are_stable_uris():
    assert atom_id("wennuan:notice:3") == atom_id("wennuan:notice:3")
    assert atom_id("wennuan:notice:3") != atom_id("wennuan:notice:4")
    assert atom_id("tag:example.cn,2026:report/1") == "tag:example.cn,2026:report/1"


def test_every_stamp_is_in_the_citys_time(client, publish, monkeypatch):
    """A notice (stored in UTC) and a daily report (stamped in local time) gave one feed with
    +00:00 and +08:00 side by side."""
    publish(title="通知")

    class DailyReportFeed:
        @staticmethod
        def feed_items(limit):
            stamp = timezone.now().astimezone(ZoneInfo("Asia/Shanghai"))
            return [FeedItem("日报", "/reports/daily/", "<p>…</p>", stamp, "wennuan:daily:x")]

    real = syndication.feed_modules
    monkeypatch.setattr(syndication, "feed_modules", lambda: [*real(), DailyReportFeed])
    root = ET.fromstring(client.get("/feed.atom").content)
    stamps = [e.text for e in root.iter() if e.tag in (f"{ATOM}updated", f"{ATOM}published")]
    assert len(stamps) == 5  # the feed's, and each entry's published and updated
    assert all(stamp.endswith("+08:00") for stamp in stamps), stamps

"""The demo content loads into a register and shows on the public pages."""

from wennuan.publicinfo import demo_data
from wennuan.publicinfo.models import Article, FeeStandard
from wennuan.registry.models import DutyShift


def test_demo_content_is_public_and_marked_as_demo(client, personas, season):
    summary = demo_data.load(city=None)
    assert "常见问题" in summary
    assert FeeStandard.objects.get().is_public()
    fees = client.get("/info/fees/", {"area": "100", "use": "residential", "suspended": "no"})
    body = fees.content.decode()
    assert "演示数据" in body and "2200.00" in body
    index = client.get("/info/").content.decode()
    assert "寒潮预警" in index and "集中供热的通知" in index
    assert "草稿" not in client.get("/feed.atom").content.decode()
    assert "暖气不热怎么办" in client.get("/info/faq/").content.decode()
    assert "暖气漏水怎么办" in client.get("/info/safety/").content.decode()
    # every company 24-hour line now has a day and a night shift, so someone is on duty
    assert DutyShift.objects.filter(line__owner="company").count() == 4
    assert "现在值班" in client.get("/info/companies/north/").content.decode()
    assert Article.objects.filter(versions__number=2).count() == 1  # one item with history

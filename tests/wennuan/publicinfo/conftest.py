from datetime import timedelta

import pytest
from django.utils import timezone


@pytest.fixture
def fee_standard(season):
    from wennuan.publicinfo.models import FeeStandard

    return FeeStandard.objects.create(
        season=season,
        payment_start_date=season.start_date - timedelta(days=45),
        payment_end_date=season.start_date,
        notes_markdown="演示数据：以供热公司缴费单为准。",
        publish_at=timezone.now() - timedelta(days=60),
    )


@pytest.fixture
def publish(personas):
    """publish(kind, title, body, status="published", publish_at=None, article=None)."""
    from wennuan.publicinfo.actions import do_save_version

    def make(kind="notice", title="供暖开始通知", body="今天开始供暖。", **extra):
        values = dict(status="published", publish_at=timezone.now() - timedelta(hours=1))
        values.update(extra)
        article = values.pop("article", None)
        return do_save_version(
            personas["supervisor"],
            article=article,
            kind=kind,
            title=title,
            body_markdown=body,
            **values,
        )

    return make

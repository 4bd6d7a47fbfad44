"""The daily heating reports' entries in /feed.atom (see wennuan.publicinfo.syndication)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from wennuan.publicinfo.syndication import FeedItem

from .daily_report import collect, published_at, report_dates, summary_html

FEED_REPORT_DAYS = 7  # the feed carries the last week of daily reports


def feed_items(limit: int) -> list[FeedItem]:
    now = timezone.now()
    items = []
    for day in report_dates(min(limit, FEED_REPORT_DAYS), now):
        report = collect(day)
        city = report.city.name if report.city else ""
        items.append(
            FeedItem(
                title=_("%(city)s用热日报 %(day)s") % {"city": city, "day": day.isoformat()},
                link=reverse("planning_public:daily_report", args=[day.isoformat()]),
                summary_html=summary_html(report),
                published=published_at(day),
                unique_id=f"wennuan:daily-report:{day.isoformat()}",
                categories=(_("用热报表"),),
            )
        )
    return items

"""Demo readiness: mostly done, a few late, fuel and training reported."""

import datetime as dt

from django.utils import timezone

from wennuan.readiness import demo_data
from wennuan.readiness.models import FuelStockReport, ReadinessItem, TrainingSession
from wennuan.readiness.progress import progress_by_company


def test_demo_readiness(personas, coming_season, time_machine):
    time_machine.move_to(timezone.make_aware(dt.datetime(2026, 11, 27, 10)))
    summary = demo_data.load(city=None)
    assert "2026—2027" in summary
    assert ReadinessItem.objects.filter(season=coming_season).count() == 12
    today = dt.date(2026, 11, 27)
    rows = progress_by_company(coming_season, today)
    assert sum(r.items_done for r in rows) >= 10
    assert all(not i.done_on or i.done_on <= today for i in ReadinessItem.objects.all())
    assert FuelStockReport.objects.exists()
    assert TrainingSession.objects.filter(company__code="south").count() == 2

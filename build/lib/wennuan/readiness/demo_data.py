"""Demo readiness for the demo's current season: most items done on time, a few late, fuel
reports per source and training sessions per company. DEMO DATA (dates and figures invented)."""

from __future__ import annotations

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from wennuan.registry.models import HeatingCompany, HeatingSeason
from wennuan.staff.choices import Role

from .checklists import generate_checklists
from .models import FuelStockReport, ReadinessItem, TrainingSession

LATE_SHARE = 0.04  # about one item in 25 is done late or still open past its due date
LATE_NOTES = (
    "阀门更换备件未到，已催供货商",
    "试压发现二次网渗漏点，正在维修",
    "小区道路施工，管沟无法开挖",
    "循环泵电机返厂维修",
)
DONE_NOTES = ("", "", "", "正常", "已复查", "无渗漏", "压力稳定")
TRAINING_TOPICS = ("换热站安全操作规程", "热线接听与工单办理", "入户测温规范", "应急抢修演练")


def _season(today):
    seasons = list(HeatingSeason.objects.order_by("-start_date"))
    for season in seasons:
        if season.start_date <= today <= season.end_date:
            return season
    upcoming = [s for s in seasons if s.start_date > today]
    return min(upcoming, key=lambda s: s.start_date) if upcoming else (seasons or [None])[0]


def _reporter(company):
    User = get_user_model()
    return (
        User.objects.filter(
            staff_profile__company=company, staff_profile__role=Role.DISPATCH_ENGINEER
        )
        .order_by("pk")
        .first()
        or User.objects.filter(staff_profile__company=company).order_by("pk").first()
    )


def load(city) -> str:
    today = timezone.localdate()
    season = _season(today)
    if season is None:
        return ""
    generate_checklists(season)
    rng = random.Random(2026)
    reporters = {c.pk: _reporter(c) for c in HeatingCompany.objects.all()}
    now = timezone.now()
    items = list(ReadinessItem.objects.filter(season=season).order_by("pk"))
    late = 0
    for item in items:
        reporter = reporters.get(item.company_id)
        if item.due_date >= today and rng.random() < 0.5:
            continue  # not due yet, not done yet
        if rng.random() < LATE_SHARE:
            late += 1
            if rng.random() < 0.5 and item.due_date < today:
                item.done_on = None  # still open past its due date
            else:
                item.done_on = min(item.due_date + timedelta(days=rng.randint(1, 6)), today)
            item.notes = rng.choice(LATE_NOTES)
        else:
            item.done_on = min(item.due_date - timedelta(days=rng.randint(0, 6)), today)
            item.notes = rng.choice(DONE_NOTES)
        item.updated_by = reporter
        item.updated_at = now
    ReadinessItem.objects.bulk_update(
        items, ["done_on", "notes", "updated_by", "updated_at"], batch_size=500
    )

    fuel, trainings = [], []
    sources = sorted({(i.company_id, i.source_id) for i in items if i.source_id})
    for company_id, source_id in sources:
        reporter = reporters.get(company_id)
        if reporter is None:
            continue
        for weeks_before, days in ((4, rng.uniform(12, 20)), (1, rng.uniform(14, 30))):
            fuel.append(
                FuelStockReport(
                    season=season,
                    company_id=company_id,
                    source_id=source_id,
                    reported_on=min(season.start_date - timedelta(weeks=weeks_before), today),
                    stock_days=round(days, 1),
                    reported_by=reporter,
                )
            )
    for company_id, reporter in reporters.items():
        if reporter is None:
            continue
        for n, topic in enumerate(rng.sample(TRAINING_TOPICS, 2)):
            trainings.append(
                TrainingSession(
                    season=season,
                    company_id=company_id,
                    held_on=min(season.start_date - timedelta(days=25 - 10 * n), today),
                    topic=topic,
                    attendees=rng.randint(20, 80),
                    recorded_by=reporter,
                )
            )
    FuelStockReport.objects.bulk_create(fuel)
    TrainingSession.objects.bulk_create(trainings)
    done = sum(1 for i in items if i.done_on)
    return (
        f"供热准备（{season.name}）：{len(items)} 项，已完成 {done} 项，逾期 {late} 项；"
        f"燃料储备 {len(fuel)} 条，培训 {len(trainings)} 次"
    )

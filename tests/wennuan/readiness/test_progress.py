"""Checklist generation, lateness and progress_by_company."""

from datetime import date

import pytest
from django.core.management import call_command

from wennuan.readiness.checklists import generate_checklists, source_owner
from wennuan.readiness.models import FuelStockReport, ReadinessItem, TrainingSession
from wennuan.readiness.progress import late_items, progress_by_company, readiness_season
from wennuan.registry.models import HeatSource, Substation


def test_generate_makes_four_steps_per_substation_and_source(coming_season, small_city):
    created = generate_checklists(coming_season)
    # two substations and one heat source, four steps each
    assert created == 12
    assert generate_checklists(coming_season) == 0
    station = Substation.objects.get(code="N-S001")
    dates = dict(ReadinessItem.objects.filter(substation=station).values_list("task", "due_date"))
    assert dates == {
        "inspection": date(2026, 10, 16),
        "water_filling": date(2026, 10, 26),
        "pressure_test": date(2026, 10, 31),
        "commissioning": date(2026, 11, 10),
    }
    assert all(
        item.company_id == item.substation.company_id
        for item in ReadinessItem.objects.filter(substation__isnull=False)
    )


def test_shared_source_is_reported_by_its_main_customer(small_city):
    plant = HeatSource.objects.get(code="plant")
    # one substation each: the tie goes to the lower code ("north")
    assert source_owner(plant) == small_city.north
    Substation.objects.create(
        code="S-S002",
        name="南二站",
        company=small_city.south,
        source=plant,
        latitude=35.2,
        longitude=115.4,
        design_load_kw=3000,
        terminal="radiator",
    )
    assert source_owner(plant) == small_city.south


def test_regenerating_keeps_progress_and_adds_new_sites(checklist, small_city, personas):
    item = ReadinessItem.objects.filter(substation__code="N-S001").first()
    item.done_on = date(2026, 10, 1)
    item.save()
    Substation.objects.create(
        code="N-S002",
        name="北二站",
        company=small_city.north,
        latitude=35.2,
        longitude=115.4,
        design_load_kw=3000,
        terminal="radiator",
    )
    assert generate_checklists(checklist) == 4
    item.refresh_from_db()
    assert item.done_on == date(2026, 10, 1)


def test_command_generates_for_a_named_season(coming_season, capsys):
    call_command("readiness_checklists", "--season", coming_season.name)
    assert "新生成准备工作 12 项" in capsys.readouterr().out
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="没有名为"):
        call_command("readiness_checklists", "--season", "不存在")


def test_lateness_rules(checklist):
    item = ReadinessItem.objects.filter(task="inspection").first()  # due 2026-10-16
    assert not item.is_late(date(2026, 10, 16))
    assert item.is_late(date(2026, 10, 17))
    item.done_on = date(2026, 10, 16)
    assert not item.is_late(date(2026, 12, 1))
    item.done_on = date(2026, 10, 20)
    assert item.is_late(date(2026, 12, 1))


def test_progress_by_company(checklist, small_city, personas):
    north_items = ReadinessItem.objects.filter(company=small_city.north)
    # north: 8 items (its substation + the shared plant); 3 done on time, 1 done late
    on_time = north_items.filter(task="inspection")  # 2 items, due 10-16
    on_time.update(done_on=date(2026, 10, 10))
    north_items.filter(task="water_filling", substation__isnull=False).update(
        done_on=date(2026, 10, 20)
    )
    north_items.filter(task="pressure_test", substation__isnull=False).update(
        done_on=date(2026, 11, 2)  # due 10-31: late
    )
    plant = HeatSource.objects.get()
    FuelStockReport.objects.create(
        season=checklist,
        company=small_city.north,
        source=plant,
        reported_on=date(2026, 10, 1),
        stock_days=30,
        reported_by=personas["dispatch_engineer"],
    )
    FuelStockReport.objects.create(
        season=checklist,
        company=small_city.north,
        source=plant,
        reported_on=date(2026, 11, 1),
        stock_days=12,
        reported_by=personas["dispatch_engineer"],
    )
    TrainingSession.objects.create(
        season=checklist,
        company=small_city.north,
        held_on=date(2026, 10, 5),
        topic="换热站安全操作",
        attendees=35,
        recorded_by=personas["dispatch_engineer"],
    )
    rows = progress_by_company(checklist, today=date(2026, 11, 5))
    north, south = rows
    assert north.company == small_city.north and south.company == small_city.south
    assert (north.items_total, north.items_done) == (8, 4)
    # late: pressure test done late (1) + plant's water filling and pressure test open past due
    assert north.items_late == 3
    assert north.overdue_open == 2
    assert north.by_task["inspection"] == (2, 2)
    assert north.by_task["commissioning"] == (0, 2)
    assert north.percent_done == 50.0
    assert north.lowest_fuel_days == 12
    assert north.sources_below_fuel_target == 1
    assert (north.training_sessions, north.trained_people) == (1, 35)
    assert (south.items_total, south.items_done, south.items_late) == (4, 0, 3)
    assert south.lowest_fuel_days is None
    # before the fuel report of 11-01, the earlier one counts
    assert progress_by_company(checklist, today=date(2026, 10, 15))[0].lowest_fuel_days == 30
    late = list(late_items(checklist, today=date(2026, 11, 5)))
    assert len(late) == 6
    assert [i.due_date for i in late] == sorted(i.due_date for i in late)


def test_progress_uses_few_queries(checklist, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        progress_by_company(checklist, today=date(2026, 11, 5))


def test_readiness_season_prefers_the_next_one(coming_season, time_machine):
    time_machine.move_to(date(2026, 9, 1))
    assert readiness_season() == coming_season
    time_machine.move_to(date(2026, 12, 1))
    assert readiness_season() == coming_season


def test_due_dates_follow_an_earlier_season_start(checklist):
    checklist.start_date = date(2026, 11, 8)  # the bureau starts a week early
    checklist.save()
    item = ReadinessItem.objects.get(substation__code="N-S001", task="commissioning")
    assert item.due_date == date(2026, 11, 3)
    assert late_items(checklist, today=date(2026, 11, 5)).filter(pk=item.pk).exists()

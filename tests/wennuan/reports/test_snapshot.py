"""The dashboard snapshot's refresh: nothing recomputed when nothing changed, only the changed
weeks and communities otherwise, and always the same figures as a computation from scratch."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from wennuan.reports import dashboard as dash
from wennuan.reports import periodic, snapshot
from wennuan.reports import rates as rates_module
from wennuan.reports.models import DashboardSnapshot
from wennuan.workorders import actions
from wennuan.workorders.choices import Category, Satisfaction
from wennuan.workorders.models import WorkOrder

URL = "/console/reports/"


def from_scratch(season, now) -> snapshot.SeasonFigures:
    return snapshot.compute(season, now)


def assert_same_figures(refreshed, reference):
    assert refreshed.rates == reference.rates
    assert refreshed.per_day == reference.per_day
    assert refreshed.ranking == reference.ranking
    assert refreshed.clusters == reference.clusters
    assert (refreshed.start, refreshed.end) == (reference.start, reference.end)


@pytest.fixture(autouse=True)
def at_local_noon():
    """Every test at today's local noon: within minutes after local midnight two refreshes a few
    minutes apart fall on two days and the second recomputes (the suite failed at 00:04 Beijing
    time, twice)."""
    noon = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0)
    with time_machine.travel(noon, tick=False):
        yield


@pytest.fixture
def base_time():
    # Mid-morning of a working day two days ago: the steps below run forward from it.
    return timezone.now() - timedelta(days=2)


@pytest.fixture
def counted_calls(monkeypatch):
    """How many times each expensive aggregation ran."""
    calls = {"weekly_rates": 0, "ranking": 0, "per_day": 0}

    def spy(name, function):
        def wrapped(*args, **kwargs):
            calls[name] += 1
            return function(*args, **kwargs)

        return wrapped

    monkeypatch.setattr(snapshot, "weekly_rates", spy("weekly_rates", rates_module.weekly_rates))
    monkeypatch.setattr(dash, "community_ranking", spy("ranking", dash.community_ranking))
    monkeypatch.setattr(
        dash,
        "complaints_per_day_by_company",
        spy("per_day", dash.complaints_per_day_by_company),
    )
    return calls


def test_a_refresh_with_no_changes_recomputes_nothing(
    season, make_order, counted_calls, django_assert_max_num_queries
):
    make_order()
    now = timezone.now()
    first = snapshot.refresh(now)
    assert first.refresh_kind == snapshot.RefreshKind.FULL
    assert counted_calls == {"weekly_rates": 1, "ranking": 1, "per_day": 1}

    later = now + timedelta(minutes=5)
    # The watermark (count, latest ids, latest update, register digest) and the deadline
    # checks: a handful of indexed queries, whatever the number of orders.
    with django_assert_max_num_queries(25):
        again = snapshot.refresh(later)
    assert again.refresh_kind == snapshot.RefreshKind.UNCHANGED
    assert counted_calls == {"weekly_rates": 1, "ranking": 1, "per_day": 1}
    row = DashboardSnapshot.objects.get()
    # Honest times: the figures are from ``now``, and were found still exact at ``later``.
    assert (row.computed_at, row.checked_at) == (now, later)
    assert "无变化" in periodic.run_snapshot(later + timedelta(minutes=5))
    assert_same_figures(snapshot.stored(season), from_scratch(season, later))


def test_a_new_order_is_reflected_by_recomputing_only_its_week(season, make_order, counted_calls):
    make_order()
    now = timezone.now()
    snapshot.refresh(now)
    make_order(phone="13853012222", room="502")
    later = now + timedelta(minutes=5)
    figures = snapshot.refresh(later)
    assert figures.refresh_kind == snapshot.RefreshKind.INCREMENTAL
    assert sum(r.orders for r in figures.rates) == 2
    assert figures.ranking[0].complaints == 2
    # weekly_rates and the ranking ran once more, restricted to the changed week/community.
    assert counted_calls["weekly_rates"] == 2
    assert counted_calls["ranking"] == 2
    assert_same_figures(figures, from_scratch(season, later))
    make_order(phone="13853013333", room="601")
    assert "增量更新" in periodic.run_snapshot(later + timedelta(minutes=5))


def test_every_kind_of_change_gives_the_figures_of_a_full_computation(
    season, make_order, personas, small_city, base_time
):
    """Orders in two weeks, then one change of each kind, each followed by a refresh that
    must equal a computation from scratch at the same moment."""
    t = base_time
    dispatcher, supervisor = personas["dispatcher"], personas["supervisor"]
    old = make_order(category=Category.LEAK, text="漏水", now=t - timedelta(days=9))
    actions.do_accept(old, dispatcher, now=t - timedelta(days=9) + timedelta(minutes=20))
    actions.do_reply(old, dispatcher, "已修复", now=t - timedelta(days=9) + timedelta(hours=3))
    moving = make_order(phone="13853012222", now=t - timedelta(hours=3))
    waiting = make_order(phone="13853013333", room="601", now=t - timedelta(minutes=10))
    heat = [
        make_order(phone=f"1385302{i:04d}", room=f"{i}01", now=t - timedelta(hours=5 - i))
        for i in range(3)
    ]
    assert heat
    steps = []

    def refresh_at(moment, label):
        figures = snapshot.refresh(moment)
        assert_same_figures(figures, from_scratch(season, moment))
        steps.append((label, figures.refresh_kind))

    refresh_at(t, "first")
    # A late callback on a week-old order (its week is recomputed, not this week).
    actions.do_callback(old.__class__.objects.get(pk=old.pk), supervisor, Satisfaction.UNSATISFIED,
                        now=t + timedelta(minutes=5))  # fmt: skip
    refresh_at(t + timedelta(minutes=6), "callback")
    # Re-routed to another company's community: the old community's row must drop.
    actions.do_reroute(
        WorkOrder.objects.get(pk=moving.pk),
        supervisor,
        small_city.communities["金鼎小区"],
        "地址有误",
        now=t + timedelta(minutes=10),
    )
    refresh_at(t + timedelta(minutes=11), "reroute")
    # Nobody writes, but the waiting order's sign deadline passes: the response rate changes.
    deadline = WorkOrder.objects.get(pk=waiting.pk).sign_deadline
    assert deadline > t + timedelta(minutes=11)
    refresh_at(deadline + timedelta(minutes=1), "deadline passed")
    # Much later: the heat-complaint cluster has left the 72-hour window.
    refresh_at(t + timedelta(hours=80), "cluster expired")
    refresh_at(t + timedelta(hours=80, minutes=5), "nothing")
    assert [kind for _label, kind in steps] == [
        "full",
        "incremental",
        "incremental",
        "incremental",
        "incremental",
        "unchanged",
    ]


def test_a_register_change_or_a_deleted_order_recomputes_everything(season, make_order, small_city):
    order = make_order()
    make_order(phone="13853012222")
    now = timezone.now()
    snapshot.refresh(now)
    community = small_city.communities["剑桥学府"]
    community.households = 1000
    community.save()
    figures = snapshot.refresh(now + timedelta(minutes=5))
    assert figures.refresh_kind == snapshot.RefreshKind.FULL
    assert figures.ranking[0].complaints_per_1000 == pytest.approx(2.0)
    order.events.all()._raw_delete(order.events.all().db)  # only a database admin could
    WorkOrder.objects.filter(pk=order.pk).delete()
    figures = snapshot.refresh(now + timedelta(minutes=10))
    assert figures.refresh_kind == snapshot.RefreshKind.FULL
    assert sum(r.orders for r in figures.rates) == 1


def test_the_page_says_when_the_figures_were_computed_and_last_found_unchanged(
    client, personas, make_order
):
    make_order()
    now = timezone.now()
    snapshot.refresh(now - timedelta(minutes=10))
    snapshot.refresh(now)
    client.force_login(personas["supervisor"])
    page = client.get(URL).content.decode()
    # With the date: figures served stale (worker down) may be days old (issue 16).
    computed = timezone.localtime(now - timedelta(minutes=10)).strftime("%m-%d %H:%M")
    checked = timezone.localtime(now).strftime("%m-%d %H:%M")
    assert f">{computed}</time>（10\xa0分钟前）" in page
    assert f"{checked} 核对时数据无变化" in page


def test_a_cluster_leaving_the_72_hour_window_is_dropped_without_any_write(
    season, make_order, personas, base_time
):
    from wennuan_workorder_test_fixtures import good_visit

    t = base_time
    # The season ended the day before: its period no longer grows a day at midnight, so the
    # clock alone (the window moving on) must drop the cluster.
    season.end_date = timezone.localdate(t) - timedelta(days=1)
    season.save()
    dispatcher = personas["dispatcher"]
    for i in range(3):
        created = t - timedelta(hours=5 - i)
        order = make_order(phone=f"1385302{i:04d}", room=f"{i}01", now=created)
        actions.do_accept(order, dispatcher, now=created + timedelta(minutes=10))
        good_visit(order, dispatcher, now=created + timedelta(minutes=40))
        actions.do_reply(order, dispatcher, "已入户，室温达标", now=created + timedelta(hours=1))
    assert len(snapshot.refresh(t).clusters) == 1
    # Resolved orders have no deadline left to pass: only the clock changes the clusters.
    later = t - timedelta(hours=5) + snapshot.CLUSTER_LOOKBACK + timedelta(minutes=1)
    figures = snapshot.refresh(later)
    assert figures.refresh_kind == snapshot.RefreshKind.INCREMENTAL
    assert figures.clusters == []
    assert_same_figures(figures, from_scratch(season, later))

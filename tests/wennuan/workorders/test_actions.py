"""Every transition of design §4.2 through the action functions, and what they refuse."""

import threading
import time
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import OperationalError
from django.utils import timezone

from wennuan.workorders import actions
from wennuan.workorders.actions import ActionError
from wennuan.workorders.choices import Category, Satisfaction, State, Verdict
from wennuan.workorders.models import Event, WorkOrder

from .fixtures import good_visit


def test_create_routes_to_the_community_company_with_deadlines(make_order, small_city):
    order = make_order()
    assert order.number.startswith("GN" + timezone.localtime().strftime("%Y%m%d"))
    assert len(order.number) == 15
    assert order.state == State.DISPATCHED
    assert order.company == small_city.north
    # not_warm in season: 1 h to sign, 24 h on site, 72 h to resolve, 24×7.
    assert order.sign_deadline - order.clock_started_at == timedelta(hours=1)
    assert order.onsite_deadline - order.clock_started_at == timedelta(hours=24)
    assert order.resolve_deadline - order.clock_started_at == timedelta(hours=72)
    assert order.due_at == order.sign_deadline
    assert order.press_at == order.clock_started_at + timedelta(minutes=48)
    assert [e.action for e in order.events.all()] == ["create", "dispatch"]
    second = make_order()
    assert int(second.number[-5:]) == int(order.number[-5:]) + 1


def test_full_loop(make_order, personas):
    order = make_order()
    dispatcher, tech, supervisor = (
        personas["dispatcher"],
        personas["technician"],
        personas["supervisor"],
    )
    order = actions.do_accept(order, dispatcher)
    assert order.state == State.ACCEPTED and order.due_at == order.onsite_deadline
    order = actions.do_assign(order, dispatcher, tech)
    assert order.state == State.IN_PROGRESS and order.assignee == tech
    visit = good_visit(order, tech, temp=21)
    assert visit.verdict == Verdict.COMPLIANT
    order.refresh_from_db()
    assert order.first_visit_at is not None and order.due_at == order.resolve_deadline
    order = actions.do_reply(order, dispatcher, "入户测温21°C，已达标。")
    # The reply waits for the reviewer (the city reviews publications by default).
    assert order.state == State.RESOLVED and not order.is_published
    order = actions.do_publish_reply(order, supervisor)
    assert order.state == State.RESOLVED and order.is_published
    actions.do_callback(order, supervisor, Satisfaction.SATISFIED, "满意")
    order.refresh_from_db()
    assert order.state == State.CALLBACK_DONE
    order = actions.do_close(order, supervisor)
    assert order.state == State.CLOSED
    assert [e.to_state for e in order.events.all()] == [
        "received",
        "dispatched",
        "accepted",
        "in_progress",
        "in_progress",
        "resolved",
        "resolved",
        "callback_done",
        "closed",
    ]
    assert all(e.actor_label for e in order.events.all())


def test_unsatisfied_callback_reopens_with_a_new_clock(make_order, personas):
    order = make_order(category=Category.LEAK)
    order = actions.do_accept(order, personas["dispatcher"])
    order = actions.do_reply(order, personas["dispatcher"], "已维修")
    actions.do_callback(order, personas["supervisor"], Satisfaction.UNSATISFIED, "还是漏")
    order.refresh_from_db()
    assert order.state == State.REOPENED
    assert order.due_at == order.sign_deadline > order.created_at
    order = actions.do_accept(order, personas["dispatcher"])
    assert order.state == State.ACCEPTED


def test_return_and_reroute_and_refusal(make_order, personas, small_city):
    order = make_order()
    with pytest.raises(ActionError) as error:
        actions.do_return(order, personas["dispatcher"], "  ")
    assert error.value.field == "reason"
    order = actions.do_return(order, personas["dispatcher"], "该小区不归我公司供热")
    assert order.state == State.RETURNED and order.due_at is None
    order = actions.do_reroute(
        order, personas["supervisor"], small_city.communities["金鼎小区"], "核实后改派"
    )
    assert order.state == State.DISPATCHED and order.company == small_city.south
    order = actions.do_return(order, personas["south_dispatcher"], "不是我们的")
    order = actions.do_refuse_return(order, personas["supervisor"], "经核实属贵公司")
    assert order.state == State.DISPATCHED and order.company == small_city.south


def test_extension_request_and_approval(make_order, personas):
    order = actions.do_accept(make_order(), personas["dispatcher"])
    until = order.resolve_deadline + timedelta(days=2)
    order = actions.do_request_extension(order, personas["dispatcher"], until, "需更换管道")
    assert order.extension_requested
    with pytest.raises(ActionError):
        actions.do_request_extension(order, personas["dispatcher"], until, "again")
    order = actions.do_decide_extension(order, personas["supervisor"], True, "同意")
    assert order.resolve_deadline == until and order.extension_approved
    assert not order.extension_requested


def test_press_supervise_merge_reject(make_order, personas):
    order = make_order()
    order = actions.do_press(order, personas["supervisor"], "请尽快签收")
    assert order.pressed
    deadline = timezone.now() + timedelta(hours=5)
    order = actions.do_supervise(order, personas["supervisor"], deadline, "限5小时办结")
    assert order.supervised and order.resolve_deadline == deadline
    duplicate = make_order()
    duplicate = actions.do_merge(duplicate, personas["bureau_operator"], order, "同一户")
    assert duplicate.state == State.MERGED and duplicate.master == order
    stray = make_order(community=None, category=Category.OTHER, text="问个路")
    assert stray.state == State.RECEIVED
    stray = actions.do_reject(stray, personas["bureau_operator"], "非供热事项")
    assert stray.state == State.REJECTED


def test_consultation_resolved_at_once(make_order, personas):
    order = make_order(category=Category.CONSULT, text="什么时候开始供暖？")
    order = actions.do_resolve_immediately(order, personas["bureau_operator"], "11月15日")
    assert order.state == State.RESOLVED
    not_warm = make_order()
    with pytest.raises(ActionError):
        actions.do_resolve_immediately(not_warm, personas["bureau_operator"], "x")


def test_transition_not_allowed_from_state_is_refused_and_changes_nothing(make_order, personas):
    order = make_order()
    before = list(Event.objects.filter(order=order).values_list("id", flat=True))
    with pytest.raises(ActionError) as error:
        actions.do_close(order, personas["supervisor"])
    assert "不能归档" in error.value.message
    with pytest.raises(ActionError):
        actions.do_reply(
            actions.do_accept(order, personas["dispatcher"]), personas["dispatcher"], "答"
        )
    order.refresh_from_db()
    assert order.state == State.ACCEPTED
    assert Event.objects.filter(order=order).count() == len(before) + 1


def test_stale_expected_state_is_a_conflict(make_order, personas):
    order = make_order()
    stale = WorkOrder.objects.get(pk=order.pk)
    actions.do_accept(order, personas["dispatcher"])
    with pytest.raises(ActionError) as error:
        actions.do_accept(stale, personas["dispatcher"])
    assert error.value.code == "conflict"
    assert "已被他人处理" in error.value.message
    assert Event.objects.filter(order=order, action="accept").count() == 1


def test_permissions_of_actions(make_order, personas):
    order = make_order()
    for name in ("south_dispatcher", "technician", "operator", "community_manager", "outsider"):
        with pytest.raises(PermissionDenied):
            actions.do_accept(order, personas[name])
    with pytest.raises(PermissionDenied):
        actions.do_press(order, personas["dispatcher"])
    order = actions.do_accept(order, personas["dispatcher"])
    order = actions.do_assign(order, personas["dispatcher"], personas["technician"])
    with pytest.raises(ActionError):
        actions.do_assign(order, personas["dispatcher"], personas["south_dispatcher"])


def test_temperature_out_of_range_is_refused(make_order, personas):
    with pytest.raises(ActionError) as error:
        make_order(stated_temp_c=55)
    assert error.value.field == "stated_temp_c"
    order = actions.do_accept(make_order(), personas["dispatcher"])
    count = Event.objects.count()
    with pytest.raises(ActionError) as error:
        good_visit(order, personas["dispatcher"], temp=-30)
    assert "-10 到 40" in error.value.message
    assert Event.objects.count() == count


@pytest.mark.parametrize("area", [-80.0, 0.0, float("nan"), float("inf"), 1e9, "九十"])
def test_home_area_must_be_a_real_homes_area(make_order, personas, area):
    """The area multiplies into the published fee refund: a typo must not become a refund."""
    order = actions.do_accept(make_order(), personas["dispatcher"])
    count = Event.objects.count()
    with pytest.raises(ActionError) as error:
        good_visit(order, personas["dispatcher"], home_area_m2=area)
    assert error.value.field == "home_area_m2"
    assert Event.objects.count() == count and not order.visits.exists()
    visit = good_visit(order, personas["dispatcher"], home_area_m2="96.5")
    assert visit.home_area_m2 == 96.5


def test_events_are_append_only(make_order):
    event = make_order().events.first()
    event.reason = "changed"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        Event.objects.all().update(reason="x")
    with pytest.raises(TypeError):
        Event.objects.all().delete()


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_accepts_exactly_one_wins(make_order, personas):
    order = make_order()
    outcomes = []
    barrier = threading.Barrier(2)

    def accept():
        from django.db import connections

        copy = WorkOrder.objects.get(pk=order.pk)
        barrier.wait()
        try:
            # In-memory shared-cache SQLite (the test database) has no busy timeout: a locked
            # table is retried here as a file database's timeout would. PostgreSQL blocks.
            for _attempt in range(200):
                try:
                    actions.do_accept(copy, personas["dispatcher"])
                    outcomes.append("ok")
                    break
                except ActionError as error:
                    outcomes.append(error.code)
                    break
                except OperationalError:
                    time.sleep(0.01)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=accept) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict", "ok"]
    assert Event.objects.filter(order=order, action="accept").count() == 1


def test_planning_opens_a_proactive_order_as_the_system(small_city, season):
    order = actions.do_create_order(
        None,
        text="预测今晚室温低于18°C（未诉先办）",
        phone="12319",
        channel="proactive",
        category=Category.NOT_WARM,
        community=small_city.communities["金鼎小区"],
    )
    assert order.state == State.DISPATCHED and order.company == small_city.south
    assert order.events.first().actor_label == "系统"

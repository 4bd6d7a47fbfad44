"""The outbox: SMS leave only after the change commits, through the worker, with retries,
backoff, a lease that a crashed worker's claim loses, and a log of every attempt."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from wennuan.lib import outbox
from wennuan.lib.models import DeliveryAttempt, OutboxMessage
from wennuan.workorders import actions, notify


class Gateway:
    """Stands in for the SMS gateway: records what it was asked to send; can be made to fail."""

    def __init__(self):
        self.sent: list[tuple[str, str]] = []
        self.failing = False

    def send(self, phone, text):
        if self.failing:
            raise ConnectionError("gateway timeout")
        self.sent.append((phone, text))


@pytest.fixture
def gateway(monkeypatch, personas):
    gateway = Gateway()
    monkeypatch.setattr(notify, "sms_backend", lambda: gateway)
    personas["dispatcher"].staff_profile.phone = "13853019999"
    personas["dispatcher"].staff_profile.save()
    return gateway


def test_a_rolled_back_press_sends_nothing(make_order, personas, gateway):
    order = make_order()
    with pytest.raises(RuntimeError), transaction.atomic():
        actions.do_press(order, personas["supervisor"], "请尽快处理")
        assert OutboxMessage.objects.count() == 1  # queued inside the transaction …
        raise RuntimeError("the request fails after the press")
    assert OutboxMessage.objects.count() == 0  # … and gone with it
    assert outbox.deliver_due() == (0, 0) and gateway.sent == []


def test_a_committed_press_is_sent_once_by_the_worker(make_order, personas, gateway):
    order = make_order()
    actions.do_press(order, personas["supervisor"], "请尽快处理")
    assert gateway.sent == []  # nothing leaves during the request
    assert outbox.deliver_due() == (1, 0)
    assert outbox.deliver_due() == (0, 0)
    assert gateway.sent == [("13853019999", f"工单 {order.number} 被催办：请尽快处理")]
    message = OutboxMessage.objects.get()
    assert message.status == "sent" and message.attempts == 1 and message.channel == "sms"
    assert [a.ok for a in DeliveryAttempt.objects.filter(message=message)] == [True]


def test_a_crashed_worker_does_not_send_twice_within_the_lease(make_order, personas, gateway):
    actions.do_press(make_order(), personas["supervisor"], "请尽快处理")
    message = OutboxMessage.objects.get()
    now = timezone.now()
    # Worker A claims the row, then dies before it sends or marks anything.
    assert outbox.claim(message.pk, "worker-a", now)
    assert outbox.deliver_due(now + timedelta(minutes=1), worker="worker-b") == (0, 0)
    assert outbox.deliver_due(now + outbox.LEASE - timedelta(seconds=1), worker="b") == (0, 0)
    assert gateway.sent == []
    # After the lease, worker B takes the row over and sends it, once.
    later = now + outbox.LEASE + timedelta(seconds=1)
    assert outbox.deliver_due(later, worker="worker-b") == (1, 0)
    assert outbox.deliver_due(later + timedelta(hours=1), worker="worker-c") == (0, 0)
    assert len(gateway.sent) == 1
    message.refresh_from_db()
    assert message.claimed_by == "worker-b" and message.attempts == 2  # the crash counted


def test_failures_are_retried_with_backoff_then_given_up(make_order, personas, gateway):
    actions.do_press(make_order(), personas["supervisor"], "请尽快处理")
    gateway.failing = True
    now = timezone.now()
    assert outbox.deliver_due(now) == (0, 1)
    message = OutboxMessage.objects.get()
    assert message.status == "pending" and "gateway timeout" in message.last_error
    assert message.next_attempt_at == now + timedelta(minutes=1)
    assert outbox.deliver_due(now + timedelta(seconds=59)) == (0, 0)  # backing off
    assert outbox.deliver_due(now + timedelta(minutes=1)) == (0, 1)
    message.refresh_from_db()
    assert message.next_attempt_at == now + timedelta(minutes=3)  # waited 2 more
    moment = message.next_attempt_at
    while message.status == "pending":
        outbox.deliver_due(moment)
        message.refresh_from_db()
        moment = message.next_attempt_at
    assert message.status == "failed" and message.attempts == outbox.MAX_ATTEMPTS
    assert DeliveryAttempt.objects.filter(message=message, ok=False).count() == outbox.MAX_ATTEMPTS
    assert gateway.sent == []


def test_channels_plug_in_by_name_and_unknown_ones_fail_cleanly(monkeypatch, db):
    delivered = []
    monkeypatch.setattr(
        outbox, "channels", lambda: {"webhook": lambda message: delivered.append(message.body)}
    )
    outbox.enqueue("webhook", "https://example.org/hook", "工单已办结")
    outbox.enqueue("carrier-pigeon", "屋顶", "？")
    assert outbox.deliver_due() == (1, 1)
    assert delivered == ["工单已办结"]
    pigeon = OutboxMessage.objects.get(channel="carrier-pigeon")
    assert "no backend" in pigeon.last_error and pigeon.status == "pending"
    assert outbox.backoff(1) == timedelta(minutes=1) and outbox.backoff(30) == outbox.BACKOFF_CAP


def test_a_channel_with_a_retry_window_is_tried_until_the_window_ends(monkeypatch, db):
    """The 12345 platform's webhook is retried for 24 hours (at most hourly), not 8 times."""
    monkeypatch.setattr(outbox, "channels", lambda: {"webhook": _always_failing})
    monkeypatch.setattr(outbox, "retry_windows", lambda: {"webhook": timedelta(hours=24)})
    start = timezone.now()
    outbox.enqueue("webhook", "https://12345.example/hook", "{}", now=start)
    message = OutboxMessage.objects.get()
    moment = last_try = start
    while message.status == "pending":
        assert outbox.deliver_due(moment) == (0, 1)
        last_try = moment
        message.refresh_from_db()
        moment = message.next_attempt_at
    assert message.status == "failed" and message.attempts > outbox.MAX_ATTEMPTS
    # Tried until the last hourly retry that still fell inside the 24 hours.
    assert timedelta(hours=23) <= last_try - start <= timedelta(hours=24)


def _always_failing(message):
    raise ConnectionError("12345 platform down")

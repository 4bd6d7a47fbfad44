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


# -- exactly once toward a gateway that can be asked (issue 18: one duplicate SMS in the drill)

START = timezone.make_aware(timezone.datetime(2026, 12, 3, 23, 58))  # Beijing, near midnight


class UnaskableGateway:
    """A gateway that takes the client message id but cannot be asked for it (the file and
    console backends, a deployment's own); can be made to accept a message and then "kill"
    the worker before it marks the row (SystemExit is not an Exception: nothing is logged, the
    claim stays, as after kill -9)."""

    def __init__(self):
        self.sent: list[tuple[str, str, str | None]] = []
        self.asked: list[tuple] = []
        self.kill_after_accepting = False
        self.query_fails = False

    def send(self, phone, text, *, client_id=None):
        self.sent.append((phone, text, client_id))
        if self.kill_after_accepting:
            self.kill_after_accepting = False
            raise SystemExit("kill -9 after the gateway accepted")


class AskableGateway(UnaskableGateway):
    """The same with the query: whether it has accepted a client message id."""

    def was_sent(self, phone, client_id, since, until):
        self.asked.append((phone, client_id, since, until))
        if self.query_fails:
            raise ConnectionError("query timed out")
        return any(sent[0] == phone and sent[2] == client_id for sent in self.sent)


def _queued_press(make_order, personas, time_machine):
    time_machine.move_to(START, tick=False)
    actions.do_press(make_order(), personas["supervisor"], "请尽快处理")
    return OutboxMessage.objects.get()


@pytest.fixture
def askable(monkeypatch, personas):
    gateway = AskableGateway()
    monkeypatch.setattr(notify, "sms_backend", lambda: gateway)
    personas["dispatcher"].staff_profile.phone = "13853019999"
    personas["dispatcher"].staff_profile.save()
    return gateway


def test_a_worker_killed_after_the_gateway_accepted_is_reconciled_not_resent(
    make_order, personas, askable, time_machine
):
    message = _queued_press(make_order, personas, time_machine)
    client_id = outbox.client_message_id(message)
    askable.kill_after_accepting = True
    with pytest.raises(SystemExit):
        outbox.deliver_due(START, worker="worker-a")
    assert askable.sent == [("13853019999", message.body, client_id)]
    assert not DeliveryAttempt.objects.exists()  # died before logging or marking
    # Within the lease nobody touches the row.
    time_machine.move_to(START + outbox.LEASE - timedelta(seconds=1), tick=False)
    assert outbox.deliver_due(worker="worker-b") == (0, 0) and askable.asked == []
    # After the lease the next worker asks the gateway, which has the id: nothing is sent.
    later = START + outbox.LEASE + timedelta(minutes=3)  # past Beijing midnight
    time_machine.move_to(later, tick=False)
    assert outbox.deliver_due(worker="worker-b") == (1, 0)
    assert askable.asked == [("13853019999", client_id, START, later)]
    assert len(askable.sent) == 1
    message.refresh_from_db()
    assert message.status == "sent" and message.attempts == 2 and message.claimed_until is None
    [attempt] = DeliveryAttempt.objects.filter(message=message)
    assert attempt.ok and attempt.worker == "worker-b"
    assert attempt.note.startswith("reconciled") and client_id in attempt.note
    time_machine.move_to(later + timedelta(hours=1), tick=False)
    assert outbox.deliver_due(worker="worker-c") == (0, 0) and len(askable.sent) == 1


def test_a_worker_killed_before_the_gateway_got_it_sends_once(
    make_order, personas, askable, time_machine
):
    message = _queued_press(make_order, personas, time_machine)
    assert outbox.claim(message.pk, "worker-a", START)  # claimed, then killed before sending
    later = START + outbox.LEASE + timedelta(seconds=1)
    time_machine.move_to(later, tick=False)
    assert outbox.deliver_due(worker="worker-b") == (1, 0)
    assert len(askable.asked) == 1
    assert askable.sent == [("13853019999", message.body, outbox.client_message_id(message))]
    [attempt] = DeliveryAttempt.objects.filter(message=message)
    assert attempt.ok and "has no" in attempt.note


def test_a_gateway_that_cannot_be_asked_gets_it_again_at_least_once(
    make_order, personas, monkeypatch, time_machine
):
    gateway = UnaskableGateway()
    monkeypatch.setattr(notify, "sms_backend", lambda: gateway)
    personas["dispatcher"].staff_profile.phone = "13853019999"
    personas["dispatcher"].staff_profile.save()
    message = _queued_press(make_order, personas, time_machine)
    gateway.kill_after_accepting = True
    with pytest.raises(SystemExit):
        outbox.deliver_due(START, worker="worker-a")
    time_machine.move_to(START + outbox.LEASE + timedelta(seconds=1), tick=False)
    assert outbox.deliver_due(worker="worker-b") == (1, 0)
    client_id = outbox.client_message_id(message)
    assert [sent[2] for sent in gateway.sent] == [client_id, client_id]  # the documented duplicate
    [attempt] = DeliveryAttempt.objects.filter(message=message)
    assert attempt.ok and "cannot be asked" in attempt.note and "at least once" in attempt.note


def test_a_failed_query_sends_again_and_says_so(make_order, personas, askable, time_machine):
    message = _queued_press(make_order, personas, time_machine)
    askable.kill_after_accepting = True
    with pytest.raises(SystemExit):
        outbox.deliver_due(START, worker="worker-a")
    askable.query_fails = True
    time_machine.move_to(START + outbox.LEASE + timedelta(seconds=1), tick=False)
    assert outbox.deliver_due(worker="worker-b") == (1, 0)
    assert len(askable.sent) == 2
    [attempt] = DeliveryAttempt.objects.filter(message=message)
    assert "query failed" in attempt.note and "query timed out" in attempt.note


def test_a_timeout_after_the_gateway_accepted_is_asked_about_not_resent(
    make_order, personas, askable, monkeypatch, time_machine
):
    """An outsider's 12-s gateway (longer than the client's timeout) turned 6 acceptance SMS
    into 21: a failure can come after the gateway accepted, and the retry did not ask."""
    message = _queued_press(make_order, personas, time_machine)
    client_id = outbox.client_message_id(message)

    def accepts_then_times_out(phone, text, *, client_id=None):
        askable.sent.append((phone, text, client_id))
        raise TimeoutError("read timed out")

    monkeypatch.setattr(askable, "send", accepts_then_times_out)
    assert outbox.deliver_due(START) == (0, 1)
    monkeypatch.undo()
    monkeypatch.setattr(notify, "sms_backend", lambda: askable)
    retry_at = START + outbox.backoff(1)
    time_machine.move_to(retry_at, tick=False)
    assert outbox.deliver_due() == (1, 0)
    assert askable.asked == [("13853019999", client_id, message.created_at, retry_at)]
    assert len(askable.sent) == 1  # not sent again
    notes = list(DeliveryAttempt.objects.filter(message=message).values_list("note", flat=True))
    assert notes[0] == "" and notes[1].startswith("reconciled: the last attempt failed")


def test_a_gateway_that_refused_is_asked_then_sent(
    make_order, personas, askable, monkeypatch, time_machine
):
    message = _queued_press(make_order, personas, time_machine)
    refusing = AskableGateway()
    refusing.send = lambda *args, **kwargs: (_ for _ in ()).throw(ConnectionError("503"))
    monkeypatch.setattr(notify, "sms_backend", lambda: refusing)
    assert outbox.deliver_due(START) == (0, 1)
    monkeypatch.setattr(notify, "sms_backend", lambda: askable)
    time_machine.move_to(START + outbox.backoff(1), tick=False)
    assert outbox.deliver_due() == (1, 0)
    assert len(askable.asked) == 1 and len(askable.sent) == 1
    notes = [a.note for a in DeliveryAttempt.objects.filter(message=message)]
    assert notes[1].startswith("the last attempt failed; the gateway has no")


def test_a_backend_with_the_older_send_still_gets_its_messages(make_order, personas, gateway):
    """``send(phone, text)`` without ``client_id`` (a deployment's own backend) keeps working."""
    actions.do_press(make_order(), personas["supervisor"], "请尽快处理")
    assert outbox.deliver_due() == (1, 0) and len(gateway.sent) == 1

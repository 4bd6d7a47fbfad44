"""The outbox: notifications leave only after the change that caused them has committed.

``enqueue`` writes an :class:`OutboxMessage` inside the caller's transaction; ``deliver_due``
(run by ``wennuan worker`` on each pass) sends what is due through the backend registered for
the message's channel and logs every attempt (:class:`DeliveryAttempt`).

Channels plug in without touching this module: an app declares ``CHANNELS`` in a module
``<app>/channels.py``, a mapping of channel name → ``deliver(message)`` that raises on failure
(``wennuan.workorders.channels`` registers ``sms``; wechat and webhook will follow the same way).

Delivery guarantees. A worker claims a row with a conditional UPDATE that sets a lease
(``claimed_until``); no other worker touches it until the lease lapses. After the attempt the
worker logs it and releases the row (sent, or pending with a backoff) in one transaction, only
while it still holds the claim. So a due row that still carries a ``claimed_until`` is a claim
whose worker died mid-attempt (kill -9, a database crash before the log was written): the
gateway may or may not have accepted the message.

Every message goes out with a client message id (:func:`client_message_id`, from the row's id
and creation time, the same on every retry). Before re-sending a row whose earlier claim lapsed,
the worker asks the channel's ``was_sent(message, since, until)`` (an app's optional
``channels.WAS_SENT``; SMS: Aliyun ``QuerySendDetails`` by ``OutId``, Tencent
``PullSmsSendStatusByPhoneNumber`` by ``SessionContext``) whether the gateway already has that
id: yes → the row is marked sent without sending (the attempt is logged with a "reconciled"
note); no → it is sent. A channel or backend that cannot be asked (no query, or the query
fails) → it is sent again and the note says so: for those, delivery stays *at least once*,
never lost. With a gateway that can be asked, a worker killed between the gateway's
acceptance and the mark sends nothing twice: *exactly once*.

A failed attempt is retried after ``BACKOFF_BASE × 2^(attempts-1)`` (capped at
``BACKOFF_CAP``); after ``MAX_ATTEMPTS`` the row is marked failed for a human to look at. A
failure may come after the gateway accepted (a read timeout), so the retry asks the gateway
first too, by the same rule. Aliyun lists an accepted message at once (exactly once); Tencent
lists a message only after its delivery report, so it can say "yes" but never "no" (at least
once).
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from .discovery import app_modules
from .models import DeliveryAttempt, OutboxMessage

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_CAP = timedelta(hours=1)
MAX_ATTEMPTS = 8


def channels() -> dict[str, Callable[[OutboxMessage], None]]:
    """Channel name → deliver function, from every app's ``channels.CHANNELS``."""
    registry: dict[str, Callable] = {}
    for module in app_modules("channels"):
        registry.update(module.CHANNELS)
    return registry


def retry_windows() -> dict[str, timedelta]:
    """Channel name → how long its messages are retried, from an app's optional
    ``channels.RETRY_FOR``. A channel without one gives up after ``MAX_ATTEMPTS``; a receiving
    system that may be down for a day (the 12345 platform's webhook) keeps being tried, at
    most every ``BACKOFF_CAP``, until its window from the message's creation has passed."""
    windows: dict[str, timedelta] = {}
    for module in app_modules("channels"):
        windows.update(getattr(module, "RETRY_FOR", {}))
    return windows


def sent_checks() -> dict[str, Callable[[OutboxMessage, datetime, datetime], bool | None]]:
    """Channel name → ``was_sent(message, since, until)``, from an app's optional
    ``channels.WAS_SENT``: whether the receiving system already accepted the message (sent with
    :func:`client_message_id`) between ``since`` and ``until``; ``None`` when it cannot tell."""
    checks: dict[str, Callable] = {}
    for module in app_modules("channels"):
        checks.update(getattr(module, "WAS_SENT", {}))
    return checks


def client_message_id(message: OutboxMessage) -> str:
    """The id a message carries to the gateway, the same on every attempt: the row's id and its
    creation second, so a restored or recreated database does not reuse an id already sent."""
    return f"wennuan-{message.pk}-{int(message.created_at.timestamp())}"


def gives_up(message: OutboxMessage, now: datetime, windows: dict[str, timedelta]) -> bool:
    """Whether the failed attempt just made was the message's last."""
    window = windows.get(message.channel)
    if window is None:
        return message.attempts >= MAX_ATTEMPTS
    return now + backoff(message.attempts) > message.created_at + window


def enqueue(
    channel: str,
    recipient: str,
    body: str,
    payload: dict | None = None,
    *,
    now=None,
    send_after=None,
):
    """Queue a notification; call it inside the transaction of the change it belongs to.
    ``send_after``: not before this moment (the quiet hours); default at once."""
    now = now or timezone.now()
    return OutboxMessage.objects.create(
        channel=channel,
        recipient=recipient,
        body=body,
        payload=payload or {},
        created_at=now,
        next_attempt_at=send_after or now,
    )


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def backoff(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed attempt: 1, 2, 4 … minutes, at most an hour."""
    return min(BACKOFF_BASE * 2 ** max(attempts - 1, 0), BACKOFF_CAP)


def _due(now: datetime):
    return OutboxMessage.objects.filter(
        status=OutboxMessage.Status.PENDING, next_attempt_at__lte=now
    ).filter(Q(claimed_until__isnull=True) | Q(claimed_until__lte=now))


def claim(message_id: int, worker: str, now: datetime, lease: timedelta = LEASE) -> bool:
    """Take the row for ``lease`` if it is due and unclaimed (or its claim has lapsed)."""
    return (
        _due(now)
        .filter(pk=message_id)
        .update(claimed_by=worker, claimed_until=now + lease, attempts=F("attempts") + 1)
        == 1
    )


def deliver_due(
    now: datetime | None = None, *, worker: str | None = None, limit: int = 100
) -> tuple[int, int]:
    """Send the messages due now: (sent, failed attempts). A message whose earlier claim
    lapsed and that the gateway says it already has counts as sent, without sending."""
    now = now or timezone.now()
    worker = worker or worker_name()
    registry, windows, checks = channels(), retry_windows(), sent_checks()
    sent = failed = 0
    due = _due(now).order_by("next_attempt_at", "id").values_list("pk", "claimed_until")
    for message_id, lapsed_claim_until in list(due[:limit]):
        if not claim(message_id, worker, now):
            continue  # another worker has it
        message = OutboxMessage.objects.get(pk=message_id)
        started = timezone.now()
        note = ""
        if lapsed_claim_until is not None or message.last_error:
            # Either the row was claimed until then and never released (that worker died
            # mid-attempt), or the last attempt failed — and a failure can come after the
            # gateway accepted (a read timeout: an outsider's 12-s gateway turned 6 SMS into
            # 21). Aliyun's own advice: check before retrying.
            already, note = _ask_gateway(
                checks.get(message.channel),
                message,
                now,
                interrupted=lapsed_claim_until is not None,
            )
            if already:
                _finish(message, worker, started, now, error="", note=note, windows=windows)
                sent += 1
                continue
        error = ""
        try:
            deliver = registry.get(message.channel)
            if deliver is None:
                raise LookupError(f"no backend for channel {message.channel!r}")
            deliver(message)
        except Exception as exc:  # noqa: BLE001 - a gateway's failure is logged and retried
            error = repr(exc)
            logger.warning("outbox %s attempt %s failed: %s", message_id, message.attempts, error)
        _finish(message, worker, started, now, error=error, note=note, windows=windows)
        if error:
            failed += 1
        else:
            sent += 1
    return sent, failed


def _ask_gateway(was_sent, message: OutboxMessage, until: datetime, *, interrupted: bool):
    """(already accepted?, the note for the log) for a message whose earlier attempt was
    interrupted (its claim lapsed) or failed. Asked over the message's whole life: any
    earlier attempt may be the one the gateway accepted."""
    message_ref = client_message_id(message)
    earlier = "an earlier attempt was interrupted" if interrupted else "the last attempt failed"
    if was_sent is None:
        verdict, reason = None, "the gateway cannot be asked"
    else:
        try:
            verdict = was_sent(message, message.created_at, until)
            reason = "the gateway cannot be asked or cannot tell"
        except Exception as exc:  # noqa: BLE001 - a failed query is the same as no query
            verdict, reason = None, f"the query failed: {exc!r}"[:200]
    if verdict:
        note = f"reconciled: {earlier}; the gateway has {message_ref}"
        logger.info("outbox %s: %s, not sent again", message.pk, note)
        return True, note + ", not sent again"
    if verdict is False:
        return False, f"{earlier}; the gateway has no {message_ref}"
    if not interrupted and was_sent is None:
        return False, ""  # a channel that cannot be asked retries as it always did
    note = f"{earlier} and {reason}: sent again (at least once)"
    logger.warning("outbox %s: %s", message.pk, note)
    return False, note


def _finish(message, worker, started, now, *, error: str, note: str, windows) -> None:
    """Log the attempt and release the row, together: a row still claimed after its lease is
    then always an attempt that did not finish (see the module's docstring)."""
    held = OutboxMessage.objects.filter(pk=message.pk, claimed_by=worker)
    with transaction.atomic():
        DeliveryAttempt.objects.create(
            message=message,
            worker=worker,
            started_at=started,
            finished_at=timezone.now(),
            ok=not error,
            error=error,
            note=note[:300],
        )
        if not error:
            held.update(
                status=OutboxMessage.Status.SENT, sent_at=now, claimed_until=None, last_error=""
            )
            return
        gave_up = gives_up(message, now, windows)
        held.update(
            status=OutboxMessage.Status.FAILED if gave_up else OutboxMessage.Status.PENDING,
            next_attempt_at=now + backoff(message.attempts),
            claimed_until=None,
            last_error=error,
        )

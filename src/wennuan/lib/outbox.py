"""The outbox: notifications leave only after the change that caused them has committed.

``enqueue`` writes an :class:`OutboxMessage` inside the caller's transaction; ``deliver_due``
(run by ``wennuan worker`` on each pass) sends what is due through the backend registered for
the message's channel and logs every attempt (:class:`DeliveryAttempt`).

Channels plug in without touching this module: an app declares ``CHANNELS`` in a module
``<app>/channels.py``, a mapping of channel name → ``deliver(message)`` that raises on failure
(``wennuan.workorders.channels`` registers ``sms``; wechat and webhook will follow the same way).

Delivery guarantees. A worker claims a row with a conditional UPDATE that sets a lease
(``claimed_until``); no other worker touches it until the lease lapses. After sending, the
worker marks the row sent only while it still holds the claim. So within a lease a message
is sent at most once; a worker that dies between sending and marking leaves the row to be
claimed and sent again after the lease: delivery is *at least once*, never lost. Exactly once
is impossible with an external gateway that cannot be asked "did you get it?"; the message id
is passed to the backend (``message.pk``) so a gateway with client message ids can drop the
duplicate. A failed attempt is retried after ``BACKOFF_BASE × 2^(attempts-1)`` (capped at
``BACKOFF_CAP``); after ``MAX_ATTEMPTS`` the row is marked failed for a human to look at.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable
from datetime import datetime, timedelta

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
    """Send the messages due now: (sent, failed attempts)."""
    now = now or timezone.now()
    worker = worker or worker_name()
    registry, windows = channels(), retry_windows()
    sent = failed = 0
    for message_id in list(
        _due(now).order_by("next_attempt_at", "id").values_list("pk", flat=True)[:limit]
    ):
        if not claim(message_id, worker, now):
            continue  # another worker has it
        message = OutboxMessage.objects.get(pk=message_id)
        started = timezone.now()
        error = ""
        try:
            deliver = registry.get(message.channel)
            if deliver is None:
                raise LookupError(f"no backend for channel {message.channel!r}")
            deliver(message)
        except Exception as exc:  # noqa: BLE001 - a gateway's failure is logged and retried
            error = repr(exc)
            logger.warning("outbox %s attempt %s failed: %s", message_id, message.attempts, error)
        DeliveryAttempt.objects.create(
            message=message,
            worker=worker,
            started_at=started,
            finished_at=timezone.now(),
            ok=not error,
            error=error,
        )
        held = OutboxMessage.objects.filter(pk=message_id, claimed_by=worker)
        if not error:
            held.update(
                status=OutboxMessage.Status.SENT, sent_at=now, claimed_until=None, last_error=""
            )
            sent += 1
            continue
        gave_up = gives_up(message, now, windows)
        held.update(
            status=OutboxMessage.Status.FAILED if gave_up else OutboxMessage.Status.PENDING,
            next_attempt_at=now + backoff(message.attempts),
            claimed_until=None,
            last_error=error,
        )
        failed += 1
    return sent, failed

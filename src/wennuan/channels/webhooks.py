"""Push-back to the 12345 platform: each event of an order it pushed is POSTed to its webhook
subscriptions, signed, through the outbox (``wennuan.lib.outbox``, channel ``webhook``).

When an order's history gains an event (``workorders.Event``) that a subscription of the
order's API client wants, a webhook message is queued in the same transaction; the worker
delivers it after the commit, retrying with backoff, and logs every attempt.

The request (documented for the platform in docs/integration.md and the OpenAPI description):

    POST <subscription url>
    Content-Type: application/json; charset=utf-8
    X-Wennuan-Event: signed | visited | replied | extension_requested | extension_decided |
                     returned | closed
    X-Wennuan-Delivery: <outbox message id>      (the same id on a retry: drop duplicates)
    X-Wennuan-Timestamp: <Unix seconds at sending>
    X-Wennuan-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>

    {"event": …, "sequence": <event id, increasing per order>, "at": ISO 8601,
     "reason": …, "data": {…}, "order": {the order as GET /api/v1/workorders/N returns it}}

A 2xx answer is success; anything else (or no answer in 10 s) is retried. Events of one order
are delivered in order: a message waits while an earlier one for the same subscription and
order is still pending.
"""

import hashlib
import hmac
import json
import logging
import time

import requests
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from wennuan.api.payloads import order_payload
from wennuan.lib.models import OutboxMessage
from wennuan.lib.outbox import enqueue
from wennuan.workorders.models import Event

from .models import WebhookEvent, WebhookSubscription

log = logging.getLogger("wennuan.channels.webhooks")

CHANNEL = "webhook"
TIMEOUT_S = 10

# Which history actions the platform hears about, and under which event name.
EVENT_OF_ACTION = {
    "accept": WebhookEvent.SIGNED,
    "record_visit": WebhookEvent.VISITED,
    "reply": WebhookEvent.REPLIED,
    "resolve_immediately": WebhookEvent.REPLIED,
    "request_extension": WebhookEvent.EXTENSION_REQUESTED,
    "decide_extension": WebhookEvent.EXTENSION_DECIDED,
    "return": WebhookEvent.RETURNED,
    "close": WebhookEvent.CLOSED,
}


class WebhookRefused(Exception):
    """The subscriber answered something other than 2xx, or could not be reached."""


class EarlierEventPending(Exception):
    """An earlier event of the same order is not delivered yet; this one waits its turn."""


def sign(secret: str, timestamp: str, body: str) -> str:
    """``sha256=`` + hex HMAC-SHA256 of ``"<timestamp>.<body>"`` keyed with the secret."""
    mac = hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def event_body(event: Event, name: str) -> str:
    return json.dumps(
        {
            "event": name,
            "sequence": event.pk,
            "at": event.at.isoformat(),
            "reason": event.reason,
            "data": event.data,
            "order": order_payload(event.order),
        },
        ensure_ascii=False,
        default=str,
    )


@receiver(post_save, sender=Event, dispatch_uid="channels-webhooks-on-event")
def queue_webhooks(sender, instance: Event, created: bool, **kwargs):
    """Runs inside the action's transaction: the message exists only if the change commits."""
    if not created:
        return
    name = EVENT_OF_ACTION.get(instance.action)
    order = instance.order
    if name is None or not order.api_client_id:
        return
    subscriptions = WebhookSubscription.objects.filter(
        client_id=order.api_client_id, is_active=True
    )
    for subscription in subscriptions:
        if subscription.wants(name):
            enqueue(
                CHANNEL,
                subscription.url,
                event_body(instance, name),
                {"subscription": subscription.pk, "event": name, "order": order.number},
            )


def deliver_webhook(message: OutboxMessage) -> None:
    """The outbox backend of channel ``webhook``: POST, signed at sending time."""
    subscription = WebhookSubscription.objects.filter(
        pk=message.payload.get("subscription")
    ).first()
    if subscription is None or not subscription.is_active:
        raise WebhookRefused("subscription removed or disabled")
    earlier = OutboxMessage.objects.filter(
        channel=CHANNEL,
        pk__lt=message.pk,
        status=OutboxMessage.Status.PENDING,
        payload__subscription=subscription.pk,
        payload__order=message.payload.get("order"),
    )
    if earlier.exists():
        raise EarlierEventPending(f"waiting for message {earlier.first().pk}")
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "X-Wennuan-Event": message.payload.get("event", ""),
        "X-Wennuan-Delivery": str(message.pk),
        "X-Wennuan-Timestamp": timestamp,
        "X-Wennuan-Signature": sign(subscription.secret, timestamp, message.body),
    }
    try:
        response = requests.post(
            subscription.url, data=message.body.encode(), headers=headers, timeout=TIMEOUT_S
        )
    except requests.RequestException as error:
        raise WebhookRefused(f"{type(error).__name__}: {error}"[:300]) from error
    if not 200 <= response.status_code < 300:
        raise WebhookRefused(f"HTTP {response.status_code}: {response.text[:200]}")
    log.info(
        "webhook %s %s delivered to %s", message.pk, headers["X-Wennuan-Event"], message.recipient
    )


def resend(messages) -> int:
    """Queue webhook messages again (the bureau's "resend"): pending, due now, attempts reset."""
    return messages.filter(channel=CHANNEL).update(
        status=OutboxMessage.Status.PENDING,
        next_attempt_at=timezone.now(),
        attempts=0,
        claimed_by="",
        claimed_until=None,
    )


def openapi_webhooks() -> dict:
    """The push-back request as an OpenAPI webhook description (``x-webhooks`` of the API's
    OpenAPI 3.0 document; OpenAPI 3.1 calls the same object ``webhooks``)."""
    header = {"in": "header", "required": True, "schema": {"type": "string"}}
    return {
        "orderEvent": {
            "post": {
                "summary": "An event of an order the client pushed (签收, 入户, 答复, 延期, 退单, 归档)",
                "description": (
                    "Sent to each URL the client subscribed (admin: 回推订阅). Verify "
                    "X-Wennuan-Signature = 'sha256=' + hex HMAC-SHA256(secret, "
                    "X-Wennuan-Timestamp + '.' + raw body) and reject old timestamps. Answer "
                    "2xx; anything else is retried with backoff. X-Wennuan-Delivery is the same "
                    "on a retry. Events of one order arrive in order (increasing sequence)."
                ),
                "parameters": [
                    {**header, "name": "X-Wennuan-Event"},
                    {**header, "name": "X-Wennuan-Delivery"},
                    {**header, "name": "X-Wennuan-Timestamp"},
                    {**header, "name": "X-Wennuan-Signature"},
                ],
                "requestBody": {
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "event": {"type": "string", "enum": list(WebhookEvent.values)},
                                    "sequence": {"type": "integer"},
                                    "at": {"type": "string", "format": "date-time"},
                                    "reason": {"type": "string"},
                                    "data": {"type": "object"},
                                    "order": {"$ref": "#/components/schemas/WorkOrder"},
                                },
                            }
                        }
                    }
                },
                "responses": {"200": {"description": "received"}},
            }
        }
    }

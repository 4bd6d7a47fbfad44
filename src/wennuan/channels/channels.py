"""The outbox channels this app delivers (see wennuan.lib.outbox): ``webhook`` (push-back to
the 12345 platform's subscriptions)."""

from .webhooks import deliver_webhook

CHANNELS = {"webhook": deliver_webhook}

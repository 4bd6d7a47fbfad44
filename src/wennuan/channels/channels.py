"""The outbox channels this app delivers (see wennuan.lib.outbox): ``webhook`` (push-back to
the 12345 platform's subscriptions) and ``wechat`` (notices to a WeChat subscriber)."""

from datetime import timedelta

from .webhooks import deliver_webhook
from .wechat_send import send_to_subscriber


def deliver_wechat(message) -> None:
    send_to_subscriber(message.recipient, message.body)


CHANNELS = {"webhook": deliver_webhook, "wechat": deliver_wechat}
# The 12345 platform may be down for a day (issue 19): its push-backs are retried for 24 hours.
RETRY_FOR = {"webhook": timedelta(hours=24)}

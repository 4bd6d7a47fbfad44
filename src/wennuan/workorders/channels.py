"""The outbox channels this app delivers (see wennuan.lib.outbox): SMS through the configured
gateway (``WENNUAN_SMS_BACKEND``)."""

from . import notify


def deliver_sms(message) -> None:
    notify.sms_backend().send(message.recipient, message.body)


CHANNELS = {"sms": deliver_sms}

"""The outbox channels this app delivers (see wennuan.lib.outbox): SMS through the configured
gateway (``WENNUAN_SMS_BACKEND``), each message with its client message id; and, for a message
whose earlier attempt was interrupted, the question whether the gateway already has it (a
backend with ``was_sent``: the Aliyun and Tencent backends of ``wennuan.channels.sms``)."""

import inspect

from wennuan.lib.outbox import client_message_id

from . import notify


def _takes_client_id(send) -> bool:
    """Whether a backend's ``send`` accepts ``client_id=`` (a deployment's own backend may only
    have the older ``send(phone, text)``)."""
    parameters = inspect.signature(send).parameters
    return "client_id" in parameters or any(
        p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()
    )


def deliver_sms(message) -> None:
    backend = notify.sms_backend()
    if _takes_client_id(backend.send):
        backend.send(message.recipient, message.body, client_id=client_message_id(message))
    else:
        backend.send(message.recipient, message.body)


def sms_was_sent(message, since, until) -> bool | None:
    """Whether the gateway accepted this message between ``since`` and ``until``; ``None`` when
    the backend cannot be asked."""
    backend = notify.sms_backend()
    if not hasattr(backend, "was_sent"):
        return None
    return backend.was_sent(message.recipient, client_message_id(message), since, until)


CHANNELS = {"sms": deliver_sms}
WAS_SENT = {"sms": sms_was_sent}

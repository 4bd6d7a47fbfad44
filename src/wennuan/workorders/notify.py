"""Notifications of presses and breaches: an in-app inbox for staff, and SMS through the
outbox (wennuan.lib.outbox: queued in the change's transaction, sent by the worker after it
commits; a rolled-back press sends nothing and a slow gateway holds no lock).

No SMS gateway is connected. ``FileSmsBackend`` (the default) only appends each message to a
file, ``ConsoleSmsBackend`` prints it; a deployment plugs in a real gateway by naming a class
with a ``send(phone, text)`` method in the setting ``WENNUAN_SMS_BACKEND``. A backend whose
``send`` also takes ``client_id=`` gets the outbox's client message id, and one with
``was_sent(phone, client_id, since, until)`` is asked before a message whose earlier attempt
was interrupted is sent again (``wennuan.channels.sms``: Aliyun and Tencent).
"""

import sys
from datetime import datetime

from django.conf import settings
from django.utils.module_loading import import_string

from wennuan.lib.outbox import enqueue
from wennuan.staff.choices import Role
from wennuan.staff.models import StaffProfile

from .models import InboxMessage


class ConsoleSmsBackend:
    """Prints messages instead of sending them (demo / development)."""

    def send(self, phone: str, text: str) -> None:
        print(f"[SMS (not sent) → {phone}] {text}", file=sys.stdout, flush=True)


class FileSmsBackend:
    """Appends messages to ``sms-outbox.log`` in the data folder; sends nothing."""

    def send(self, phone: str, text: str) -> None:
        path = settings.DATA_DIR / "sms-outbox.log"
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as outbox:
            outbox.write(f"{datetime.now().isoformat(timespec='seconds')}\t{phone}\t{text}\n")


def sms_backend():
    name = getattr(settings, "WENNUAN_SMS_BACKEND", "wennuan.workorders.notify.FileSmsBackend")
    return import_string(name)()


def notify_order_staff(order, text: str, *, supervisors: bool = False) -> int:
    """Inbox (and SMS where a phone is known) for the order's company dispatchers, and for the
    bureau's supervisors when asked. Returns the number of people notified. Call it inside the
    change's transaction: the SMS waits in the outbox until that commits."""
    profiles = StaffProfile.objects.none()
    if order.company_id:
        profiles = StaffProfile.objects.filter(
            role=Role.COMPANY_DISPATCHER, company_id=order.company_id
        )
    if supervisors:
        profiles = profiles | StaffProfile.objects.filter(role=Role.SUPERVISOR)
    count = 0
    for profile in profiles.select_related("user"):
        InboxMessage.objects.create(user=profile.user, order=order, text=text[:200])
        if profile.phone:
            enqueue("sms", profile.phone, text, {"order": order.number})
        count += 1
    return count

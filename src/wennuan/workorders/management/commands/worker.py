"""`wennuan worker`: the deadline sweeps of design §4.3 and the apps' periodic tasks
(wennuan.lib.scheduling: daily plans, weekly reports, reminders) and the outbox's deliveries
(wennuan.lib.outbox), forever or once.

Several workers may run over one database: each press and each breach is a conditional
UPDATE on the columns the worker read, so only one of them acts on an order.
"""

import time

from django.core.management.base import BaseCommand

from wennuan.lib.outbox import deliver_due
from wennuan.lib.scheduling import run_due_tasks
from wennuan.workorders.actions import sweep


class Command(BaseCommand):
    help = "Press orders at 80 % of a deadline and mark breaches overdue (--once: one pass)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="one sweep, then exit")
        parser.add_argument("--interval", type=float, default=30.0, help="seconds between sweeps")

    def handle(self, *args, once=False, interval=30.0, **options):
        while True:
            pressed, breached = sweep()
            if pressed or breached or once:
                self.stdout.write(f"pressed {pressed}, overdue {breached}")
            sent, failed = deliver_due()  # notifications of committed changes
            if sent or failed:
                self.stdout.write(f"sent {sent}, failed attempts {failed}")
            for line in run_due_tasks():
                self.stdout.write(line)
            if once:
                return
            time.sleep(interval)

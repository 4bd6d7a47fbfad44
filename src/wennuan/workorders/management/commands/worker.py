"""`wennuan worker`: the deadline sweeps of design §4.3 and the apps' periodic tasks
(wennuan.lib.scheduling: daily plans, weekly reports, reminders) and the outbox's deliveries
(wennuan.lib.outbox), forever or once.

Several workers may run over one database: each press and each breach is a conditional
UPDATE on the columns the worker read, so only one of them acts on an order.
"""

import time

from django.core.management.base import BaseCommand
from django.db import InterfaceError, OperationalError, connections
from django.utils import timezone

from wennuan.lib.outbox import deliver_due
from wennuan.lib.scheduling import record_worker_pass, run_due_tasks
from wennuan.workorders.actions import sweep


class Command(BaseCommand):
    help = (
        "Press orders at 80 % of a deadline, mark breaches overdue and run the periodic tasks "
        "(daily plans, weekly reports, reminders); forever, or one pass with --once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="one sweep, then exit")
        parser.add_argument("--interval", type=float, default=30.0, help="seconds between sweeps")

    def handle(self, *args, once=False, interval=30.0, **options):
        while True:
            try:
                self._one_pass(once)
            except (OperationalError, InterfaceError) as error:
                if once:
                    raise
                # The database went away (restart, failover): the pass is lost, not the
                # worker. Every step is a claim or a conditional update, so the next pass
                # redoes what this one left (issue 18: a PostgreSQL restart killed it).
                self._say(f"database unavailable, retrying in {interval:g} s: {error}".strip())
                connections.close_all()
            if once:
                return
            time.sleep(interval)

    def _one_pass(self, once: bool) -> None:
        pressed, breached = sweep()
        if pressed or breached or once:
            self._say(f"pressed {pressed}, overdue {breached}")
        sent, failed = deliver_due()  # notifications of committed changes
        if sent or failed:
            self._say(f"sent {sent}, failed attempts {failed}")
        for line in run_due_tasks():
            self._say(line)
        record_worker_pass()

    def _say(self, line: str) -> None:
        # Time-stamped like the log lines (journald adds its own; a log file does not).
        stamp = timezone.localtime().strftime("%Y-%m-%d %H:%M:%S")
        self.stdout.write(f"{stamp} {line}")

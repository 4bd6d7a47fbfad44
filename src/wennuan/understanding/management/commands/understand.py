"""`wennuan understand`: JSON lines {"text": …} on stdin → one reading per line on stdout."""

from __future__ import annotations

import json
import os
import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from wennuan.registry.models import City, Community
from wennuan.understanding import process_lines, register_index


class Command(BaseCommand):
    help = (
        'Reads JSON lines {"text": …} from stdin and writes one JSON object a line with '
        "heating, category, category_confidence, category_top2, temperature_c, community, "
        "community_score, building, unit, room, phone (design §5, §8), matching communities "
        "against the register; local phone numbers get the City's area code."
    )
    # Tests pass their own stdin through call_command.
    stealth_options = ("stdin",)
    # The system checks import every app's URLs and views (planning, physics, pandas): 1–2 s
    # of a start-up whose target is 2 s, for a command that only reads two tables. `wennuan
    # check` runs them.
    requires_system_checks = []

    def handle(self, *args, **options):
        try:
            index = register_index(
                Community.objects.values_list("name", "aliases", "district", "address")
            )
            city = City.objects.first()
        except DatabaseError as error:
            # A first try before any `wennuan demo`/migrate: say what to do, not a traceback.
            raise CommandError(
                f"cannot read the register from the database ({error}); run `wennuan demo` "
                "or `wennuan manage migrate` and `wennuan import-register FILE` first"
            ) from error
        if not index.entries:
            self.stderr.write(
                "warning: the register has no communities; every `community` will be null "
                "(`wennuan demo` or `wennuan import-register FILE` fills it)"
            )
        area_code = city.area_code if city else ""
        stdin = options.get("stdin") or sys.stdin
        try:
            for output in process_lines(stdin, index, area_code):
                # Flushed per line so that a caller can stream texts through one process.
                self.stdout.write(json.dumps(output, ensure_ascii=False))
                self.stdout.flush()
        except BrokenPipeError:
            # The reader went away (`… | head`): not an error. Point stdout at /dev/null so
            # that the interpreter's final flush does not fail again (Python docs, SIGPIPE).
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())

"""`wennuan understand`: JSON lines {"text": …} on stdin → one reading per line on stdout."""

from __future__ import annotations

import json
import os
import sys

from django.core.management.base import BaseCommand

from wennuan.understanding import process_lines, register_index


class Command(BaseCommand):
    help = (
        'Reads JSON lines {"text": …} from stdin and writes one JSON object a line with '
        "category, category_confidence, temperature_c, community, community_score, building, "
        "unit, room, phone (design §5, §8), matching communities against the register."
    )
    # Tests pass their own stdin through call_command.
    stealth_options = ("stdin",)

    def handle(self, *args, **options):
        from wennuan.registry.models import Community

        index = register_index(
            Community.objects.values_list("name", "aliases", "district", "address")
        )
        stdin = options.get("stdin") or sys.stdin
        try:
            for output in process_lines(stdin, index):
                # Flushed per line so that a caller can stream texts through one process.
                self.stdout.write(json.dumps(output, ensure_ascii=False))
                self.stdout.flush()
        except BrokenPipeError:
            # The reader went away (`… | head`): not an error. Point stdout at /dev/null so
            # that the interpreter's final flush does not fail again (Python docs, SIGPIPE).
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())

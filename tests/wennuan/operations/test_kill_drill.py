"""Issue 18: the kill -9 drill (``benchmarks/kill_drill.py``), small and bounded in time: a
web worker, the gunicorn master, `wennuan worker` and (on PostgreSQL) the database are killed
while clients send complaints and retry with the same Idempotency-Key. Every acknowledged
complaint must be stored once and every citizen get the acceptance SMS exactly once (a send
cut off by a kill is looked up at the fake gateway by its client message id, after the
outbox's 5-minute lease: hence the 420 s drain); the script exits 1 otherwise. PostgreSQL when
its binaries are installed (CI), else SQLite."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
SCRIPT = REPO / "benchmarks" / "kill_drill.py"

pytestmark = [pytest.mark.slow]


def test_kill_drill_loses_and_doubles_nothing():
    database = "postgres" if list(Path("/usr/lib/postgresql").glob("*/bin/initdb")) else "sqlite"
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    completed = subprocess.run(
        [sys.executable, str(SCRIPT), "--database", database, "--complaints", "240",
         "--clients", "16", "--workers", "4", "--seconds", "240", "--drain-seconds", "420"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=1200,
    )  # fmt: skip
    report = completed.stdout + completed.stderr[-3000:]
    assert completed.returncode == 0, report
    table = [line for line in completed.stdout.splitlines() if line.startswith(f"| {database}")]
    cells = [cell.strip() for cell in table[0].strip("|").split("|")]
    errors, unanswered, acknowledged, lost, doubled = (int(c) for c in cells[5:10])
    assert (errors, unanswered, lost, doubled) == (0, 0, 0, 0) and acknowledged == 240, report
    sms_expected, sms_sent, sms_duplicate, sms_missing = (int(c) for c in cells[11:15])
    assert sms_sent == sms_expected and (sms_duplicate, sms_missing) == (0, 0), report
    assert "kill -9 gunicorn worker" in report and "kill -9 gunicorn master" in report
    assert "kill -9 `wennuan worker`" in report
    if database == "postgres":
        assert "PostgreSQL started again" in report

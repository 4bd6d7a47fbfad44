"""Benchmark: intake, demo load and the plan of the city, old code against new, in one run.

Each measurement runs in a fresh child process whose ``PYTHONPATH`` puts one checkout's
``src`` first (the same virtualenv and dependencies for both), so the two versions of the code
alternate (old, new, new, old, …) on the same machine at the same time; CPU time of the child
(``time.process_time``: Python, Django and SQLite), not wall time, because the machine is shared.

    .venv/bin/python benchmarks/arch_side_by_side.py --old /work/main --new . [--rounds 2]

- intake: median CPU ms of one ``POST /api/v1/workorders`` (test client, token,
  Idempotency-Key, the complaint reader, routing with deadlines, events) over ``--intakes``
  requests after 10 warm-up ones, on a fresh SQLite database with the demo register;
- demo load: CPU s of ``wennuan demo --no-serve``'s steps (migrate, register, every app's
  demo_data, one transaction), as ``benchmarks/demo_load.py`` of that checkout measures them;
- plan of the city: CPU s of ``compute_plans`` for every company of the loaded demo city for
  today (best of two), on the database the demo load of the same round left.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

CHILD_INTAKE = r"""
import json, random, statistics, sys, time
sys.path.insert(0, sys.argv[2])
from workorders_common import fresh_database
fresh_database(sys.argv[1])
from django.test import Client
from wennuan.registry.models import Community
try:
    from wennuan.api.models import ApiClient
except ImportError:
    from wennuan.workorders.models import ApiClient
names = list(Community.objects.order_by("name").values_list("name", flat=True))
rng = random.Random(1)
_client, token = ApiClient.issue("bench")
client = Client()
def intake(index):
    community = rng.choice(names)
    body = json.dumps({"text": f"{community}{rng.randrange(1, 20)}号楼{rng.randrange(1, 4)}单元"
        f"{rng.randrange(1, 19)}0{rng.randrange(1, 3)}暖气不热，室温{rng.randrange(12, 18)}度",
        "phone": f"139{rng.randrange(10**8):08d}", "channel": "12345"}, ensure_ascii=False)
    response = client.post("/api/v1/workorders", data=body, content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=f"k-{index}", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 201, response.content
for index in range(10):
    intake(-index - 1)
samples = []
for index in range(int(sys.argv[3])):
    started = time.process_time()
    intake(index)
    samples.append((time.process_time() - started) * 1000)
print("RESULT", json.dumps({"intake_ms": statistics.median(samples)}))
"""

CHILD_PLAN = r"""
import json, time
import django
django.setup()
from django.utils import timezone
from wennuan.planning.choices import PlanTrigger
from wennuan.planning.engine import compute_plans
from wennuan.planning.weather import choose_forecast
from wennuan.registry.models import City
day = timezone.localdate()
city = City.objects.get()
times = []
for _ in range(2):
    started = time.process_time()
    compute_plans(day, weather=choose_forecast(city, day), trigger=PlanTrigger.COMMAND)
    times.append(time.process_time() - started)
print("RESULT", json.dumps({"plan_s": min(times)}))
"""


def child_env(checkout: Path, data_dir: Path) -> dict:
    env = {
        **os.environ,
        "PYTHONPATH": str(checkout / "src"),
        "DJANGO_SETTINGS_MODULE": "wennuan.config.settings",
        "WENNUAN_DATA_DIR": str(data_dir),
        "SECRET_KEY": "benchmark-" + "s" * 40,
        "DEBUG": "0",
        "ALLOWED_HOSTS": "testserver",
    }
    env.pop("DATABASE_URL", None)
    return env


def run(args: list[str], env: dict) -> str:
    result = subprocess.run(args, env=env, capture_output=True, text=True, timeout=3600)
    if result.returncode != 0:
        raise SystemExit(f"{args[:3]} failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}")
    return result.stdout


def measure(checkout: Path, intakes: int) -> dict:
    python = sys.executable
    found = {}
    with tempfile.TemporaryDirectory(prefix="wennuan-arch-bench-") as tmp:
        data = Path(tmp)
        env = child_env(checkout, data)
        database = f"sqlite:///{data}/intake.sqlite3"
        out = run([python, "-c", CHILD_INTAKE, database, str(checkout / "benchmarks"), str(intakes)], {**env, "DATABASE_URL": database})  # fmt: skip
        found.update(json.loads(out.split("RESULT", 1)[1]))
        # demo_load.py loads the demo into a throwaway data folder of its own (kept): the plan
        # is computed there.
        before = set(Path(tempfile.gettempdir()).glob("wennuan-demo-bench-*"))
        out = run([python, str(checkout / "benchmarks" / "demo_load.py")], env)
        found["demo_load_s"] = float(re.search(r"^total\s+cpu\s+([\d.]+) s", out, re.M).group(1))
        (demo_dir,) = set(Path(tempfile.gettempdir()).glob("wennuan-demo-bench-*")) - before
        out = run([python, "-c", CHILD_PLAN], child_env(checkout, demo_dir))
        found.update(json.loads(out.split("RESULT", 1)[1]))
        shutil.rmtree(demo_dir, ignore_errors=True)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--old", type=Path, required=True, help="checkout of the old code")
    parser.add_argument("--new", type=Path, default=HERE.parent, help="checkout of the new code")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--intakes", type=int, default=200)
    args = parser.parse_args()
    results: dict[str, list[dict]] = {"old": [], "new": []}
    load = [os.getloadavg()[0]]
    for index in range(args.rounds):
        order = ("old", "new") if index % 2 == 0 else ("new", "old")
        for name in order:
            checkout = (args.old if name == "old" else args.new).resolve()
            found = measure(checkout, args.intakes)
            results[name].append(found)
            load.append(os.getloadavg()[0])
            print(name, index, found, f"load {load[-1]:.1f}", flush=True)
    print("| measure | old (CPU, best of rounds) | new | new / old |")
    print("|---|---|---|---|")
    for key, label in (
        ("intake_ms", "intake, ms per POST (median of the round)"),
        ("demo_load_s", "demo load, s"),
        ("plan_s", "plan of the city, s"),
    ):
        old = min(r[key] for r in results["old"])
        new = min(r[key] for r in results["new"])
        print(f"| {label} | {old:.2f} | {new:.2f} | {new / old:.2f} |")
    print(f"load average during the run: {min(load):.1f}–{max(load):.1f} on {os.cpu_count()} cores")
    print("all rounds:", json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())

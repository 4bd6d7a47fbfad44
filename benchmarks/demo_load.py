"""Where the demo's start-up time goes: ``wennuan demo --no-serve --reset`` step by step.

Runs the same steps as the command (Django set-up, migrate on an empty SQLite file, the
register, then each app's ``demo_data.load`` in INSTALLED_APPS order, in one transaction) in a
throwaway data folder and prints CPU (process time) and wall time of each, plus the load
average, so a slow run on a busy machine can be told from a slow step.

    .venv/bin/python benchmarks/demo_load.py [--profile out.prof]
"""

import argparse
import os
import sys
import tempfile
import time


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--profile", help="write a cProfile of the app loads to this file")
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="wennuan-demo-bench-")
    os.environ.update(
        DJANGO_SETTINGS_MODULE="wennuan.config.settings",
        WENNUAN_DATA_DIR=tmp,
        SECRET_KEY="benchmark-" + "d" * 40,
        DEBUG="1",
    )
    os.environ.pop("DATABASE_URL", None)
    rows = []

    def step(label, function):
        cpu, wall = time.process_time(), time.perf_counter()
        result = function()
        rows.append((label, time.process_time() - cpu, time.perf_counter() - wall))
        print(f"{label:40s} cpu {rows[-1][1]:6.2f} s  wall {rows[-1][2]:6.2f} s", flush=True)
        return result

    load_before = os.getloadavg()[0]
    import django

    step("django.setup (imports)", django.setup)
    from django.core.management import call_command
    from django.db import transaction

    step("migrate (empty database)", lambda: call_command("migrate", verbosity=0))
    from wennuan.demo.city import build_city, default_register_csv
    from wennuan.demo.loader import load_demo_city
    from wennuan.lib.discovery import app_modules

    city = step("build_city (register CSV)", lambda: build_city(default_register_csv(), seed=2026))
    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
    with transaction.atomic():
        step("load_demo_city (register rows)", lambda: load_demo_city(city))
        modules = step("import the apps' demo_data", lambda: app_modules("demo_data"))
        for module in modules:
            if profiler:
                profiler.enable()
            summary = step(module.__name__ + ".load", lambda m=module: m.load(city))
            if profiler:
                profiler.disable()
            print("   ", summary, flush=True)
    if profiler:
        profiler.dump_stats(args.profile)
    total_cpu = sum(r[1] for r in rows)
    total_wall = sum(r[2] for r in rows)
    print(
        f"{'total':40s} cpu {total_cpu:6.2f} s  wall {total_wall:6.2f} s  "
        f"(load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

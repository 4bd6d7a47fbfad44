"""Directory search server time with the demo city (≥ 500 communities).

Loads the demo city into a throwaway SQLite database, then times requests through Django's
test client (server time: URL routing, query, ranking, JSON or HTML rendering; no network).
The target is < 100 ms per search; the reference in the same run is a plain Django ORM
``icontains`` over the name only (what a first version would do), to show what the search
key and ranking cost.

    .venv/bin/python benchmarks/directory_search.py [--write-docs]
"""

import argparse
import datetime as dt
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="wennuan-bench-")
    os.environ.update(
        DJANGO_SETTINGS_MODULE="wennuan.config.settings",
        DATABASE_URL=f"sqlite:///{tmp}/bench.sqlite3",
        SECRET_KEY="benchmark-" + "b" * 40,
        STATIC_MANIFEST="0",
        ALLOWED_HOSTS="testserver",
    )
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from wennuan.registry.models import Community

    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)
    communities = Community.objects.count()
    client = Client()
    queries = ["剑桥", "jqxf", "将军苑", "花园", "mdhy", "中华路", "金盾小区", "xyz不存在"]
    rows = []
    for label, path in [("JSON API", "/api/v1/directory"), ("page", "/directory/")]:
        times_ms = []
        for _ in range(args.repeat):
            for query in queries:
                started = time.perf_counter()
                response = client.get(path, {"q": query})
                times_ms.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200
        rows.append((label, statistics.median(times_ms), percentile(times_ms, 95)))
    # Reference: name-only icontains through the ORM, no ranking, no rendering.
    reference_ms = []
    for _ in range(args.repeat):
        for query in queries:
            started = time.perf_counter()
            list(
                Community.objects.filter(name__icontains=query).select_related("company", "manager")
            )
            reference_ms.append((time.perf_counter() - started) * 1000)
    reference = (statistics.median(reference_ms), percentile(reference_ms, 95))
    full_list = []
    for _ in range(10):
        started = time.perf_counter()
        client.get("/api/v1/directory", {"page_size": 1000})
        full_list.append((time.perf_counter() - started) * 1000)

    machine = f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    lines = [
        f"Measured {dt.date.today().isoformat()} on {machine}; SQLite; {communities} communities; "
        f"{len(queries)} queries × {args.repeat} repeats (`benchmarks/directory_search.py`).",
        "",
        "| request | median ms | p95 ms | ratio to reference (median) |",
        "|---|---|---|---|",
    ]
    for label, median, p95 in rows:
        lines.append(
            f"| search, {label} | {median:.1f} | {p95:.1f} | {median / reference[0]:.1f}× |"
        )
    lines.append(
        f"| reference: ORM name icontains only | {reference[0]:.1f} | {reference[1]:.1f} | 1.0× |"
    )
    lines.append(
        f"| full list, 1,000 per page (JSON) | {statistics.median(full_list):.1f} | {max(full_list):.1f} | |"
    )
    lines.append("")
    lines.append("Target: < 100 ms server time per search.")
    text = "\n".join(lines)
    print(text)
    if args.write_docs:
        docs = REPO / "docs" / "benchmarks.md"
        content = docs.read_text()
        start = content.index("## Directory search (wennuan)")
        end = content.find("\n## ", start + 5)
        end = len(content) if end == -1 else end + 1
        content = (
            content[:start]
            + "## Directory search (wennuan)\n\n"
            + text
            + "\n"
            + ("\n" if end < len(content) else "")
            + content[end:]
        )
        docs.write_text(content)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Accuracy, throughput and start-up of reading complaints (wennuan.understanding).

Per-field accuracy on the tuning corpus (tests/data/complaints.jsonl) and, separately, on the
held-out quarter (tests/data/complaints-heldout.jsonl), against the demo register (the rows of
../shared/data/heze-demo/communities.csv plus generated communities). Writes its section of
docs/benchmarks.md unless --no-write.

    .venv/bin/python benchmarks/understanding_accuracy.py [--failures tuning] [--no-write]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT / "src"))

from wennuan.demo.city import shared_data_dir  # noqa: E402

TUNING_CORPUS = REPO_ROOT / "tests" / "data" / "complaints.jsonl"
HELDOUT_CORPUS = REPO_ROOT / "tests" / "data" / "complaints-heldout.jsonl"
BENCHMARKS_DOC = REPO_ROOT / "docs" / "benchmarks.md"
SECTION_TITLE = "## Reading complaints (understanding)"
FIELDS = ("category", "temperature_c", "community", "building", "unit", "room", "phone")
TARGETS = {
    "category": 0.95,
    "temperature_c": 0.98,
    "community": 0.97,
    "building": 0.97,
    "unit": 0.97,
    "room": 0.97,
    "phone": 0.99,
}


def register_csv() -> Path:
    return shared_data_dir() / "heze-demo" / "communities.csv"


def load_corpus(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def field_correct(field: str, expected, actual) -> bool:
    if field == "temperature_c":
        if expected is None or actual is None:
            return expected is None and actual is None
        return abs(float(expected) - float(actual)) <= 0.1
    return expected == actual


def evaluate(corpus: list[dict], index) -> tuple[dict[str, float], list[tuple[dict, dict]]]:
    from wennuan.understanding import read_complaint

    correct = dict.fromkeys(FIELDS, 0)
    failures = []
    for record in corpus:
        reading = read_complaint(record["text"], index).as_output()
        wrong = False
        for field in FIELDS:
            if field_correct(field, record[field], reading[field]):
                correct[field] += 1
            else:
                wrong = True
        if wrong:
            failures.append((record, reading))
    return {field: correct[field] / len(corpus) for field in FIELDS}, failures


def measure_startup_s(csv_path: Path) -> tuple[float, int, float]:
    """A fresh interpreter: import the reader, build the demo register and its index, read one
    text. Returns (index and first text [s], communities, everything from the first import [s])."""
    code = (
        "import time, sys; started = time.perf_counter();"
        "from wennuan.understanding import read_complaint, register_index;"
        "from wennuan.understanding.register import demo_register;"
        f"register = demo_register({str(csv_path)!r}); loaded = time.perf_counter();"
        "index = register_index(register);"
        "read_complaint('翰林苑3号楼暖气不热，屋里十六度', index);"
        "print(time.perf_counter() - loaded, len(register), time.perf_counter() - started)"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT / "src")}
    runs = []
    for _ in range(3):
        output = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
        ).stdout.split()
        runs.append((float(output[0]), int(output[1]), float(output[2])))
    index_s, count, total_s = min(runs)
    return index_s, count, total_s


def measure_throughput(corpus: list[dict], index, seconds: float = 3.0) -> float:
    from wennuan.understanding import read_complaint

    texts = [record["text"] for record in corpus]
    done = 0
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        for text in texts:
            read_complaint(text, index)
        done += len(texts)
    return done / (time.perf_counter() - started)


def percent(value: float) -> str:
    return f"{100 * value:.1f} %"


def section_text(
    results: dict,
    sizes: dict,
    register_size: int,
    throughput: float,
    startup_s: float,
    total_startup_s: float,
) -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    lines = [
        SECTION_TITLE,
        "",
        f"Measured by `benchmarks/understanding_accuracy.py` on {dt.date.today().isoformat()}, "
        f"{cpu}, Python {platform.python_version()}, one core.",
        f"Register: {register_size} communities (the demo register: rows of communities.csv plus "
        "generated ones). Corpus: tests/data/complaints.jsonl (tuning, "
        f"{sizes['tuning']} texts; rules were tuned on it) and tests/data/complaints-heldout.jsonl "
        f"(held-out, {sizes['heldout']} texts; written before tuning, never tuned on).",
        "",
        "| field | tuning | held-out | held-out target |",
        "|---|---|---|---|",
    ]
    for field in FIELDS:
        label = "temperature_c (±0.1 °C)" if field == "temperature_c" else field
        lines.append(
            f"| {label} | {percent(results['tuning'][field])} | {percent(results['heldout'][field])} "
            f"| ≥ {percent(TARGETS[field])} |"
        )
    lines += [
        "",
        f"Throughput after start-up: {throughput:,.0f} texts/s (target ≥ 2,000).",
        f"Start-up: building the index of {register_size} communities (surface forms, pinyin) "
        f"and reading the first text {startup_s:.2f} s; from a fresh interpreter including "
        f"imports and building the demo city {total_startup_s:.2f} s (target < 2 s).",
        "",
        "The corpus was written by the same engineer who wrote the rules; real complaints will "
        "be harder than the held-out quarter suggests. Re-measure on real operator text.",
        "",
    ]
    return "\n".join(lines)


def write_section(text: str) -> None:
    document = BENCHMARKS_DOC.read_text(encoding="utf-8")
    pattern = re.compile(rf"{re.escape(SECTION_TITLE)}\n.*?(?=\n## |\Z)", re.S)
    if pattern.search(document):
        document = pattern.sub(lambda _match: text.rstrip("\n") + "\n", document, count=1)
    else:
        document = document.rstrip("\n") + "\n\n" + text
    BENCHMARKS_DOC.write_text(document, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--failures", choices=["tuning"], help="print failures (tuning set only)")
    parser.add_argument("--no-write", action="store_true", help="do not edit docs/benchmarks.md")
    arguments = parser.parse_args()

    from wennuan.understanding import register_index
    from wennuan.understanding.register import demo_register

    register = demo_register(register_csv())
    index = register_index(register)
    corpora = {"tuning": load_corpus(TUNING_CORPUS), "heldout": load_corpus(HELDOUT_CORPUS)}
    results = {}
    for name, corpus in corpora.items():
        results[name], failures = evaluate(corpus, index)
        print(f"{name} ({len(corpus)} texts):")
        for field in FIELDS:
            print(f"  {field:15s} {percent(results[name][field])}")
        if arguments.failures == name:
            for record, reading in failures:
                diffs = {
                    field: (record[field], reading[field])
                    for field in FIELDS
                    if not field_correct(field, record[field], reading[field])
                }
                print("   ✗", record["text"], diffs)
    throughput = measure_throughput(corpora["tuning"] + corpora["heldout"], index)
    startup_s, register_size, total_startup_s = measure_startup_s(register_csv())
    print(
        f"throughput {throughput:,.0f} texts/s; start-up {startup_s:.2f} s "
        f"({register_size} communities; {total_startup_s:.2f} s with imports and the demo city)"
    )
    if not arguments.no_write:
        write_section(
            section_text(
                results,
                {name: len(corpus) for name, corpus in corpora.items()},
                register_size,
                throughput,
                startup_s,
                total_startup_s,
            )
        )


if __name__ == "__main__":
    main()

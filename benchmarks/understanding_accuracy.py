"""Accuracy, calibration, throughput and start-up of reading complaints (wennuan.understanding).

Evaluation protocol (docs/understanding.md): the corpus has one file per author
(tests/data/corpus/<letter>.jsonl, plus the original author "O"). Tuning authors are scored
leave-one-author-out: the category model is retrained without the author it is scored on.
Held-out authors (B, D) are scored only with --heldout, once per model version (log each look in
docs/understanding.md).

    .venv/bin/python benchmarks/understanding_accuracy.py                 # LOAO on tuning authors
    .venv/bin/python benchmarks/understanding_accuracy.py --failures G    # …and G's failures
    .venv/bin/python benchmarks/understanding_accuracy.py --heldout --write
"""

from __future__ import annotations

import argparse
import datetime as dt
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
from wennuan.understanding import training  # noqa: E402
from wennuan.understanding.evaluation import (  # noqa: E402
    FIELDS,
    Score,
    field_correct,
    reliability_table,
    score_records,
)
from wennuan.understanding.model import shipped_model  # noqa: E402

BENCHMARKS_DOC = REPO_ROOT / "docs" / "benchmarks.md"
SECTION_TITLE = "## Reading complaints (understanding)"
AREA_CODE = "0530"
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


def demo_index():
    from wennuan.understanding import register_index
    from wennuan.understanding.register import demo_register

    register = demo_register(register_csv())
    return register_index(register), len(register)


def percent(value: float) -> str:
    return "—" if value != value else f"{100 * value:.1f} %"


def ratio(numerator: int, denominator: int) -> str:
    return f"{numerator}/{denominator} ({percent(numerator / denominator)})" if denominator else "—"


def leave_one_author_out(index, authors=training.TRAINING_AUTHORS) -> dict[str, Score]:
    """Each tuning author scored with a category model trained on the other tuning authors."""
    texts = training.load_authors(authors)
    inputs = [training.model_inputs(text.record["text"]) for text in texts]
    scores = {}
    for author in authors:
        train = [i for i, text in enumerate(texts) if text.author != author]
        arrays = training.fit_arrays(
            [inputs[i] for i in train], [texts[i].label for i in train], training.REGULARISATION_C
        )
        # The shipped model's temperature: one scalar fitted on all tuning authors' OOF logits.
        arrays["temperature"] = shipped_model().temperature
        model = training.model_from_arrays(arrays)
        records = [text.record for text in texts if text.author == author]
        scores[author] = score_records(records, index, AREA_CODE, model)
    return scores


def heldout_scores(index) -> dict[str, Score]:
    """The shipped model on the held-out authors."""
    return {
        author: score_records(
            [text.record for text in training.load_author(author)], index, AREA_CODE
        )
        for author in training.HELDOUT_AUTHORS
    }


def score_table(scores: dict[str, Score], title: str) -> list[str]:
    total = Score()
    for score in scores.values():
        total.add(score)
    columns = [*scores, "all"]
    lines = [
        f"| {title} | " + " | ".join(columns) + " | target |",
        "|---" * (len(columns) + 2) + "|",
        "| texts | " + " | ".join(str(s.texts) for s in [*scores.values(), total]) + " | |",
    ]
    for name in FIELDS:
        label = "temperature_c (±0.1 °C)" if name == "temperature_c" else name
        lines.append(
            f"| {label} | "
            + " | ".join(percent(s.accuracy(name)) for s in [*scores.values(), total])
            + f" | ≥ {percent(TARGETS[name])} |"
        )
    rows = (
        ("heating texts flagged not heating", "heating_flagged_not", "heating_texts", "≤ 1 %"),
        (
            "non-heating texts given a heating category",
            "non_heating_heating_category",
            "non_heating_texts",
            "≤ 5 %",
        ),
        (
            "non-heating texts naming no register community, matched to one",
            "non_heating_unnamed_matched",
            "non_heating_unnamed",
            "≤ 2 %",
        ),
    )
    for label, numerator, denominator, target in rows:
        lines.append(
            f"| {label} | "
            + " | ".join(
                ratio(getattr(s, numerator), getattr(s, denominator))
                for s in [*scores.values(), total]
            )
            + f" | {target} |"
        )
    confident = [right for confidence, right in total.confidences if confidence >= 0.9]
    lines.append(
        "| category answers with confidence ≥ 0.9 that are right | | "
        + " | " * (len(columns) - 2)
        + f"{ratio(sum(confident), len(confident))} | ≥ 90 % |"
    )
    lines += ["", "| confidence | answers | right |", "|---|---|---|"]
    for label, count, share in reliability_table(total.confidences):
        lines.append(f"| {label} | {count} | {percent(share)} |")
    return lines


def print_failures(score: Score) -> None:
    for record, reading in score.failures:
        diffs = {
            name: (record.get(name), reading[name])
            for name in FIELDS
            if not field_correct(name, record.get(name), reading[name])
        }
        print("   ✗", record["text"].replace("\n", " ⏎ "), diffs, reading["category_top2"])


def measure_startup_s() -> tuple[float, float]:
    """A fresh interpreter: (index and first text [s], everything from the first import [s])."""
    code = (
        "import time; started = time.perf_counter();"
        "from wennuan.understanding import read_complaint, register_index;"
        "from wennuan.understanding.register import register_from_csv;"
        f"register = register_from_csv({str(REPO_ROOT / 'tests' / 'data' / 'corpus' / 'register.csv')!r});"
        "loaded = time.perf_counter(); index = register_index(register);"
        "read_complaint('翰林苑3号楼暖气不热，屋里十六度', index, '0530');"
        "print(time.perf_counter() - loaded, time.perf_counter() - started)"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT / "src")}
    runs = []
    for _ in range(3):
        output = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
        ).stdout.split()
        runs.append((float(output[0]), float(output[1])))
    return min(runs)


COMMAND_DATABASE_SETUP = """
import csv, sys, django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from wennuan.registry.models import City, Community, HeatingCompany
City.objects.create(name="菏泽市", bureau_name="菏泽市城市管理局", area_code="0530")
companies = {}
for row in csv.DictReader(open(sys.argv[1], encoding="utf-8")):
    company = companies.get(row["company"]) or HeatingCompany.objects.create(
        code=row["company"], legal_name=row["company"], short_name=row["company"]
    )
    companies[row["company"]] = company
    Community.objects.create(
        name=row["name"], aliases=[a for a in row["aliases"].split("|") if a], company=company,
        district=row["district"], address=row["address"], heated_area_m2=50000,
        households=500, buildings=int(row["buildings"] or 1), terminal="radiator",
        design_heat_index_w_m2=45,
    )
"""


def measure_command_startup_s() -> tuple[float, float]:
    """`wennuan understand` with one line of input, against a database holding the corpus
    register (520 communities): (CPU time of the process [s], wall clock [s]), best of 3."""
    import resource
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        env = {
            **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL"}},
            "PYTHONPATH": str(REPO_ROOT / "src"),
            "WENNUAN_DATA_DIR": folder,
            "DATABASE_URL": f"sqlite:///{folder}/wennuan.sqlite3",
            "SECRET_KEY": "benchmark-" + "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN",
            "DJANGO_SETTINGS_MODULE": "wennuan.config.settings_understand",
        }
        register = str(REPO_ROOT / "tests" / "data" / "corpus" / "register.csv")
        subprocess.run(
            [sys.executable, "-c", COMMAND_DATABASE_SETUP, register], env=env, check=True
        )
        del env["DJANGO_SETTINGS_MODULE"]  # the command chooses its own, as a user runs it
        runs = []
        for _ in range(3):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            output = subprocess.run(
                [sys.executable, "-m", "wennuan.cli", "understand"],
                input='{"text": "翰林苑3号楼暖气不热，屋里十六度"}\n',
                capture_output=True,
                text=True,
                env=env,
                check=True,
            ).stdout
            wall = time.perf_counter() - started
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            assert '"community": "翰林苑"' in output, output
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            runs.append((cpu, wall))
    return min(runs)


def measure_throughput(texts: list[str], index, seconds: float = 3.0) -> float:
    from wennuan.understanding import read_complaint

    # CPU time of this process: the machine is shared, and "per core" is what is promised.
    done = 0
    started = time.process_time()
    while time.process_time() - started < seconds:
        for text in texts:
            read_complaint(text, index, AREA_CODE)
        done += len(texts)
    return done / (time.process_time() - started)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return cpu


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
    parser.add_argument("--failures", help="print the failures of this tuning author (LOAO)")
    parser.add_argument("--heldout", action="store_true", help="also score the held-out authors")
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    parser.add_argument("--no-loao", action="store_true", help="skip leave-one-author-out")
    arguments = parser.parse_args()
    if arguments.failures in training.HELDOUT_AUTHORS:
        parser.error("held-out authors' failures are not looked at")

    index, register_size = demo_index()
    lines = []
    if not arguments.no_loao:
        loao = leave_one_author_out(index)
        lines += score_table(loao, "tuning author (LOAO)") + [""]
        if arguments.failures:
            print_failures(loao[arguments.failures])
    if arguments.heldout:
        lines += score_table(heldout_scores(index), "held-out author") + [""]
    all_texts = [text.record["text"] for text in training.load_authors(training.TRAINING_AUTHORS)]
    throughput = measure_throughput(all_texts, index)
    startup_s, total_startup_s = measure_startup_s()
    command_cpu_s, command_wall_s = measure_command_startup_s()
    lines += [
        f"Throughput after start-up: {throughput:,.0f} texts/s on one core (target ≥ 2,000).",
        f"Start-up: index of {register_size} communities and first text {startup_s:.2f} s; "
        f"from a fresh interpreter including imports and the model {total_startup_s:.2f} s "
        "(target < 2 s).",
        f"`wennuan understand` with one line of input against a 520-community register in "
        f"SQLite, start to exit: {command_cpu_s:.2f} s of CPU, {command_wall_s:.2f} s wall clock "
        "(target < 2 s; best of 3).",
    ]
    print("\n".join(lines))
    if arguments.write:
        header = [
            SECTION_TITLE,
            "",
            f"Measured by `benchmarks/understanding_accuracy.py` on {dt.date.today().isoformat()}, "
            f"{machine()}, Python {platform.python_version()}, one core (shared with other jobs).",
            "Corpus and protocol: docs/understanding.md. Register: the 520 communities of the "
            "Heze demo register.",
            "",
        ]
        write_section("\n".join(header + lines) + "\n")


if __name__ == "__main__":
    main()

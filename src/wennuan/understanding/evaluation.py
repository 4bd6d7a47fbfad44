"""Scoring the reader on labelled texts: per field, per author, heating scope, calibration.

Used by benchmarks/understanding_accuracy.py (the numbers in docs/understanding.md) and by the
corpus tests. A field is right when it equals the label (temperatures within 0.1 °C).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from wennuan.understanding.community import CommunityIndex
from wennuan.understanding.model import CategoryModel
from wennuan.understanding.reader import read_complaint

FIELDS = ("category", "temperature_c", "community", "building", "unit", "room", "phone")
HEATING_CATEGORIES = frozenset(
    {"not_warm", "no_heat", "leak", "billing", "suspend_resume", "service", "violation"}
)
RELIABILITY_BINS = ((0.0, 0.5), (0.5, 0.7), (0.7, 0.8), (0.8, 0.9), (0.9, 0.95), (0.95, 1.01))


def field_correct(name: str, expected, actual) -> bool:
    if name == "temperature_c":
        if expected is None or actual is None:
            return expected is None and actual is None
        return abs(float(expected) - float(actual)) <= 0.1
    return expected == actual


@dataclass
class Score:
    """Counts over a set of labelled texts."""

    texts: int = 0
    correct: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    heating_texts: int = 0
    heating_flagged_not: int = 0
    non_heating_texts: int = 0
    non_heating_heating_category: int = 0
    non_heating_unnamed: int = 0  # non-heating texts whose label names no register community
    non_heating_unnamed_matched: int = 0
    # (confidence, right) of every category answer, for the reliability table.
    confidences: list[tuple[float, bool]] = field(default_factory=list)
    failures: list[tuple[dict, dict]] = field(default_factory=list)

    def accuracy(self, name: str) -> float:
        return self.correct[name] / self.texts if self.texts else float("nan")

    def add(self, other: Score) -> None:
        self.texts += other.texts
        for name in FIELDS:
            self.correct[name] += other.correct[name]
        for name in (
            "heating_texts",
            "heating_flagged_not",
            "non_heating_texts",
            "non_heating_heating_category",
            "non_heating_unnamed",
            "non_heating_unnamed_matched",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.confidences.extend(other.confidences)
        self.failures.extend(other.failures)


def score_records(
    records: Sequence[dict],
    index: CommunityIndex,
    area_code: str = "0530",
    model: CategoryModel | None = None,
) -> Score:
    score = Score()
    for record in records:
        reading = read_complaint(record["text"], index, area_code, model).as_output()
        score.texts += 1
        wrong = False
        for name in FIELDS:
            if field_correct(name, record.get(name), reading[name]):
                score.correct[name] += 1
            else:
                wrong = True
        score.confidences.append(
            (reading["category_confidence"] or 0.0, reading["category"] == record["category"])
        )
        if record.get("heating", True):
            score.heating_texts += 1
            score.heating_flagged_not += reading["heating"] is False
        else:
            score.non_heating_texts += 1
            score.non_heating_heating_category += reading["category"] in HEATING_CATEGORIES
            if record.get("community") is None:
                score.non_heating_unnamed += 1
                score.non_heating_unnamed_matched += reading["community"] is not None
        if wrong:
            score.failures.append((record, reading))
    return score


def reliability_table(confidences: Sequence[tuple[float, bool]]) -> list[tuple[str, int, float]]:
    """(bin, answers, share right) for each confidence bin."""
    rows = []
    for low, high in RELIABILITY_BINS:
        inside = [right for confidence, right in confidences if low <= confidence < high]
        label = f"{low:.2f}–{min(high, 1.0):.2f}"
        rows.append((label, len(inside), sum(inside) / len(inside) if inside else float("nan")))
    return rows

"""The category model at reading time: a linear model over character n-grams and cues.

Trained by `training.py` (scikit-learn logistic regression, tf-idf of character n-grams plus
the reader's cue phrases as binary features) and shipped as `category_model.npz` in this
package. Reading needs only numpy: a dictionary lookup per n-gram, a weighted sum of rows of
the coefficient matrix, a softmax — about 20 µs a text, and no scikit-learn import at start-up.

Probability of class k (softmax with a temperature T fitted on out-of-author predictions)::

    p_k = exp(z_k / T) / Σ_j exp(z_j / T),   z = x · W + b

where x is the l2-normalised tf-idf vector (tf = 1 + ln count, scikit-learn's smooth idf)
followed by the binary cue features. Reference: Guo et al., "On Calibration of Modern Neural
Networks", ICML 2017 (temperature scaling).

Classes are the nine categories of design §4.1 plus `NOT_HEATING`: texts about other city
services. The category `other` is read as P(other) + P(not heating); `heating` is
P(not heating) < 0.6 (reader.NOT_HEATING_FLAG_PROBABILITY).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from wennuan.understanding.features import category_view, char_ngrams, cue_features

MODEL_PATH = Path(__file__).with_name("category_model.npz")
NOT_HEATING = "not_heating"


@dataclass(frozen=True)
class CategoryModel:
    vocabulary: dict[str, int]
    idf: np.ndarray  # (n_grams,)
    cue_index: dict[str, int]  # cue feature name → row in coef
    coef: np.ndarray  # (n_grams + n_cues, n_classes)
    intercept: np.ndarray  # (n_classes,)
    classes: tuple[str, ...]
    temperature: float

    @classmethod
    def load(cls, path: str | Path = MODEL_PATH) -> CategoryModel:
        with np.load(path, allow_pickle=False) as data:
            vocabulary = {gram: i for i, gram in enumerate(data["vocabulary"].tolist())}
            cue_names = data["cue_names"].tolist()
            return cls(
                vocabulary=vocabulary,
                idf=data["idf"].astype(np.float64),
                cue_index={name: len(vocabulary) + i for i, name in enumerate(cue_names)},
                coef=data["coef"].astype(np.float64),
                intercept=data["intercept"].astype(np.float64),
                classes=tuple(data["classes"].tolist()),
                temperature=float(data["temperature"]),
            )

    def logits(self, view: str, temperature_c: float | None) -> np.ndarray:
        counts = Counter(map(self.vocabulary.get, char_ngrams(view)))
        counts.pop(None, None)
        z = self.intercept.copy()
        if counts:
            rows = np.fromiter(counts.keys(), dtype=np.intp, count=len(counts))
            tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
            weights = (1.0 + np.log(tf)) * self.idf[rows]
            weights /= math.sqrt(float(weights @ weights))
            z += weights @ self.coef[rows]
        for name in cue_features(view, temperature_c):
            row = self.cue_index.get(name)
            if row is not None:
                z += self.coef[row]
        return z

    def probabilities(self, view: str, temperature_c: float | None) -> dict[str, float]:
        z = self.logits(view, temperature_c) / self.temperature
        z -= z.max()
        p = np.exp(z)
        p /= p.sum()
        return dict(zip(self.classes, p.tolist(), strict=True))


@lru_cache(maxsize=1)
def shipped_model() -> CategoryModel:
    return CategoryModel.load(MODEL_PATH)


__all__ = ["MODEL_PATH", "NOT_HEATING", "CategoryModel", "category_view", "shipped_model"]

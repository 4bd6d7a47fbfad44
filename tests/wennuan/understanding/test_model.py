"""The category model: shipped weights equal a rebuild; probabilities; heating or not."""

import numpy as np
import pytest

from wennuan.understanding import read_complaint
from wennuan.understanding.model import MODEL_PATH, NOT_HEATING, CategoryModel
from wennuan.understanding.training import HELDOUT_AUTHORS, TRAINING_AUTHORS, build_model_arrays


@pytest.mark.slow
def test_rebuilding_the_model_gives_the_shipped_weights():
    rebuilt = build_model_arrays()
    with np.load(MODEL_PATH, allow_pickle=False) as shipped:
        assert set(shipped.files) == set(rebuilt)
        for name in shipped.files:
            if shipped[name].dtype.kind in "fc":
                # Stored rounded to 4 decimals; a last-digit flip on another BLAS is tolerated.
                np.testing.assert_allclose(shipped[name], rebuilt[name], atol=2e-4, err_msg=name)
            else:
                assert shipped[name].tolist() == rebuilt[name].tolist(), name


def test_the_held_out_authors_are_not_training_authors():
    assert not set(HELDOUT_AUTHORS) & set(TRAINING_AUTHORS)


def test_probabilities_cover_every_category_and_not_heating():
    model = CategoryModel.load()
    probabilities = model.probabilities("暖气不热，屋里15度", 15.0)
    assert set(probabilities) >= {NOT_HEATING, "not_warm", "other"}
    assert abs(sum(probabilities.values()) - 1) < 1e-9
    assert max(probabilities, key=probabilities.get) == "not_warm"
    assert model.temperature > 0


@pytest.mark.parametrize(
    "text",
    [
        "小区门口的路灯坏了一个多月了，晚上黑乎乎的，也没人修，希望尽快处理。",
        "我家停水两天了，自来水公司电话打不通",
        "楼上邻居半夜装修，电钻声吵得睡不着",
    ],
)
def test_other_city_services_are_not_heating(text):
    reading = read_complaint(text, None)
    assert reading.heating is False
    assert reading.category == "other"


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("暖气片爆了，水顺着墙往下淌", "leak"),
        ("我今年去儿子家过冬，家里暖气要报停", "suspend_resume"),
        ("楼下邻居私接暖气管道，还装了管道泵", "violation"),
    ],
)
def test_category_and_its_runner_up(text, category):
    reading = read_complaint(text, None)
    assert reading.heating is True
    assert reading.category == category
    (first, p1), (second, p2) = reading.category_top2
    assert first == category and second != category
    assert reading.category_confidence == p1 >= p2


@pytest.mark.parametrize(("p_not_heating", "heating"), [(0.55, True), (0.65, False)])
def test_not_heating_is_flagged_only_when_the_model_is_fairly_sure(p_not_heating, heating):
    """A flag offers to return a citizen's order: below 0.6 the text stays a heating one."""
    import math

    from wennuan.understanding.training import model_from_arrays

    model = model_from_arrays(
        {
            "vocabulary": np.array(["暖"]),
            "idf": np.array([1.0]),
            "cue_names": np.array([], dtype=str),
            "coef": np.zeros((1, 2)),
            "intercept": np.array([math.log(1 - p_not_heating), math.log(p_not_heating)]),
            "classes": np.array(["not_warm", NOT_HEATING]),
            "temperature": np.float32(1.0),
        }
    )
    reading = read_complaint("暖气不热", None, model=model)
    assert reading.heating is heating

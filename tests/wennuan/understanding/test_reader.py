"""Whole readings, the line protocol of `wennuan understand`, and bad input."""

import json

import pytest

from wennuan.understanding import OUTPUT_FIELDS, process_lines, read_complaint, register_index
from wennuan.understanding.community import RegisterEntry

SMALL_REGISTER = [
    ("剑桥学府", ["剑桥学府小区", "剑桥"], "牡丹区", "中华西路887号"),
    ("天润城", ["天润城小区"], "牡丹区", "青年路1856号"),
    RegisterEntry("金盾小区", ("金盾",), "牡丹区", "丹阳路2171号"),
    RegisterEntry("金鼎小区", (), "开发区", "长江东路561号"),
]


@pytest.fixture(scope="module")
def small_index():
    return register_index(SMALL_REGISTER)


def test_reading_of_a_typical_complaint(small_index):
    reading = read_complaint("天润城9栋1单元1601地暖不热，十五六度，电话0530-5312345", small_index)
    assert reading.as_output() == {
        "heating": True,
        "category": "not_warm",
        "category_confidence": reading.category_confidence,
        "category_top2": [
            {"category": category, "probability": probability}
            for category, probability in reading.category_top2
        ],
        "temperature_c": 15.5,
        "community": "天润城",
        "community_score": 1.0,
        "building": "9",
        "unit": "1",
        "room": "1601",
        "phone": "05305312345",
    }
    assert 0.5 <= reading.category_confidence <= 1


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "x" * 10_000,
        "暖" * 10_000,
        "😀🔥❄️",
        "The heating is broken",
        "1234567890",
        "3-2-501",
    ],
)
def test_bad_input_never_crashes_and_reads_nothing(small_index, text):
    reading = read_complaint(text, small_index)
    assert reading.community is None
    assert reading.temperature_c is None
    assert reading.building is None
    assert reading.phone is None


def test_english_text_keeps_its_phone_number(small_index):
    assert read_complaint("no heating, call 138 5301 1111", small_index).phone == "13853011111"


def test_reading_without_a_register(small_index):
    reading = read_complaint("金盾小区3号楼暖气不热", None)
    assert reading.community is None
    assert reading.building == "3"


def test_process_lines_contract(small_index):
    lines = [
        json.dumps({"text": "金顿小区3号楼2单元501暖气不热，16度"}, ensure_ascii=False),
        "not json",
        json.dumps({"no_text": 1}),
        json.dumps(["text"]),
        "",
        json.dumps({"text": ""}),
    ]
    outputs = list(process_lines(lines, small_index))
    assert len(outputs) == 5
    assert outputs[0]["community"] == "金盾小区"
    assert (outputs[0]["building"], outputs[0]["unit"], outputs[0]["room"]) == ("3", "2", "501")
    for bad in outputs[1:4]:
        assert bad["error"]
        assert all(bad[field] is None for field in OUTPUT_FIELDS)
    assert set(outputs[4]) == set(OUTPUT_FIELDS)
    assert all(value is None for value in outputs[4].values())

"""The City row comes with the register import (issue 17: a fresh install had none)."""

import pytest

from wennuan.registry.io import export_csv, import_register
from wennuan.registry.models import City

pytestmark = pytest.mark.django_db

HEADER = "城市,主管部门,供暖室外计算温度,纬度,经度,区号\n"


def test_a_fresh_install_gets_its_city_from_the_import():
    result = import_register(
        (HEADER + "菏泽市,菏泽市城市管理局,-4.9,35.25,115.46,0530\n").encode(), "city.csv"
    )
    assert result.ok, result.errors
    city = City.objects.get()
    assert (city.name, city.design_outdoor_temp_c, city.latitude, city.area_code) == (
        "菏泽市",
        -4.9,
        35.25,
        "0530",
    )
    # Imported again with changes: the one row is updated, never a second city.
    again = import_register(
        (HEADER + "菏泽市,菏泽市城市管理局,-5.1,35.25,115.46,0530\n").encode(), "city.csv"
    )
    assert again.ok and again.updated == {"city": 1}
    assert City.objects.get().design_outdoor_temp_c == -5.1
    assert "菏泽市" in export_csv("city").decode("utf-8-sig")


@pytest.mark.parametrize(
    "row, column",
    [
        ("菏泽市,菏泽市城市管理局,-4.9,95,115.46,0530", "纬度"),
        ("菏泽市,菏泽市城市管理局,-4.9,35.25,181,0530", "经度"),
        ("菏泽市,菏泽市城市管理局,-4.9,35.25,115.46,530", "区号"),
        ("菏泽市,,-4.9,35.25,115.46,0530", "主管部门"),
    ],
)
def test_bad_city_rows_are_refused_with_their_column(row, column):
    result = import_register((HEADER + row + "\n").encode(), "city.csv")
    assert not result.ok
    assert [error.column for error in result.errors] == [column]
    assert not City.objects.exists()

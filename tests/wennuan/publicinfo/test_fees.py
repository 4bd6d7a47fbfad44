"""The fee calculator: what a citizen types, what the server answers."""

from decimal import Decimal

import pytest

from wennuan.publicinfo.models import season_fee_yuan

URL = "/info/fees/"


def test_fee_formula(season):
    assert season_fee_yuan(season, Decimal("100"), residential=True, suspended=False) == Decimal(
        "2200.00"
    )
    assert season_fee_yuan(season, Decimal("89.5"), residential=True, suspended=True) == Decimal(
        "590.70"
    )
    assert season_fee_yuan(season, Decimal("10"), residential=False, suspended=False) == Decimal(
        "300.00"
    )


@pytest.mark.parametrize(
    "area, use, suspended, amount",
    [
        ("100", "residential", "no", "2200.00"),
        ("８９．５平方米", "residential", "yes", "590.70"),
        ("120㎡", "non_residential", "no", "3600.00"),
    ],
)
def test_calculator_page_computes(client, fee_standard, area, use, suspended, amount):
    response = client.get(URL, {"area": area, "use": use, "suspended": suspended})
    assert response.status_code == 200
    assert f'<strong class="fee-amount">{amount}</strong>' in response.content.decode()


@pytest.mark.parametrize(
    "area, message",
    [
        ("-50", "面积必须大于 0"),
        ("0", "面积必须大于 0"),
        ("一百", "不是数字"),
        ("12abc", "不是数字"),
        ("", "请输入供热面积"),
        ("20000", "是否多输了一个0"),
        ("NaN", "请输入供热面积"),
        ("1e400", "是否多输了一个0"),
    ],
)
def test_calculator_rejects_bad_area_in_chinese(client, fee_standard, area, message):
    response = client.get(URL, {"area": area, "use": "residential", "suspended": "no"})
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body
    assert "fee-amount" not in body


def test_htmx_gets_only_the_result(client, fee_standard):
    response = client.get(
        URL, {"area": "100", "use": "residential", "suspended": "no"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert "2200.00" in body
    assert "<html" not in body


def test_fee_page_shows_the_standard(client, fee_standard):
    body = client.get(URL).content.decode()
    assert "22.00 元/平方米" in body
    assert "30.00 元/平方米" in body
    assert "演示数据" in body
    assert "全额热费的 30%" in body


def test_unpublished_fee_standard_is_not_public(client, fee_standard):
    fee_standard.publish_at = None
    fee_standard.save()
    body = client.get(URL, {"area": "100"}).content.decode()
    assert "收费标准尚未公布" in body
    assert "22.00" not in body

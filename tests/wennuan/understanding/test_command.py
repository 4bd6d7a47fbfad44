"""`wennuan manage understand`: the register comes from the database."""

import io
import json

import pytest
from django.core.management import call_command

from wennuan.registry.models import City, Community, HeatingCompany


def add_community(company, name, aliases, district, address):
    return Community.objects.create(
        name=name,
        aliases=aliases,
        company=company,
        district=district,
        address=address,
        heated_area_m2=50_000,
        households=500,
        buildings=6,
        terminal="radiator",
        design_heat_index_w_m2=45,
    )


@pytest.mark.django_db
def test_understand_reads_json_lines_against_the_database_register():
    company = HeatingCompany.objects.create(
        code="minsheng", legal_name="菏泽民生热力有限公司", short_name="民生热力"
    )
    add_community(company, "翰林府", ["翰林府小区"], "高新区", "太原路357号")
    add_community(company, "翰林苑", ["翰林苑小区"], "牡丹区", "和平路590号")
    add_community(company, "将军苑三期", ["将军苑3期", "将军苑三区"], "牡丹区", "青年路114号")

    stdin = io.StringIO(
        "\n".join(
            [
                json.dumps(
                    {"text": "翰林院12号楼东单元，屋里14度，电话139 5301 2288"}, ensure_ascii=False
                ),
                json.dumps(
                    {"text": "将军苑3区6-2-301，外面零下三度，家里才17度"}, ensure_ascii=False
                ),
                "{broken",
                json.dumps({"text": None}),
            ]
        )
        + "\n"
    )
    stdout = io.StringIO()
    call_command("understand", stdin=stdin, stdout=stdout)
    outputs = [json.loads(line) for line in stdout.getvalue().splitlines()]

    assert len(outputs) == 4
    assert outputs[0] | {
        "category_confidence": None,
        "community_score": None,
        "category_top2": None,
    } == {
        "heating": True,
        "category": "not_warm",
        "category_confidence": None,
        "category_top2": None,
        "temperature_c": 14.0,
        "community": "翰林苑",
        "community_score": None,
        "building": "12",
        "unit": "东单元",
        "room": None,
        "phone": "13953012288",
    }
    top2 = outputs[0]["category_top2"]
    assert [entry["category"] for entry in top2][0] == "not_warm"
    assert top2[0]["probability"] == outputs[0]["category_confidence"]
    assert top2[0]["probability"] >= top2[1]["probability"] > 0
    assert 0.6 < outputs[0]["community_score"] < 1
    assert (outputs[1]["community"], outputs[1]["temperature_c"]) == ("将军苑三期", 17.0)
    assert (outputs[1]["building"], outputs[1]["unit"], outputs[1]["room"]) == ("6", "2", "301")
    for bad in outputs[2:]:
        assert bad["error"]
        assert bad["community"] is None and bad["category"] is None


@pytest.mark.django_db
def test_understand_completes_local_numbers_with_the_citys_area_code_and_flags_other_services():
    City.objects.create(name="济南市", bureau_name="济南市城市管理局", area_code="0531")
    stdin = io.StringIO(
        json.dumps({"text": "暖气不热，屋里15度，电话 669 2571"}, ensure_ascii=False)
        + "\n"
        + json.dumps(
            {"text": "小区门口的路灯坏了一个多月了，晚上黑乎乎的，也没人修，希望尽快处理。"},
            ensure_ascii=False,
        )
        + "\n"
    )
    stdout = io.StringIO()
    call_command("understand", stdin=stdin, stdout=stdout)
    heating, street_light = [json.loads(line) for line in stdout.getvalue().splitlines()]

    assert heating["phone"] == "05316692571"
    assert heating["heating"] is True
    assert street_light["heating"] is False
    assert street_light["category"] == "other"
    assert street_light["community"] is None

"""`wennuan manage understand`: the register comes from the database."""

import io
import json

import pytest
from django.core.management import call_command

from wennuan.registry.models import Community, HeatingCompany


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
    assert outputs[0] | {"category_confidence": None, "community_score": None} == {
        "category": "not_warm",
        "category_confidence": None,
        "temperature_c": 14.0,
        "community": "翰林苑",
        "community_score": None,
        "building": "12",
        "unit": "东",
        "room": None,
        "phone": "13953012288",
    }
    assert 0.6 < outputs[0]["community_score"] < 1
    assert (outputs[1]["community"], outputs[1]["temperature_c"]) == ("将军苑三期", 17.0)
    assert (outputs[1]["building"], outputs[1]["unit"], outputs[1]["room"]) == ("6", "2", "301")
    for bad in outputs[2:]:
        assert bad["error"]
        assert bad["community"] is None and bad["category"] is None

"""Plan warnings are stored language-neutral and read in the reader's language (issue 16).

A plan computed by a Chinese worker used to show Chinese warnings on the English page (and the
reverse): the warnings were translated when stored.
"""

import html
import json
import re

from django.db import connection
from django.utils import translation

from wennuan.lib.systemtext import render
from wennuan.planning.engine import compute_company_plan
from wennuan.planning.models import Plan

from .conftest import NOW, PLAN_DAY, weather_for

NO_NETWORK = "未登记完整的一次网（节点、管段、热源接入点），未做水力校核"
CJK_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")


def english(msgid: str) -> str:
    with translation.override("en"):
        return translation.gettext(msgid)


def plans(plan_city, settings, language):
    settings.WENNUAN_PLAN_LIFT_BAR = 0.55  # the north station is short of flow
    with translation.override(language):
        south = compute_company_plan(plan_city.south, PLAN_DAY, weather_for(PLAN_DAY, 0.0), now=NOW)
        north = compute_company_plan(
            plan_city.north, PLAN_DAY, weather_for(PLAN_DAY, -4.9), now=NOW
        )
    return south, north


def page(client, plan, language) -> str:
    client.cookies["django_language"] = language
    response = client.get(f"/console/dispatch/plans/{plan.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def stored_warnings(plan) -> list:
    with connection.cursor() as cursor:
        cursor.execute("SELECT warnings FROM planning_plan WHERE id = %s", [plan.pk])
        value = cursor.fetchone()[0]
    return json.loads(value) if isinstance(value, str) else value


def test_a_plan_computed_in_chinese_reads_english_on_the_english_page_and_api(
    plan_city, settings, client, personas
):
    south, north = plans(plan_city, settings, "zh-hans")
    assert english(NO_NETWORK) != NO_NETWORK
    client.force_login(personas["supervisor"])
    body = page(client, south, "en")
    assert english(NO_NETWORK) in body and NO_NETWORK not in body
    # warnings with parameters: the names are data, the words and brackets English
    with_parameters = [w for w in stored_warnings(north) if isinstance(w, dict)]
    assert with_parameters
    body = html.unescape(page(client, north, "en"))
    for warning in with_parameters:
        with translation.override("en"):
            assert render(warning) in body
        fixed_words = CJK_RUN.findall(warning["msgid"])
        assert not any(words in body for words in fixed_words), fixed_words
    assert "北一站（" not in body

    client.cookies.pop("django_language")
    response = client.get(f"/api/v1/plans/{PLAN_DAY}?details=1", HTTP_ACCEPT_LANGUAGE="en")
    warnings = {c["company"]: c["plan"]["warnings"] for c in response.json()["companies"]}
    assert warnings["南城热力有限公司"] == [english(NO_NETWORK)]
    with translation.override("en"):
        assert warnings["北城热力有限公司"] == [render(w) for w in stored_warnings(north)]
    response = client.get(f"/api/v1/plans/{PLAN_DAY}?details=1", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.json()["companies"][1]["plan"]["warnings"] == [NO_NETWORK]


def test_a_plan_computed_in_english_reads_chinese_on_the_chinese_page(
    plan_city, settings, client, personas
):
    south, north = plans(plan_city, settings, "en")
    # what is stored is the source string (and the parameters), not the English
    assert stored_warnings(south) == [NO_NETWORK]
    with_parameters = [w for w in stored_warnings(north) if isinstance(w, dict)]
    assert with_parameters and all(english(w["msgid"]) != w["msgid"] for w in with_parameters)
    client.force_login(personas["supervisor"])
    body = page(client, south, "zh-hans")
    assert NO_NETWORK in body and english(NO_NETWORK) not in body
    body = html.unescape(page(client, north, "zh-hans"))
    for warning in with_parameters:
        with translation.override("zh-hans"):
            assert render(warning) in body
        assert english(warning["msgid"]).split("%")[0] not in body


def test_warnings_stored_translated_by_an_older_version_still_read_in_english(
    plan_city, settings, client, personas
):
    south, _north = plans(plan_city, settings, "zh-hans")
    old = "今日最不利时段循环泵扬程需由设计工况的 7.6 bar 提高到 9.3 bar，各换热站才能得到所需流量：请确认菏泽热电厂循环泵的能力"
    Plan.objects.filter(pk=south.pk).update(warnings=[NO_NETWORK, old])
    client.force_login(personas["supervisor"])
    body = page(client, south, "en")
    assert english(NO_NETWORK) in body
    assert "from its design 7.6 bar to 9.3 bar" in body and "菏泽热电厂" in body
    assert "循环泵扬程" not in body
    assert old in page(client, south, "zh-hans")

"""The public directory and its JSON twin (design §8)."""

import pytest

from wennuan.registry.directory import search_directory

pytestmark = pytest.mark.django_db

CONTRACT_FIELDS = {
    "community",
    "aliases",
    "company",
    "company_service_line",
    "manager_name",
    "manager_phone",
    "substation",
    "district",
    "address",
}


def test_api_answers_with_the_contract_fields(client, small_city):
    response = client.get("/api/v1/directory", {"q": "剑桥"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    entry = body["results"][0]
    assert set(entry) == CONTRACT_FIELDS
    assert entry == {
        "community": "剑桥学府",
        "aliases": ["剑桥学府小区", "剑桥"],
        "company": "北城热力有限公司",
        "company_service_line": "05305550001",
        "manager_name": "张伟",
        "manager_phone": "13853010001",
        "substation": "北一站",
        "district": "牡丹区",
        "address": "中华路1号",
    }


@pytest.mark.parametrize("query", ["jqxf", "JQXF", "jianqiao", "剑桥学府小区", " 剑 桥 "])
def test_search_by_pinyin_initials_full_pinyin_alias_and_spacing(small_city, query):
    assert [e.community for e in search_directory(query)] == ["剑桥学府"]


def test_exact_and_prefix_matches_rank_before_substring_matches(small_city):
    # 学府 is inside 剑桥学府 and the start of 学府名苑: the prefix match comes first.
    assert [e.community for e in search_directory("学府")] == ["学府名苑", "剑桥学府"]


def test_confusable_names_are_both_listed_and_exact_comes_first(small_city):
    assert [e.community for e in search_directory("金鼎小区")] == ["金鼎小区"]
    names = [e.community for e in search_directory("金")]
    assert set(names) == {"金盾小区", "金鼎小区"}


def test_empty_query_lists_all_paginated(client, small_city):
    body = client.get("/api/v1/directory", {"q": "", "page_size": 3}).json()
    assert body["count"] == 4
    assert len(body["results"]) == 3
    second = client.get("/api/v1/directory", {"page_size": 3, "page": 2}).json()
    assert [r["community"] for r in second["results"]] == ["金鼎小区"]


def test_unpublished_manager_is_hidden(client, small_city):
    manager = small_city.communities["剑桥学府"].manager
    manager.is_published = False
    manager.save()
    entry = client.get("/api/v1/directory", {"q": "剑桥学府"}).json()["results"][0]
    assert entry["manager_name"] is None and entry["manager_phone"] is None


@pytest.mark.parametrize(
    "params, field, code",
    [
        ({"page_size": "1001"}, "page_size", "out_of_range"),
        ({"page_size": "0"}, "page_size", "out_of_range"),
        # schemathesis: "?page=" was accepted though the description says integer.
        ({"page": ""}, "page", "invalid"),
        ({"page": "abc"}, "page", "invalid"),
        ({"q": "长" * 51}, "q", "too_long"),
    ],
)
def test_bad_input_gets_a_400_with_a_chinese_message(client, small_city, params, field, code):
    response = client.get("/api/v1/directory", params)
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert (error["field"], error["code"]) == (field, code)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in error["message"])


def test_page_shows_company_line_manager_and_bureau_lines(client, small_city):
    response = client.get("/directory/", {"q": "jqxf"})
    assert response.status_code == 200
    html = response.content.decode()
    for text in ["剑桥学府", "北城热力有限公司", "05305550001", "张伟", "13853010001", "12319"]:
        assert text in html
    assert "金盾小区" not in html


def test_page_explains_when_nothing_matches(client, small_city):
    html = client.get("/directory/", {"q": "不存在的小区"}).content.decode()
    assert "没有找到" in html


def test_page_refuses_an_overlong_query_in_chinese(client, small_city):
    response = client.get("/directory/", {"q": "x" * 200})
    assert response.status_code == 400
    assert "搜索内容过长" in response.content.decode()


def test_htmx_request_gets_only_the_results_fragment(client, small_city):
    response = client.get("/directory/", {"q": "剑桥"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "剑桥学府" in html and "<html" not in html


def test_directory_query_count_does_not_grow_with_results(
    client, small_city, django_assert_max_num_queries
):
    with django_assert_max_num_queries(3):
        client.get("/api/v1/directory", {"q": ""})

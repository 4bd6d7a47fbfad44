"""The intake API returns the reader's view of the text (design §8, issue 15)."""

import json

import pytest

from wennuan.api.models import ApiClient

URL = "/api/v1/workorders"


@pytest.fixture
def token(season, personas):
    _client, token = ApiClient.issue("12345平台")
    return token


def post(client, payload, token):
    return client.post(
        URL,
        data=json.dumps(payload, ensure_ascii=False),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {token}",
    )


def test_created_order_comes_with_heating_top2_and_suggestion(client, token):
    heating = post(
        client,
        {"text": "剑桥学府3号楼2单元501暖气不热，屋里16度", "phone": "13853011111"},
        token,
    ).json()
    assert heating["reading"]["heating"] is True
    top2 = heating["reading"]["category_top2"]
    assert top2[0]["category"] == "not_warm" == heating["category"]
    assert top2[0]["probability"] >= top2[1]["probability"]
    assert heating["reading"]["community_suggestion"] is None

    street_light = post(
        client,
        {
            "text": "剑桥新城门口的路灯坏了一个多月了，晚上黑乎乎的，希望尽快处理。",
            "phone": "13853011112",
        },
        token,
    ).json()
    assert street_light["reading"]["heating"] is False
    assert street_light["category"] == "other"
    # A look-alike is offered, never routed to.
    assert street_light["community"] is None
    assert street_light["reading"]["community_suggestion"] == "剑桥学府"

"""Open311 GeoReport v2 at /open311/v2/: a real client (georeport, from PyPI) against the live
server, the spec's example documents, and the spec's errors for bad input."""

from xml.etree import ElementTree

import pytest
import requests
from georeport import GeoReport

from wennuan.api.models import ApiClient
from wennuan.workorders.models import WorkOrder

pytestmark = pytest.mark.django_db(transaction=True)

# The GeoReport v2 wiki's example answers (trimmed to one item each): our documents must have
# the same elements.
SPEC_SERVICES_XML = """<?xml version="1.0" encoding="utf-8"?>
<services><service><service_code>001</service_code><service_name>Cans left out 24x7</service_name>
<description>Garbage or recycling cans that have been left out for more than 24 hours.</description>
<metadata>true</metadata><type>realtime</type><keywords>lorem, ipsum, dolor</keywords>
<group>sanitation</group></service></services>"""
SPEC_DEFINITION_XML = """<?xml version="1.0" encoding="utf-8"?>
<service_definition><service_code>DMV66</service_code><attributes><attribute>
<variable>true</variable><code>WHISHETN</code><datatype>singlevaluelist</datatype>
<required>true</required><datatype_description></datatype_description><order>1</order>
<description>What is the ticket/tag/DL number?</description></attribute></attributes>
</service_definition>"""
SPEC_CREATED_XML = """<?xml version="1.0" encoding="utf-8"?>
<service_requests><request><service_request_id>293944</service_request_id>
<service_notice>The City will inspect and require the responsible party to correct within 24
hours.</service_notice><account_id/></request></service_requests>"""
SPEC_REQUESTS_XML = """<?xml version="1.0" encoding="utf-8"?>
<service_requests><request><service_request_id>638344</service_request_id><status>closed</status>
<status_notes>Duplicate request.</status_notes><service_name>Sidewalk and Curb Issues</service_name>
<service_code>006</service_code><description></description>
<agency_responsible></agency_responsible><service_notice></service_notice>
<requested_datetime>2010-04-19T06:37:38-08:00</requested_datetime>
<updated_datetime>2010-04-19T06:37:38-08:00</updated_datetime>
<expected_datetime>2010-04-19T06:37:38-08:00</expected_datetime>
<address>8TH AVE and JUDAH ST</address><address_id>545483</address_id><zipcode>94122</zipcode>
<lat>37.762221815</lat><long>-122.4651145</long>
<media_url>http://city.gov.s3.amazonaws.com/requests/media/638344.jpg</media_url>
</request></service_requests>"""
SPEC_ERRORS_XML = """<?xml version="1.0" encoding="utf-8"?>
<errors><error><code>403</code><description>Invalid api_key received -- can't proceed with
create_request.</description></error></errors>"""


def tags(element) -> set[str]:
    return {child.tag for child in element}


@pytest.fixture
def api_key(season, personas):
    _client, token = ApiClient.issue("12345平台")
    return token


@pytest.fixture
def root(live_server):
    return f"{live_server.url}/open311/v2"


def create(root, fmt="json", **fields):
    values = {
        "service_code": "not_warm",
        "address_string": "剑桥学府3号楼2单元501",
        "description": "暖气不热，屋里只有16度",
        "phone": "13853011111",
        "first_name": "小明",
        "last_name": "王",
    }
    values.update(fields)
    return requests.post(f"{root}/requests.{fmt}", data=values, timeout=10)


def test_client_lists_services_and_reads_a_created_request(root, api_key, small_city):
    client = GeoReport(root)
    services = client.get_service_list()
    codes = [service["service_code"] for service in services]
    assert "not_warm" in codes and "leak" in codes
    assert (
        next(s for s in services if s["service_code"] == "leak")["service_name"] == "漏水/跑水/爆管"
    )
    definition = client.get_service_definition("not_warm")
    assert [a["code"] for a in definition["attributes"]][:2] == ["community", "building"]

    response = create(root, api_key=api_key)
    assert response.status_code == 200, response.text
    [created] = response.json()
    number = created["service_request_id"]
    order = WorkOrder.objects.get(number=number)
    assert order.community.name == "剑桥学府"  # read from address_string
    assert (order.building, order.unit, order.room) == ("3", "2", "501")
    assert order.api_client.name == "12345平台" and order.caller_name == "王小明"

    request = client.get_service_request(number)
    assert request["status"] == "open"
    assert request["service_code"] == "not_warm"
    assert request["address"] == "剑桥学府"
    assert request["agency_responsible"] == "北城热力有限公司"
    assert request["description"] == ""  # nothing personal without the client's key
    listed = client.get_service_requests(service_code="not_warm", status="open")
    assert [r["service_request_id"] for r in listed] == [number]
    assert client.get_service_requests(status="closed") == []

    xml_client = GeoReport(root, output_format="xml")
    assert xml_client.get_service_request(number)["service_request_id"] == number
    assert "not_warm" in [s["service_code"] for s in xml_client.get_service_list()]


def test_documents_have_the_spec_examples_elements(root, api_key, small_city):
    services = ElementTree.fromstring(requests.get(f"{root}/services.xml", timeout=10).content)
    spec = ElementTree.fromstring(SPEC_SERVICES_XML.encode())
    assert services.tag == "services" and tags(services[0]) == tags(spec[0])

    definition = ElementTree.fromstring(
        requests.get(f"{root}/services/leak.xml", timeout=10).content
    )
    spec = ElementTree.fromstring(SPEC_DEFINITION_XML.encode())
    assert tags(definition) == tags(spec)
    assert tags(definition.find("attributes")[0]) == tags(spec.find("attributes")[0])

    response = create(root, "xml", api_key=api_key)
    assert response.headers["Content-Type"].startswith("text/xml")
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    created = ElementTree.fromstring(response.content)
    spec = ElementTree.fromstring(SPEC_CREATED_XML.encode())
    assert tags(created[0]) == tags(spec[0])
    number = created[0].findtext("service_request_id")

    one = ElementTree.fromstring(requests.get(f"{root}/requests/{number}.xml", timeout=10).content)
    spec = ElementTree.fromstring(SPEC_REQUESTS_XML.encode())
    assert tags(one[0]) == tags(spec[0])

    refused = requests.post(f"{root}/requests.xml", data={"api_key": "wrong"}, timeout=10)
    assert refused.status_code == 403
    errors = ElementTree.fromstring(refused.content)
    spec = ElementTree.fromstring(SPEC_ERRORS_XML.encode())
    assert errors.tag == spec.tag and tags(errors[0]) == tags(spec[0])
    assert errors[0].findtext("code") == "403"


def test_the_creating_client_sees_its_description(root, api_key, small_city):
    [created] = create(root, api_key=api_key).json()
    number = created["service_request_id"]
    mine = requests.get(f"{root}/requests/{number}.json", params={"api_key": api_key}, timeout=10)
    assert mine.json()[0]["description"].endswith("暖气不热，屋里只有16度")
    assert "13853011111" not in mine.text


@pytest.mark.parametrize(
    "fields, status, words",
    [
        ({}, 400, "api_key"),
        ({"api_key": "not-a-token"}, 403, "api_key"),
        ({"service_code": "potholes", "with_key": True}, 400, "potholes"),
        ({"service_code": "", "with_key": True}, 400, "service_code"),
        ({"phone": "", "with_key": True}, 400, "phone"),
        ({"description": "", "address_string": "", "with_key": True}, 400, "text"),
        ({"jurisdiction_id": "elsewhere.gov", "with_key": True}, 404, "jurisdiction_id"),
    ],
)
def test_bad_posts_get_spec_errors_and_create_nothing(
    root, api_key, small_city, settings, fields, status, words
):
    settings.WENNUAN_OPEN311_JURISDICTION = "heze.example"
    fields = dict(fields)
    if fields.pop("with_key", False):
        fields["api_key"] = api_key
    response = create(root, **fields)
    assert response.status_code == status, response.text
    [error] = response.json()
    assert error["code"] == status and words in error["description"]
    assert not WorkOrder.objects.exists()


def test_unknown_things_are_404_and_filters_are_checked(root, api_key, small_city):
    assert requests.get(f"{root}/services/potholes.json", timeout=10).status_code == 404
    missing = requests.get(f"{root}/requests/GN000.json", timeout=10)
    assert missing.status_code == 404 and missing.json()[0]["code"] == 404
    too_long = requests.get(
        f"{root}/requests.json",
        params={"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"},
        timeout=10,
    )
    assert too_long.status_code == 400 and "90" in too_long.json()[0]["description"]
    bad_date = requests.get(f"{root}/requests.json", params={"start_date": "yesterday"}, timeout=10)
    assert bad_date.status_code == 400
    assert requests.get(f"{root}/services.csv", timeout=10).status_code == 404

"""Issue 16 item 9: landlines shown as 0530-6692571; a favicon."""

from wennuan.lib.phones import complete_local_number, format_phone, is_personal_phone


def test_format_phone():
    assert format_phone("05306692571") == "0530-6692571"
    assert format_phone("01012345678") == "010-12345678"
    assert format_phone("13812341234") == "13812341234"
    assert format_phone("12319") == "12319"


def test_personal_phone_and_local_completion():
    assert not is_personal_phone("12345") and is_personal_phone("13812341234")
    assert complete_local_number("669 2571", "0530") == "05306692571"
    assert complete_local_number("13812341234", "0530") == "13812341234"
    assert complete_local_number("12345", "0530") == "12345"


def test_public_pages_show_landlines_with_a_dash(client, season, small_city):
    page = client.post(
        "/complaint/",
        {"text": "暖气不热", "phone": "13953012345", "community": "金鼎小区"},
    ).content.decode()
    assert ">0530-5550002</a>" in page and 'href="tel:05305550002"' in page
    directory = client.get("/directory/", {"q": "金鼎"}).content.decode()
    assert "0530-5550002" in directory


def test_favicon(client, db):
    page = client.get("/").content.decode()
    assert 'rel="icon"' in page and "favicon.svg" in page
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("favicon.svg")

"""Issue 16 item 9: the fee calculator and season names are complete in English."""

import re


def test_fee_calculator_in_english_has_no_chinese_outside_the_bureaus_notes(
    client, fee_standard, season
):
    season.name = "2026—2027 供热季"
    season.save()
    client.cookies["django_language"] = "en"
    response = client.get("/info/fees/", {"area": "90", "use": "residential", "suspended": "no"})
    html = response.content.decode()
    main = html.split("<main>")[1].split("</main>")[0]
    main = re.sub(r'<div class="article-body">.*?</div>', "", main, flags=re.S)  # staff's text
    text = re.sub(r"<[^>]+>", " ", main)
    assert not re.findall(r"[\u4e00-\u9fff]+", text), re.findall(r"[\u4e00-\u9fff]+", text)
    year = season.start_date.year
    assert f"{year}–{year + 1} heating season" in text
    assert "Heated floor area (m²)" in text and "Heating suspended?" in text


def test_season_keeps_its_registered_name_in_chinese(client, fee_standard, season):
    season.name = "2026—2027 供热季"
    season.save()
    assert "2026—2027 供热季" in client.get("/info/fees/").content.decode()

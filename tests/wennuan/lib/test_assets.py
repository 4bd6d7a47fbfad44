def test_plotly_is_served_by_the_app_not_a_cdn(client):
    response = client.get("/assets/plotly.min.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert "max-age" in response["Cache-Control"]
    body = b"".join(response.streaming_content)
    assert b"plotly" in body[:2000].lower() and len(body) > 1_000_000


def test_plotly_is_served_gzipped_to_browsers_that_accept_it(client):
    import gzip

    response = client.get("/assets/plotly.min.js", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert response.status_code == 200 and response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    body = response.content
    assert len(body) < 2_000_000
    assert b"plotly" in gzip.decompress(body)[:2000].lower()

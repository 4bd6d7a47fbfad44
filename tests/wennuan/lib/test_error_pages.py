"""Issue 16 item 9: error pages in the site's style and language, saying what to do."""

from django.test import RequestFactory

from wennuan.lib.errors import server_error


def test_404_is_in_the_sites_style_and_chinese(client, db):
    response = client.get("/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in page and 'class="site-header"' in page and "Not Found" not in page


def test_404_in_english_mode(client, db):
    client.cookies["django_language"] = "en"
    page = client.get("/no-such-page/").content.decode()
    assert "Page not found" in page and 'lang="en"' in page


def test_403_for_a_login_without_a_role_says_so(client, personas):
    client.force_login(personas["outsider"])
    response = client.get("/console/orders/")
    page = response.content.decode()
    assert response.status_code == 403
    assert "账号尚未分配角色" in page and "outsider" in page and "请联系系统管理员" in page


def test_403_for_a_role_without_the_right(client, personas, make_order):
    order = make_order()
    client.force_login(personas["technician"])
    response = client.post(f"/console/orders/{order.number}/act/press/", {"reason": "x"})
    assert response.status_code in (403, 404)
    page = response.content.decode()
    assert "没有权限" in page or "页面不存在" in page


def test_500_page_renders_on_its_own(db):
    response = server_error(RequestFactory().get("/"))
    page = response.content.decode()
    assert response.status_code == 500 and "系统出错" in page and "12319" in page


def test_a_failed_form_check_answers_in_the_sites_language_not_djangos_page(db):
    """Found by the outsider's walk: a phone that dropped its cookies got Django's developer
    page ("更多可用信息请设置选项DEBUG＝True") and no way forward."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post("/complaint/", {"text": "暖气不热", "phone": "13953012345"})
    page = response.content.decode()
    assert response.status_code == 403
    assert "页面已过期" in page and "DEBUG" not in page
    client.cookies["django_language"] = "en"
    english = client.post("/complaint/", {"text": "x"}).content.decode()
    assert "The page has expired" in english

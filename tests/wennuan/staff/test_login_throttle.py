"""Issue 18 item 10: staff login is throttled per account and per address (django-axes):
60 wrong passwords, then the right one, used to get in."""

from datetime import timedelta

import time_machine
from django.utils import timezone

PASSWORD = "persona-password-2026"  # tests/wennuan/conftest.py's personas
LOGIN = "/console/login/"


def attempt(client, username, password, ip="203.0.113.7", **extra):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip, **extra)


def test_wrong_passwords_lock_the_account_even_for_the_right_one(client, personas):
    statuses = [
        attempt(client, "dispatcher", f"guess-{index}", ip=f"198.51.100.{index}").status_code
        for index in range(10)
    ]
    assert statuses == [200] * 9 + [429]  # the form again, then locked at the tenth
    response = attempt(client, "dispatcher", PASSWORD, ip="192.0.2.1")
    assert response.status_code == 429
    page = response.content.decode()
    assert "登录失败次数过多" in page and 'value="dispatcher"' in page
    assert "_auth_user_id" not in client.session
    # After the cool-off the right password works again.
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        response = attempt(client, "dispatcher", PASSWORD, ip="192.0.2.1")
    assert response.status_code == 302


def test_one_address_guessing_many_accounts_is_locked(client, personas):
    for index in range(10):
        attempt(client, f"user{index}", "guess")
    assert attempt(client, "supervisor", PASSWORD).status_code == 429
    # Another address, the same account: fine.
    assert attempt(client, "supervisor", PASSWORD, ip="192.0.2.9").status_code == 302


def test_the_address_behind_a_trusted_proxy_is_the_one_locked(client, personas, settings):
    from wennuan.lib.addresses import parse_networks

    settings.WENNUAN_TRUSTED_PROXIES = parse_networks("127.0.0.1/32")
    for index in range(10):
        attempt(client, f"user{index}", "guess", ip="127.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4")
    locked = attempt(client, "supervisor", PASSWORD, ip="127.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert locked.status_code == 429
    # Everyone else behind the same nginx still logs in.
    other = attempt(client, "supervisor", PASSWORD, ip="127.0.0.1", HTTP_X_FORWARDED_FOR="5.6.7.8")
    assert other.status_code == 302

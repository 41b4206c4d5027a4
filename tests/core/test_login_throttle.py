"""Login throttling, through the login pages: failures lock the account and the address for a while.

Used to be: 60 wrong passwords in 41 s, all answered, and ``admin`` still signed in.
"""

import logging
from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from core.models import LoginAttempt, User
from core.throttle import client_address

PASSWORD = "right-password-1"
LOCKED = "该账号登录失败的次数过多，已暂时锁定，请"
ADDRESS_LOCKED = "从您所在网络地址登录失败的次数过多，已暂停登录"


@pytest.fixture
def account(db) -> User:
    return User.objects.create_superuser("admin", password=PASSWORD, role=User.Role.ADMINISTRATOR)


def sign_in(client, username: str, password: str, address: str = "203.0.113.7", **extra):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address, **extra
    )


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def fail(client, username: str, times: int, address: str = "203.0.113.7"):
    for _ in range(times):
        response = sign_in(client, username, "wrong", address)
        assert response.status_code == 200 and not signed_in(client)
    return response


def age(minutes: int) -> None:
    """Every recorded attempt ``minutes`` older, as if that time had passed."""
    for attempt in LoginAttempt.objects.all():
        LoginAttempt.objects.filter(pk=attempt.pk).update(at=attempt.at - timedelta(minutes=minutes))


def test_five_failures_lock_the_account_even_for_the_right_password(client, account, caplog):
    page = fail(client, "admin", 4).content.decode()
    assert "请输入一个正确的" in page and LOCKED not in page  # Django's own message, four times
    caplog.set_level(logging.WARNING, logger="perfbudget.security")
    page = fail(client, "admin", 1).content.decode()
    assert f"{LOCKED} 15 分钟后" in page  # the fifth failure says so at once
    response = sign_in(client, "admin", PASSWORD)
    assert response.status_code == 200 and not signed_in(client)
    assert LOCKED in response.content.decode()
    outcomes = list(LoginAttempt.objects.order_by("id").values_list("outcome", flat=True))
    assert outcomes == ["failed"] * 5 + ["locked"]
    assert LoginAttempt.objects.filter(username="admin", address="203.0.113.7").count() == 6
    logged = [r.getMessage() for r in caplog.records if r.name == "perfbudget.security"]
    assert any("login locked until" in m and "'admin'" in m for m in logged), logged
    assert any("login refused while locked" in m for m in logged), logged


def test_the_lock_holds_from_another_address_and_ends_after_fifteen_minutes(client, account):
    fail(client, "admin", 5)
    assert LOCKED in sign_in(client, "admin", PASSWORD, address="198.51.100.9").content.decode()
    assert not signed_in(client)
    age(14)
    assert f"{LOCKED} 1 分钟后" in sign_in(client, "admin", PASSWORD).content.decode()
    age(2)  # the fifth failure is now 16 minutes old
    assert sign_in(client, "admin", PASSWORD).status_code == 302 and signed_in(client)


def test_attempts_while_locked_do_not_extend_the_lock(client, account):
    fail(client, "admin", 5)
    age(10)
    fail(client, "admin", 10)  # refused unchecked, recorded as such
    assert LoginAttempt.objects.filter(outcome="locked").count() == 10
    age(6)
    assert sign_in(client, "admin", PASSWORD).status_code == 302


def test_a_successful_sign_in_clears_the_accounts_failures(client, account):
    fail(client, "admin", 4)
    assert sign_in(client, "admin", PASSWORD).status_code == 302
    client.logout()
    page = fail(client, "admin", 4).content.decode()
    assert LOCKED not in page
    assert sign_in(client, "admin", PASSWORD).status_code == 302


def test_failures_spread_over_more_than_the_window_do_not_lock(client, account):
    fail(client, "admin", 4)
    age(16)
    fail(client, "admin", 1)
    assert sign_in(client, "admin", PASSWORD).status_code == 302


def test_twenty_failures_from_one_address_lock_it_for_every_account(client, account):
    for number in range(20):
        fail(client, f"guess{number}", 1, address="192.0.2.50")
    response = sign_in(client, "admin", PASSWORD, address="192.0.2.50")
    assert ADDRESS_LOCKED in response.content.decode() and not signed_in(client)
    # The account itself is not locked: from another address it signs in.
    assert sign_in(client, "admin", PASSWORD, address="192.0.2.51").status_code == 302


def test_the_admin_login_is_throttled_too(client, account):
    fail(client, "admin", 5)
    response = client.post(
        reverse("admin:login"), {"username": "admin", "password": PASSWORD}, REMOTE_ADDR="203.0.113.7"
    )
    assert response.status_code == 200 and not signed_in(client)
    assert LOCKED in response.content.decode()


def test_behind_the_proxy_the_forwarded_address_counts(client, account):
    for number in range(20):
        sign_in(client, f"guess{number}", "x", address="127.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.60")
    assert set(LoginAttempt.objects.values_list("address", flat=True)) == {"192.0.2.60"}
    forwarded_by_proxy = {"address": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "192.0.2.60"}
    assert ADDRESS_LOCKED in sign_in(client, "admin", PASSWORD, **forwarded_by_proxy).content.decode()
    other_client = {"address": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "192.0.2.61"}
    assert sign_in(client, "admin", PASSWORD, **other_client).status_code == 302


def test_a_forwarded_header_from_an_untrusted_client_is_ignored():
    factory = RequestFactory()
    spoofed = factory.post("/", REMOTE_ADDR="198.51.100.1", HTTP_X_FORWARDED_FOR="10.0.0.1")
    assert client_address(spoofed) == "198.51.100.1"
    chained = factory.post("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.0.0.1, 192.0.2.70")
    assert client_address(chained) == "192.0.2.70"  # the client may invent the first hop, not the last


def test_old_attempts_are_not_kept_forever(client, account):
    fail(client, "admin", 1)
    LoginAttempt.objects.update(at=timezone.now() - timedelta(days=200))
    fail(client, "admin", 1)
    assert LoginAttempt.objects.count() == 1

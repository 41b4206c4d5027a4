"""Passwords are stored with Argon2id; a PBKDF2 hash from before is upgraded at its next sign-in
(issue 14, load: the sign-in's cost, docs/benchmarks.md). The suite itself hashes with MD5 for speed,
so these tests switch to the production list."""

import pytest
from django.contrib.auth.hashers import check_password, make_password
from django.urls import reverse

from core.models import User


@pytest.fixture
def production_hashers(settings):
    settings.PASSWORD_HASHERS = settings.SECURE_PASSWORD_HASHERS
    assert settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_a_new_password_is_stored_as_argon2id(production_hashers, tianhe):
    user = User.objects.create_user("new-preparer", password="长密码-2026", department=tianhe)
    assert user.password.startswith("argon2$argon2id$")
    assert check_password("长密码-2026", user.password)


def test_a_pbkdf2_hash_signs_in_through_the_login_page_and_is_upgraded(production_hashers, client, tianhe):
    old = make_password("旧密码-2024", hasher="pbkdf2_sha256")
    user = User.objects.create(username="old-preparer", department=tianhe, password=old)
    response = client.post(reverse("login"), {"username": "old-preparer", "password": "旧密码-2024"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$") and check_password("旧密码-2024", user.password)
    # A wrong password neither signs in nor touches the hash.
    client.logout()
    response = client.post(reverse("login"), {"username": "old-preparer", "password": "旧密码-2025"})
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    assert User.objects.get(pk=user.pk).password == user.password

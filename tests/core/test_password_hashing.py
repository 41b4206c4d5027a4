"""Passwords are stored with Argon2id; a PBKDF2 hash from before is upgraded at its next sign-in
(issue 14, load: the sign-in's cost, docs/benchmarks.md). The suite itself hashes with MD5 for speed,
so these tests switch to the production list."""

import os
import threading

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher, check_password, make_password
from django.urls import reverse

from core import hashers
from core.hashers import BackgroundArgon2PasswordHasher
from core.models import User


@pytest.fixture
def production_hashers(settings):
    settings.PASSWORD_HASHERS = settings.SECURE_PASSWORD_HASHERS
    assert settings.PASSWORD_HASHERS[0] == "core.hashers.BackgroundArgon2PasswordHasher"


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


def test_the_hash_is_django_s_argon2_computed_in_low_priority_threads(production_hashers):
    """The same hashes as Django's Argon2PasswordHasher, either way round; the work runs in the pool's
    threads, whose priority is lowered (nice 10 on Linux): a burst of sign-ins yields to the pages."""
    ours, django = BackgroundArgon2PasswordHasher(), Argon2PasswordHasher()
    assert ours.algorithm == django.algorithm == "argon2"
    assert django.verify("口令-1", ours.encode("口令-1", ours.salt()))
    assert ours.verify("口令-2", django.encode("口令-2", django.salt()))
    assert not ours.verify("口令-3", django.encode("口令-2", django.salt()))
    seen = (
        hashers._executor()
        .submit(lambda: (threading.get_ident(), os.getpriority(os.PRIO_PROCESS, threading.get_native_id())))
        .result()
    )
    assert seen[0] != threading.get_ident()
    assert seen[1] == os.getpriority(os.PRIO_PROCESS, 0) + hashers.NICENESS or seen[1] == 19

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from perfbudget.env import env_bool, parse_database_url
from tests.conftest import REPO_DIR


def test_database_url_is_parsed_for_postgresql():
    config = parse_database_url("postgres://alice:s%40cret@db.internal:6543/perf?sslmode=require")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["USER"], config["PASSWORD"]) == ("perf", "alice", "s@cret")
    assert (config["HOST"], config["PORT"], config["OPTIONS"]) == (
        "db.internal",
        "6543",
        {"sslmode": "require"},
    )


def test_database_url_rejects_unknown_schemes_and_missing_names():
    with pytest.raises(ImproperlyConfigured):
        parse_database_url("mysql://root@localhost/perf")
    with pytest.raises(ImproperlyConfigured):
        parse_database_url("postgres://root@localhost/")


def test_booleans_are_parsed_strictly(monkeypatch):
    monkeypatch.setenv("FLAG", "flase")
    with pytest.raises(ImproperlyConfigured):
        env_bool("FLAG")
    monkeypatch.setenv("FLAG", "off")
    assert env_bool("FLAG", default=True) is False


def _start_production(**env) -> subprocess.CompletedProcess:
    environment = {
        key: value for key, value in os.environ.items() if key not in {"DEBUG", "SECRET_KEY", "DATABASE_URL"}
    }
    environment.update(PERFBUDGET_ENV="production", ALLOWED_HOSTS="example.org", **env)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=REPO_DIR,
        env={**environment, "DJANGO_SETTINGS_MODULE": "perfbudget.settings"},
        capture_output=True,
        text=True,
        check=False,
    )


GOOD_KEY = "k3J9x!aQ2mZ7pL0vR5tW8yB1nC4dF6gH-jK2lM9qS3uV7wX0zA5bE8cG1iN4oP6r"


def test_production_refuses_debug():
    result = _start_production(DEBUG="true", SECRET_KEY=GOOD_KEY)
    assert result.returncode != 0
    assert "DEBUG must be off in production" in result.stderr


def test_production_refuses_a_missing_or_insecure_secret_key():
    assert "real SECRET_KEY" in _start_production().stderr
    assert "real SECRET_KEY" in _start_production(SECRET_KEY="django-insecure-" + "x" * 60).stderr


def test_production_starts_with_a_real_key():
    assert _start_production(SECRET_KEY=GOOD_KEY).returncode == 0

#!/usr/bin/env bash
# The whole check: lint, Django checks, migrations in sync, the suite on SQLite, then on PostgreSQL.
# Extra arguments go to pytest (e.g. scripts/test.sh -k loadseeds).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh
export PERFBUDGET_ENV=test DJANGO_ALLOW_ASYNC_UNSAFE=true

step() { printf '\n== %s\n' "$*"; }

step "ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .

step "manage.py check"
.venv/bin/python manage.py check --fail-level WARNING
step "manage.py check --deploy (production settings)"
env -u DJANGO_ALLOW_ASYNC_UNSAFE PERFBUDGET_ENV=production DEBUG=false ALLOWED_HOSTS=perfbudget.example \
    SECRET_KEY="ci-$(head -c 48 /dev/urandom | base64 | tr -d '/+=' | head -c 60)" \
    .venv/bin/python manage.py check --deploy --fail-level WARNING

step "makemigrations --check"
.venv/bin/python manage.py makemigrations --check --dry-run

step "pytest on SQLite"
env -u DATABASE_URL .venv/bin/python -m pytest "$@"

step "pytest on PostgreSQL"
source scripts/postgres.sh
DATABASE_URL="$PG_TEST_URL" .venv/bin/python -m pytest "$@"

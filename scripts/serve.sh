#!/usr/bin/env bash
# Start perfbudget with demo data on an embedded SQLite database: http://127.0.0.1:8000/
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh
.venv/bin/python manage.py migrate --noinput -v0
.venv/bin/python manage.py loadseeds
# A district of 60 demo departments for the 财政局 pages (nothing is added when it exists).
.venv/bin/python manage.py generate_demo --departments "${DEMO_DEPARTMENTS:-60}"
echo "Demo users (password perfbudget-demo): tianhe, yuexiu, reviewer, finance, admin, demo0001…"
# The background worker for batch exports; stopped with the server.
.venv/bin/python manage.py db_worker --no-reload -v0 &
worker=$!
trap 'kill "$worker" 2>/dev/null || true' EXIT
.venv/bin/python manage.py runserver "${HOST:-127.0.0.1}:${PORT:-8000}"

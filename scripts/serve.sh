#!/usr/bin/env bash
# Start perfbudget with demo data on an embedded SQLite database: http://127.0.0.1:8000/
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh
.venv/bin/python manage.py migrate --noinput -v0
.venv/bin/python manage.py loadseeds
echo "Demo users (password perfbudget-demo): tianhe, yuexiu, reviewer, finance, admin"
exec .venv/bin/python manage.py runserver "${HOST:-127.0.0.1}:${PORT:-8000}"

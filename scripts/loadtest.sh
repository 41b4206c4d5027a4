#!/usr/bin/env bash
# Load test: gunicorn (production settings), a background worker (db_worker) and PostgreSQL on
# 127.0.0.1, 50 simulated preparers browsing, editing and saving drafts for 2 minutes, a PDF every 5th
# round. Not part of the test run.
#   bash scripts/loadtest.sh            # USERS=50 DURATION=120 THINK=1 (seconds between rounds; 0 = stress)
#                                       # LOAD_DB=perfload (the database it drops and fills), PORT=8765
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/setup.sh
source scripts/postgres.sh
USERS="${USERS:-50}" DURATION="${DURATION:-120}" PORT="${PORT:-8765}" THINK="${THINK:-1}" LOAD_DB="${LOAD_DB:-perfload}"
work="$(mktemp -d)"
psql -h 127.0.0.1 -U postgres -q -c "DROP DATABASE IF EXISTS $LOAD_DB" -c "CREATE DATABASE $LOAD_DB"
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$LOAD_DB" PERFBUDGET_ENV=production DEBUG=false \
    SECRET_KEY="load-$(head -c 48 /dev/urandom | base64 | tr -d '/+=' | head -c 60)" \
    ALLOWED_HOSTS=127.0.0.1,localhost SECURE_SSL_REDIRECT=false SECURE_COOKIES=false SECURE_HSTS_SECONDS=0 \
    STATIC_ROOT="$work/static" LOG_LEVEL=WARNING
.venv/bin/python manage.py migrate -v0
# Demo users (the public demo password) are refused in production: this throwaway database gets them
# in development mode; the server below runs in production mode.
# The seeds' saves queue the render of their PDFs (due at once here; drained below).
PERFBUDGET_ENV=development PDF_PRERENDER_DELAY_SECONDS=0 .venv/bin/python manage.py loadseeds -v0
PERFBUDGET_ENV=development .venv/bin/python manage.py generate_demo --departments 60
# As after any bulk load (docs/deploy.md): the PDFs of the downloaded forms rendered once and stored.
.venv/bin/python manage.py prerender_pdfs --kind declaration --year 2024
.venv/bin/python manage.py db_worker --batch --no-startup-delay --no-reload -v0
.venv/bin/python manage.py collectstatic --noinput -v0
# 40 preparers with a form each; 10 more share the forms of the first 10 (same department).
.venv/bin/python manage.py shell -c "
from core.models import FormStatus, User
from declarations.models import Declaration
lines = []
for n in range(1, $USERS + 1):
    owner = User.objects.get(username=f'demo{(n - 1) % max(1, $USERS * 4 // 5) + 1:04d}')
    user = owner
    if n > max(1, $USERS * 4 // 5):
        user, _ = User.objects.get_or_create(username=f'load{n:04d}', defaults={'role': 'preparer', 'department': owner.department})
        user.password = owner.password
        user.save()
    form = Declaration.objects.get(department=owner.department, year=2025)
    Declaration.objects.filter(pk=form.pk).update(status=FormStatus.DRAFT, version=1)
    before = Declaration.objects.get(department=owner.department, year=2024)
    lines.append(f'{user.username} /forms/declaration/{form.pk}/ /forms/declaration/{before.pk}/download.pdf')
open('$work/forms.txt', 'w').write(chr(10).join(lines))
"
.venv/bin/gunicorn -c gunicorn.conf.py --bind "127.0.0.1:$PORT" --access-logfile /dev/null --daemon --pid "$work/gunicorn.pid"
# The background worker of a deployment (docs/deploy.md): it renders the PDFs that saves queue.
.venv/bin/python manage.py db_worker --no-reload -v0 &
worker=$!
trap 'kill "$(cat "$work/gunicorn.pid")" "$worker" 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -fs -o /dev/null "http://127.0.0.1:$PORT/accounts/login/" && break; sleep 0.2; done
status=0
.venv/bin/python scripts/loadtest.py --base "http://127.0.0.1:$PORT" --users "$USERS" --duration "$DURATION" \
    --forms "$work/forms.txt" --think "$THINK" || status=$?
# No lost update: every accepted save bumped the version exactly once.
.venv/bin/python manage.py shell -c "
from declarations.models import Declaration
saves = dict(line.split() for line in open('$work/forms.txt.saves'))
lost = [(pk, n, Declaration.objects.get(pk=pk).version) for pk, n in saves.items() if Declaration.objects.get(pk=pk).version != 1 + int(n)]
print(f'forms saved: {len(saves)}, accepted saves: {sum(map(int, saves.values()))}, lost updates: {len(lost)}', lost[:5])
raise SystemExit(1 if lost else 0)
" || status=$?
exit $status

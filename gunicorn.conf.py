"""gunicorn settings for production (docs/deploy.md). Override any of them with GUNICORN_* variables."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Pages are short and mostly database-bound; PDF rendering is the CPU-heavy part (~0.2 s each).
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 2))
worker_class = "gthread"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
max_requests = 2000  # recycle workers now and then: WeasyPrint's caches grow with use
max_requests_jitter = 200
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
wsgi_app = "perfbudget.wsgi:application"

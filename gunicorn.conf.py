"""gunicorn settings for production (docs/deploy.md). Override any of them with GUNICORN_* variables."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Pages are short and CPU-bound in Python (PDFs come from the store, rendered by the db_worker).
# One process more than there are cores, four threads each: on this project's 2-core load test the
# same throughput as 2 × cores + 1 processes × 2 threads, with a shorter tail (p95 1.56 / 1.71 s against
# 2.09–2.23 s, docs/benchmarks.md): fewer processes contend for the cores, the threads cover the
# database waits.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 4))
worker_class = "gthread"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
max_requests = 2000  # recycle workers now and then: a guard against slow growth of any cache
max_requests_jitter = 200
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
wsgi_app = "perfbudget.wsgi:application"

"""What a rendering worker process runs (``core/exports/parallel.py`` starts the processes).

A spawned worker unpickles these functions by importing this module before Django is set up, so the
module imports nothing of ours at its top: our modules define models, which need the app registry.
"""

import os
import resource

import django


def start() -> None:
    """Set Django up once in a fresh worker, from the environment the parent passed on."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "perfbudget.settings")
    django.setup()


def render_layout(format: str, layout) -> tuple[bytes, int, float]:
    """``(bytes, worker pid, peak RSS of the worker in MiB)`` of a live rendering (no stamp)."""
    # Imported here, not at the top: the app registry is ready only after ``start()`` ran. The plain
    # renderers, not the stored-PDF exporter: a worker renders, the parent process stores.
    from core.exports import html, xlsx

    content = html.render_pdf(layout) if format == "pdf" else xlsx.render_xlsx(layout)
    return content, os.getpid(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

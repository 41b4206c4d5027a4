"""What a rendering worker process runs (``core/exports/parallel.py`` starts the processes).

A spawned worker unpickles these functions by importing this module before Django is set up, so the
module imports nothing of ours at its top: our modules define models, which need the app registry.
A worker never touches the database: the parent reads the data, draws the layout and looks up and fills
the stored-PDF table; a worker only turns a layout into a PDF or an XLSX.
"""

import os
import resource

import django


def start() -> None:
    """Set Django up once in a fresh worker, from the environment the parent passed on."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "perfbudget.settings")
    django.setup()


def peak_rss_mib() -> float:
    """This process's peak resident memory in MiB.

    Linux's ``VmHWM`` starts afresh when a process execs; ``ru_maxrss`` does not (it keeps the peak
    of the process before ``execve``), so a spawned worker's ``ru_maxrss`` reports at least its
    parent's peak at spawn time. ``ru_maxrss`` is the fallback where there is no ``/proc``.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _done(content: bytes) -> tuple[bytes, int, float]:
    return content, os.getpid(), peak_rss_mib()


def render_pdf(layout) -> tuple[bytes, int, float]:
    """``(bytes, worker pid, peak RSS of the worker in MiB)`` of a live PDF (no stamp)."""
    # Imported here, not at the top: the app registry is ready only after ``start()`` ran.
    from core.exports.pdf import render_pdf

    return _done(render_pdf(layout))


def render_xlsx(layout) -> tuple[bytes, int, float]:
    """``(bytes, worker pid, peak RSS of the worker in MiB)`` of a live XLSX (no stamp)."""
    # Imported here for the same reason: the app registry is ready only after ``start()`` ran.
    from core.exports.xlsx import render_xlsx

    return _done(render_xlsx(layout))

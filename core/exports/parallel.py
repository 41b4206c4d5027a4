"""Rendering many files at once in worker processes (a district's ZIP).

The parent reads the data and draws each document's layout (that needs the database); a worker only
turns a layout into bytes (that needs Django's templates and WeasyPrint, not the database). So the
workers share nothing with the parent but the layouts sent to them and the bytes sent back: they
open no database connection, and they work the same under the test runner's in-memory database.

Workers are *spawned* (a fresh interpreter each, Django set up once in each), not forked: a fork
would inherit the parent's open database connections and threads. ``workers=1`` renders in the
calling process, the serial path every result is compared with.
"""

from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing import get_context

from django.conf import settings

from core.exports import worker


def worker_count(requested: int | None = None) -> int:
    return max(1, requested if requested is not None else settings.PERFBUDGET_EXPORT_WORKERS)


class RenderPool:
    """``submit(format, layout) -> Future`` of ``worker.render_layout``, in ``workers`` processes.

    Use as a context manager; leaving it waits for (or, after an error, cancels) what is left.
    """

    def __init__(self, workers: int | None = None):
        self.workers = worker_count(workers)
        self._executor = None
        self.peaks: dict[int, float] = {}  # worker pid -> peak RSS in MiB

    def __enter__(self):
        if self.workers > 1:
            self._executor = ProcessPoolExecutor(
                max_workers=self.workers, mp_context=get_context("spawn"), initializer=worker.start
            )
        return self

    def __exit__(self, kind, error, traceback):
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=error is not None)
        return False

    def submit(self, format: str, layout) -> Future:
        if self._executor is not None:
            future = self._executor.submit(worker.render_layout, format, layout)
        else:
            future = Future()
            try:
                future.set_result(worker.render_layout(format, layout))
            except Exception as error:  # the caller sees it when it reads the result, as from a worker
                future.set_exception(error)
        future.add_done_callback(self._note_peak)
        return future

    def _note_peak(self, future: Future) -> None:
        if not future.cancelled() and future.exception() is None:
            _content, pid, peak = future.result()
            self.peaks[pid] = max(self.peaks.get(pid, 0.0), peak)

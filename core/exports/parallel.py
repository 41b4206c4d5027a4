"""Rendering many files at once in worker processes (a district's ZIP).

The parent reads the data and draws each document's layout (that needs the database); for a PDF it
also looks the layout's key up in the stored PDFs (``core/exports/pdfcache.py``) and serves a stored
one without sending anything to a worker; a PDF rendered by a worker is stored by the parent when it
comes back. A worker only turns a layout into a PDF or an XLSX (the typesetter and openpyxl, not the
database). So the
workers share nothing with the parent but what is sent to them and the bytes sent back: they open no
database connection, and they work the same under the test runner's in-memory database.

Workers are *spawned* (a fresh interpreter each, Django set up once in each), not forked: a fork
would inherit the parent's open database connections and threads. ``workers=1`` renders in the
calling process, the serial path every result is compared with.
"""

from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing import get_context

from django.conf import settings

from core.exports import worker
from core.exports.pdfcache import pdf_key, store_pdfs, stored_pdf


def worker_count(requested: int | None = None) -> int:
    return max(1, requested if requested is not None else settings.PERFBUDGET_EXPORT_WORKERS)


class RenderPool:
    """``submit(format, layout) -> Future`` of ``(bytes, worker pid, peak MiB)``, in ``workers``
    processes; a PDF already stored is a finished future (pid None) and nothing is rendered.

    Use as a context manager; leaving it waits for (or, after an error, cancels) what is left and
    stores the PDFs rendered since the last submission. All database work happens in the thread that
    calls ``submit`` and leaves the context, never in a worker or an executor thread.
    """

    def __init__(self, workers: int | None = None):
        self.workers = worker_count(workers)
        self._executor = None
        self.peaks: dict[int, float] = {}  # worker pid -> peak RSS in MiB
        self.stored = 0  # PDFs served from the store instead of rendered
        self._unstored: list[tuple[str, Future]] = []  # (key, rendering) of PDFs to store

    def __enter__(self):
        if self.workers > 1:
            self._executor = ProcessPoolExecutor(
                max_workers=self.workers, mp_context=get_context("spawn"), initializer=worker.start
            )
        return self

    def __exit__(self, kind, error, traceback):
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=error is not None)
        if error is None:
            self._store_finished()
        return False

    def submit(self, format: str, layout) -> Future:
        self._store_finished()
        if format == "pdf":
            key = pdf_key(layout)  # a live rendering (no stamp), as a download of it prints
            content = stored_pdf(key)
            if content is not None:
                self.stored += 1
                future = Future()
                future.set_result((content, None, 0.0))
                return future
            future = self._run(worker.render_pdf, layout)
            self._unstored.append((key, future))
        else:
            future = self._run(worker.render_xlsx, layout)
        future.add_done_callback(self._note_peak)
        return future

    def _run(self, function, argument) -> Future:
        if self._executor is not None:
            return self._executor.submit(function, argument)
        future = Future()
        try:
            future.set_result(function(argument))
        except Exception as error:  # the caller sees it when it reads the result, as from a worker
            future.set_exception(error)
        return future

    def _store_finished(self) -> None:
        """Store the PDFs whose rendering has come back (this thread: the one with the database)."""
        waiting, finished = [], []
        for key, future in self._unstored:
            if not future.done():
                waiting.append((key, future))
            elif not future.cancelled() and future.exception() is None:
                finished.append((key, future.result()[0]))
        store_pdfs(finished)
        self._unstored = waiting

    def _note_peak(self, future: Future) -> None:
        if not future.cancelled() and future.exception() is None:
            _content, pid, peak = future.result()
            self.peaks[pid] = max(self.peaks.get(pid, 0.0), peak)

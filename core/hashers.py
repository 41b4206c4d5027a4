"""Argon2id, computed at a lower CPU priority than the pages.

A password check is meant to be expensive (Argon2id at Django's settings: about 0.2 s of CPU). When
many people sign in at once — the start of a working day, the load test's 50 sign-ins — the checks
take the cores and every page waits behind them. This hasher is Django's ``Argon2PasswordHasher``
(same algorithm name and parameters, so the stored hashes are the same and either reads the other's),
with the hashing done by a small pool of threads whose scheduling priority is lowered once when
each starts (``nice`` 10, Linux per thread): the pages go first, and a sign-in takes what is left.
A thread cannot raise its priority back without privileges, which is why the work goes to threads
of its own instead of lowering the request's thread for a moment.

Where the priority cannot be lowered (another OS) the pool still works, at normal priority.
"""

import os
import threading
from concurrent.futures import ThreadPoolExecutor

from django.contrib.auth.hashers import Argon2PasswordHasher

NICENESS = 10
WORKERS = 2


def _lower_priority() -> None:
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), NICENESS)
    except (AttributeError, OSError):  # not Linux, or not allowed: normal priority
        pass


_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def _executor() -> ThreadPoolExecutor:
    """One pool per process, made on first use (after gunicorn's fork, not before)."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(
                max_workers=WORKERS, thread_name_prefix="password", initializer=_lower_priority
            )
        return _pool


class BackgroundArgon2PasswordHasher(Argon2PasswordHasher):
    """``Argon2PasswordHasher`` whose hashing runs in the low-priority pool."""

    def encode(self, password, salt):
        return _executor().submit(super().encode, password, salt).result()

    def verify(self, password, encoded):
        return _executor().submit(super().verify, password, encoded).result()

"""A bench row in a fresh process: its own imports, threads and peak RSS."""

from __future__ import annotations

import multiprocessing as mp


def isolated(fn, *args):
    """`fn(*args)` in a fresh spawned process, left to exit by itself: a pool terminated on leaving `with` kills it
    before its finalizers run, and the semaphores its libraries made were reported leaked at the bench's end."""
    pool = mp.get_context("spawn").Pool(1)
    try:
        return pool.apply(fn, args)
    finally:
        pool.close()
        pool.join()

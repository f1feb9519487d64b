"""The writer lock of a memory directory: one process writes at a time.

What: an exclusive `flock` on DIR/lock, a file that names the holder's pid. A `Store` takes it on its first write
and keeps it until `release_writer` (LAMMemory: `save` or `close`); another process waits up to its `lock_timeout`,
then gets a LAMError naming the pid. Readers never take it. Without `fcntl` (not POSIX) there is no lock.

Why apart from `store.py`: the lock is about processes, not about the files it guards, and it is read on its own.
"""

from __future__ import annotations

import contextlib
import errno
import os
import time
from pathlib import Path

try:
    import fcntl
except ImportError:  # not POSIX: no writer lock
    fcntl = None

from lam_memory import LAMError


class WriterLock:
    """The lock file `file` (DIR/lock), held by this object or not (`held`)."""

    def __init__(self, file: Path):
        self.file = file
        self._handle = None  # the lock file, open while this object holds the lock

    @property
    def held(self) -> bool:
        return self._handle is not None

    def acquire(self, timeout: float) -> bool:
        """Take the lock, waiting up to `timeout` seconds. True when taken now, False when already held here (or
        without fcntl). LAMError when another process keeps it."""
        if fcntl is None or self._handle is not None:
            return False
        try:
            f = open(self.file, "a+")  # noqa: SIM115  (held open until release)
        except OSError as e:
            raise LAMError(f"cannot open the writer lock {self.file}: {e.strerror or e}") from None
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as e:
                if e.errno not in (errno.EAGAIN, errno.EACCES) or time.monotonic() >= deadline:
                    f.seek(0)
                    pid = f.read().strip() or "unknown"
                    f.close()
                    raise LAMError(
                        f"memory {self.file.parent} is being written by another process (pid {pid}); try again when "
                        "it is done (readers are not blocked)"
                    ) from None
                time.sleep(0.05)
        try:
            f.truncate(0)
            f.write(f"{os.getpid()}\n")
            f.flush()
        except OSError:  # a full disk: the lock holds without the pid
            pass
        self._handle = f
        return True

    def release(self) -> None:
        """Let another process write (the lock file stays, unlocked)."""
        f, self._handle = self._handle, None
        if f is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(f.fileno(), fcntl.LOCK_UN)
            f.close()

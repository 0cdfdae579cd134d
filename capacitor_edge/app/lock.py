"""The data directory's lock: ``serve`` holds it for its whole life, so ``restore`` (and a second
``serve``) can tell that a server is using the directory.

An ``fcntl.flock`` on ``DATA_DIR/capacitor.lock``: the kernel drops it when the process exits,
however it exits (a crash or SIGKILL leaves no stale lock to clean up by hand). ``backup`` and
``keys create`` do not take it: SQLite's own locking makes them safe beside a running server.
"""

from __future__ import annotations

import errno
import fcntl
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

LOCK_FILE = "capacitor.lock"


class DataDirBusy(OSError):
    """Another process (a running ``serve``) holds the data directory's lock."""

    def __str__(self) -> str:
        return str(self.strerror)


class DataDirLock:
    """An exclusive, non-blocking lock on a data directory. Use as a context manager."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / LOCK_FILE
        self._fd: int | None = None

    def acquire(self) -> None:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            os.close(fd)
            if error.errno in (errno.EWOULDBLOCK, errno.EAGAIN):
                raise DataDirBusy(
                    errno.EBUSY,
                    f"the data directory {self.path.parent} is in use by a running "
                    f"capacitor-edge serve (it holds {self.path})",
                ) from None
            raise
        # For a person looking: which process holds it (the lock itself is the flock).
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor releases the flock
            self._fd = None

    def __enter__(self) -> DataDirLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def is_locked(data_dir: Path) -> bool:
    """True if a process holds ``data_dir``'s lock right now (False if there is no lock file)."""
    path = data_dir / LOCK_FILE
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError as error:
        if error.errno in (errno.EWOULDBLOCK, errno.EAGAIN):
            return True
        raise
    finally:
        os.close(fd)
    return False


@asynccontextmanager
async def holding_data_dir(data_dir: Path) -> AsyncIterator[DataDirLock]:
    """Hold ``data_dir``'s lock for the ``async with`` block (for ``serve``)."""
    with DataDirLock(data_dir) as lock:
        yield lock

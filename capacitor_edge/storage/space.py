"""Room in the data directory: free space, the reserve file, and whether storage is failing.

A box whose disk is full must still be able to checkpoint its WAL, migrate and shut down, or its
next start fails. So it keeps a reserve: ``DATA_DIR/.reserve``, a preallocated file created while
there is room and deleted only when opening, checkpointing or closing the database needs the
space. Storage turns "full" when a write fails for lack of room or the reserve is gone and
cannot be made again; while full, writes are refused at once (so they cannot eat the room the
reserve made). It recovers by itself, without a restart, once the reserve is back and as much
again is free (the margin keeps it from flapping at the edge).
"""

from __future__ import annotations

import errno
import logging
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import trio

RESERVE_FILE = ".reserve"
log = logging.getLogger("capacitor_edge.storage")

# Primary SQLite result codes (the low byte of an extended code) that mean the file or the disk
# under it is at fault, not the write: every other write fails the same way until it is fixed.
_STORAGE_CODES = {
    sqlite3.SQLITE_IOERR,
    sqlite3.SQLITE_CANTOPEN,
    sqlite3.SQLITE_CORRUPT,
    sqlite3.SQLITE_NOTADB,
    sqlite3.SQLITE_READONLY,
}


class StorageFailure(Exception):
    """A write could not be stored because of the storage itself (HTTP 503 ``STORAGE_ERROR``)."""

    status = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class StorageFull(StorageFailure):
    """The data directory's file system has no room (HTTP 503 ``STORAGE_FULL``)."""

    status = "full"


def free_bytes(directory: Path) -> int:
    """Bytes an unprivileged process may still write in ``directory``'s file system."""
    info = os.statvfs(directory)
    return info.f_bavail * info.f_frsize


def wal_bytes(database: Path) -> int:
    try:
        return database.with_name(database.name + "-wal").stat().st_size
    except FileNotFoundError:
        return 0


def describe_room(database: Path) -> str:
    """``data dir /x has 0 bytes free, WAL 1359872 bytes``: what an operator needs to act."""
    directory = database.parent
    try:
        free = f"{free_bytes(directory)} bytes free"
    except OSError as error:
        free = f"free space unknown ({error.strerror})"
    return f"data dir {directory} has {free}, WAL {wal_bytes(database)} bytes"


def as_storage_failure(error: BaseException, database: Path) -> StorageFailure | None:
    """The :class:`StorageFailure` ``error`` amounts to, or None if it is the write's own fault
    (a constraint, a bug) and other writes may still succeed."""
    if isinstance(error, StorageFailure):
        return error
    full = False
    if isinstance(error, sqlite3.Error):
        code = getattr(error, "sqlite_errorcode", None)
        if code is None:
            return None
        primary = code & 0xFF
        full = primary == sqlite3.SQLITE_FULL
        if not full and primary not in _STORAGE_CODES:
            return None
    elif isinstance(error, OSError):
        full = error.errno in (errno.ENOSPC, errno.EDQUOT)
    else:
        return None
    if not full:
        # An I/O error on a file system with no room left is the full disk by another name
        # (SQLite reports a failed -shm extension or fsync as SQLITE_IOERR).
        try:
            full = free_bytes(database.parent) == 0
        except OSError:
            full = False
    if full:
        return StorageFull(f"storage full: {describe_room(database)}")
    return StorageFailure(f"storage failing ({error}): {describe_room(database)}")


class Reserve:
    """``DATA_DIR/.reserve``: ``size`` bytes held back for checkpoints, migrations and shutdown.
    A size of 0 keeps no reserve. The methods do blocking I/O: call them from a worker thread."""

    def __init__(self, directory: Path, size: int) -> None:
        self.path = directory / RESERVE_FILE
        self.size = size

    def present(self) -> bool:
        if self.size == 0:
            return True
        try:
            return self.path.stat().st_size >= self.size
        except FileNotFoundError:
            return False

    def release(self) -> bool:
        """Delete the reserve; True if that freed anything."""
        if self.size == 0:
            return False
        try:
            self.path.unlink()
        except FileNotFoundError:
            return False
        log.warning("released the %d-byte reserve %s to make room", self.size, self.path)
        return True

    def ensure(self) -> bool:
        """Create the reserve if it is missing and fits; True if it is in place."""
        if self.present():
            return True
        partial = self.path.with_name(RESERVE_FILE + ".new")
        try:
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            try:
                # Allocated, not sparse: the blocks are really taken, so deleting the file
                # really gives them back.
                os.posix_fallocate(fd, 0, self.size)
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(partial, self.path)
        except OSError as error:
            partial.unlink(missing_ok=True)
            if error.errno not in (errno.ENOSPC, errno.EDQUOT):
                log.warning("cannot create the reserve %s: %s", self.path, error)
            return False
        return True

    def check(self) -> tuple[bool, bool]:
        """(the reserve is in place, made now if it fits; as much again is free beside it)."""
        present = self.ensure()
        return present, present and free_bytes(self.path.parent) >= self.size


@dataclass(frozen=True)
class StorageStatus:
    """``status`` is ``ok``, ``full`` or ``error``; ``since`` when it stopped being ok."""

    status: str
    message: str = ""
    since: datetime | None = None

    @property
    def ok(self) -> bool:
        return self.status == "ok"


class StorageHealth:
    """Whether the box can store what it acknowledges, for ``/health``, systemd and doctor.
    Changed only from the event loop's thread."""

    def __init__(self, now: Callable[[], datetime] | None = None) -> None:
        self._now = now or (lambda: datetime.now(UTC))
        self.current = StorageStatus("ok")
        #: trio time of the first failure of the current episode, for the watchdog's bound.
        self.failing_since: float | None = None
        self._changed = trio.Event()

    def failed(self, failure: StorageFailure) -> None:
        was = self.current
        since = was.since or self._now()
        self.current = StorageStatus(failure.status, failure.message, since)
        if was.ok:
            self.failing_since = trio.current_time()
            log.error("%s: make room there; the box recovers by itself", failure.message)
        # Waiters (systemd's STATUS=) hear of a change of kind, not of every failed batch.
        if was.status != failure.status:
            self._notify()

    def recovered(self, detail: str) -> None:
        if self.current.ok:
            return
        log.warning("storage recovered: %s", detail)
        self.current = StorageStatus("ok")
        self.failing_since = None
        self._notify()

    async def wait_changed(self) -> None:
        await self._changed.wait()

    def _notify(self) -> None:
        self._changed.set()
        self._changed = trio.Event()

"""SQLite connections as this project opens them: the pragmas, migrations with a backup, the
WAL checkpoint, a rollback that tolerates SQLite's own, and read snapshots."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from capacitor_edge.storage.backups import backup_before_migrating
from capacitor_edge.storage.migrations import apply_migrations

T = TypeVar("T")
log = logging.getLogger("capacitor_edge.storage")


def migrate_with_backup(conn: sqlite3.Connection, path: Path) -> int:
    """Apply migrations; an existing database that is behind is first copied next to itself
    (``capacitor.db.v{old}-{time}.bak``, the newest 3 kept), so an upgrade can be undone."""
    backup = backup_before_migrating(conn, path, datetime.now(UTC))
    if backup is not None:
        log.info("database schema is behind: kept a copy in %s before migrating", backup)
    return apply_migrations(conn)


# A None parameter is bound as NULL after the sqlite3 module has looked for an adapter and,
# finding none, asked the protocol and the value to adapt themselves (an AttributeError made
# and discarded): ~2,600 instructions per None, six per StatusNotification. Found in the
# registry, None is returned as it is (~700). Measured with callgrind (docs/PERFORMANCE.md,
# issue 21); what is bound does not change.
sqlite3.register_adapter(type(None), lambda value: value)


def connect(path: Path, *, read_only: bool = False) -> sqlite3.Connection:
    """Open a connection with the pragmas every connection of ours uses."""
    conn = sqlite3.connect(
        path,
        isolation_level=None,  # we issue BEGIN IMMEDIATE / COMMIT ourselves
        check_same_thread=False,
        timeout=10.0,  # busy timeout: the CLI may write while the server runs
    )
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys = ON")
    if read_only:
        conn.execute("PRAGMA query_only = ON")
    else:
        conn.execute("PRAGMA journal_mode = WAL")
        # FULL: a power cut on a car-park gateway must not lose an acknowledged write; group
        # commit pays one fsync per batch, not per row.
        conn.execute("PRAGMA synchronous = FULL")
    return conn


def checkpoint(conn: sqlite3.Connection) -> None:
    """Copy the WAL into the database and truncate it to zero bytes (raises on a full disk)."""
    busy, _, _ = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    if busy:
        # Another process (a `backup`, doctor) reads an old snapshot: the WAL stays for now.
        log.info("WAL checkpoint incomplete: another connection is reading")


def roll_back(conn: sqlite3.Connection) -> None:
    if conn.in_transaction:
        try:
            conn.execute("ROLLBACK")
        except sqlite3.Error as error:  # SQLite has rolled back already after some failures
            log.warning("rollback failed: %s", error)


def in_snapshot(conn: sqlite3.Connection, fn: Callable[[sqlite3.Connection], T]) -> T:
    """``fn(conn)`` in one read transaction: one consistent snapshot even across queries."""
    conn.execute("BEGIN")
    try:
        return fn(conn)
    finally:
        conn.execute("COMMIT")

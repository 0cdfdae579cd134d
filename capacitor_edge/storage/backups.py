"""Copies of the database: ``capacitor-edge backup``/``restore``, and the backup taken before
migrations upgrade an existing database.

Every copy goes through SQLite's online backup API (``sqlite3.Connection.backup``), never a file
copy: the source may be in use (WAL mode, a server writing), and the API copies one consistent
snapshot, committed data from the WAL included. A copy is written to a temporary name, switched to
``journal_mode = DELETE`` (one self-contained file, no ``-wal`` beside it), synced, and only then
renamed into place, so a half-written backup never carries the final name.
"""

from __future__ import annotations

import os
import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from capacitor_edge.storage.migrations import MIGRATIONS, DatabaseTooNew, schema_version

#: Migration backups kept next to the database (the oldest beyond this are deleted).
KEEP_MIGRATION_BACKUPS = 3


class NotADatabase(ValueError):
    """A file given to restore is not a sound capacitor-edge database."""


def _stamp(now: datetime) -> str:
    # Fixed width, so names sort in time order; microseconds keep two quick upgrades apart.
    return now.astimezone(UTC).strftime("%Y%m%dT%H%M%S%fZ")


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def copy_database(source: sqlite3.Connection, destination: Path) -> None:
    """Write a consistent copy of ``source`` to ``destination`` (replacing it atomically)."""
    partial = destination.with_name(destination.name + ".partial")
    partial.unlink(missing_ok=True)
    target = sqlite3.connect(partial, isolation_level=None)
    try:
        # pages=-1 (the default): the whole database in one step, under one read transaction of
        # the source, so the copy is one snapshot even while a writer commits beside it.
        source.backup(target)
        target.execute("PRAGMA journal_mode = DELETE")
    finally:
        target.close()
    with partial.open("rb") as handle:
        os.fsync(handle.fileno())
    os.replace(partial, destination)
    _fsync_dir(destination.parent)


def backup_file(database: Path, destination: Path) -> None:
    """``capacitor-edge backup``: copy the database at ``database`` (live or not)."""
    if not database.exists():
        raise FileNotFoundError(f"no database at {database}")
    # Not mode=ro: a reader of a WAL database may need to create the -shm file.
    source = sqlite3.connect(database, isolation_level=None, timeout=10.0)
    try:
        source.execute("PRAGMA query_only = ON")
        copy_database(source, destination)
    finally:
        source.close()


def integrity_errors(conn: sqlite3.Connection) -> list[str]:
    """``PRAGMA integrity_check``: an empty list when the database is sound."""
    rows = [str(row[0]) for row in conn.execute("PRAGMA integrity_check").fetchall()]
    return [] if rows == ["ok"] else rows


def inspect_read_only(path: Path) -> tuple[list[str], int]:
    """(integrity errors, schema version) of the database at ``path``, opened read-only (it may
    be in use). Raises ``sqlite3.DatabaseError`` if it is no SQLite database."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=10.0)
    try:
        return integrity_errors(conn), schema_version(conn)
    finally:
        conn.close()


def check_restorable(path: Path) -> int:
    """Check that ``path`` is a sound capacitor-edge database this version can run; return its
    schema version. Raises :class:`NotADatabase` or :class:`DatabaseTooNew`."""
    if not path.is_file():
        raise NotADatabase(f"{path} is not a file")
    try:
        errors, version = inspect_read_only(path)
    except sqlite3.DatabaseError as error:
        raise NotADatabase(f"{path} is not an SQLite database: {error}") from None
    if errors:
        raise NotADatabase(f"{path} fails PRAGMA integrity_check: {'; '.join(errors[:5])}")
    if version == 0:
        raise NotADatabase(f"{path} is not a capacitor-edge database (no schema_migrations)")
    if version > len(MIGRATIONS):
        raise DatabaseTooNew(
            f"{path} is at schema version {version}, but this capacitor-edge knows only up to "
            f"{len(MIGRATIONS)}"
        )
    return version


def restore_file(source: Path, database: Path, now: datetime) -> Path | None:
    """Replace ``database`` with a copy of ``source``; the caller makes sure no server runs.

    The database being replaced is first kept as ``capacitor.db.pre-restore-{time}.bak`` (its
    path is returned; None if there was none). It is then switched out of WAL mode, which
    checkpoints and removes its ``-wal`` and ``-shm``: a stale WAL left beside the restored file
    would be replayed into it.
    """
    check_restorable(source)
    kept: Path | None = None
    if database.exists():
        kept = database.with_name(f"{database.name}.pre-restore-{_stamp(now)}.bak")
        current = sqlite3.connect(database, isolation_level=None, timeout=10.0)
        try:
            copy_database(current, kept)
            current.execute("PRAGMA journal_mode = DELETE")
        finally:
            current.close()
    else:
        for leftover in ("-wal", "-shm"):
            database.with_name(database.name + leftover).unlink(missing_ok=True)
    incoming = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    try:
        copy_database(incoming, database)
    finally:
        incoming.close()
    return kept


def migration_backups(database: Path) -> list[Path]:
    """The backups taken before migrations, oldest first."""
    pattern = re.compile(re.escape(database.name) + r"\.v\d+-(\d{8}T\d{12}Z)\.bak")
    found = []
    for path in database.parent.glob(f"{database.name}.v*-*.bak"):
        match = pattern.fullmatch(path.name)
        if match:
            found.append((match.group(1), path))
    return [path for _, path in sorted(found)]


def backup_before_migrating(
    conn: sqlite3.Connection, database: Path, now: datetime, keep: int = KEEP_MIGRATION_BACKUPS
) -> Path | None:
    """If the database has a schema older than this version's, copy it to
    ``capacitor.db.v{old}-{time}.bak`` before it is migrated, and keep only the newest ``keep``
    such copies. Returns the new backup's path (None: nothing to migrate, or a new database)."""
    version = schema_version(conn)
    if version == 0 or version >= len(MIGRATIONS):
        return None
    backup = database.with_name(f"{database.name}.v{version}-{_stamp(now)}.bak")
    copy_database(conn, backup)
    for old in migration_backups(database)[:-keep]:
        old.unlink(missing_ok=True)
    return backup

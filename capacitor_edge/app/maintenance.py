"""``capacitor-edge backup FILE`` and ``capacitor-edge restore FILE``.

``backup`` runs beside a live server: SQLite's online backup API copies one consistent snapshot
while the server keeps committing. ``restore`` replaces the database, so it refuses while a
server holds the data directory (its lock, see :mod:`capacitor_edge.app.lock`) and holds that
lock itself while it works, so no server can start half-way through.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

from capacitor_edge.app.lock import DataDirLock
from capacitor_edge.app.serve import database_path
from capacitor_edge.settings import Settings
from capacitor_edge.storage.backups import (
    NotADatabase,
    backup_file,
    check_restorable,
    restore_file,
)


def run_backup(settings: Settings, destination: Path, *, force: bool = False) -> int:
    database = database_path(settings)
    if destination.exists() and not force:
        print(
            f"capacitor-edge: {destination} already exists (use --force to replace it)",
            file=sys.stderr,
        )
        return 1
    if not database.exists():
        print(f"capacitor-edge: there is no database at {database}", file=sys.stderr)
        return 1
    backup_file(database, destination)
    version = check_restorable(destination)
    size = destination.stat().st_size
    print(f"backed up {database} to {destination} ({size} bytes, schema version {version})")
    return 0


def run_restore(settings: Settings, source: Path) -> int:
    database = database_path(settings)
    try:
        check_restorable(source)
    except NotADatabase as error:
        print(f"capacitor-edge: cannot restore: {error}", file=sys.stderr)
        return 1
    # 0700: the database holds key hashes and the first API key sits beside it.
    settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    # DataDirBusy (an OSError) if a server runs: the CLI prints it and exits 1.
    with DataDirLock(settings.data_dir):
        kept = restore_file(source, database, datetime.now(UTC))
    if kept is not None:
        print(f"kept the database it replaced as {kept}")
    print(f"restored {database} from {source}")
    return 0

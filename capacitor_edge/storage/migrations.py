"""Schema migrations: an ordered list, each applied once and recorded in ``schema_migrations``.

Never edit a migration that has shipped; append a new one. A database whose recorded version is
higher than this list is from a newer capacitor-edge and is refused (downgrading would silently
drop whatever the newer schema holds).
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

# Re-exported: the list is held by schema_steps, the rules for applying it are here.
from capacitor_edge.storage.schema_steps import MIGRATIONS as MIGRATIONS


class DatabaseTooNew(RuntimeError):
    """The database was written by a newer version of capacitor-edge."""


def schema_version(conn: sqlite3.Connection) -> int:
    exists = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
    ).fetchone()
    if exists is None:
        return 0
    row = conn.execute("SELECT MAX(version) FROM schema_migrations").fetchone()
    return int(row[0] or 0)


def apply_migrations(conn: sqlite3.Connection) -> int:
    """Bring the database up to the newest schema; return how many migrations ran."""
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
    )
    current = schema_version(conn)
    if current > len(MIGRATIONS):
        raise DatabaseTooNew(
            f"the database is at schema version {current}, but this capacitor-edge knows only "
            f"up to {len(MIGRATIONS)}: it was written by a newer version. Run that version, or "
            "restore a backup made for this one."
        )
    ran = 0
    for version, (name, script) in enumerate(MIGRATIONS, start=1):
        if version <= current:
            continue
        # executescript commits first; each migration is then its own transaction so a failure
        # leaves the database at the previous version, never half-migrated.
        try:
            conn.executescript(
                "BEGIN IMMEDIATE;\n"
                + script
                + "\nINSERT INTO schema_migrations (version, name, applied_at) VALUES "
                + f"({version}, '{name}', '{datetime.now(UTC).isoformat()}');\nCOMMIT;"
            )
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        ran += 1
    return ran

"""The fleet uplink's publish cursor (issue 19), kept apart from :mod:`.uplink` so the
migration list and the journal's prune can use it without importing the database layer.

The cursor is the newest journal sequence the broker has acknowledged (PUBACK) together with
every earlier one; :func:`capacitor_edge.storage.events.prune_events` keeps every event after it
while the uplink is active, up to the uplink's cap (``mqtt_max_unpublished_events``).
"""

from __future__ import annotations

import sqlite3

#: Appended to schema_steps.MIGRATIONS. ``active``: whether the consumer holds back retention
#: (a box whose uplink is switched off must not keep its journal forever); ``cap``: how many
#: unpublished events it may hold back at most.
UPLINK_MIGRATION = (
    "fleet uplink cursors",
    """
    CREATE TABLE uplink_cursors (
        name TEXT PRIMARY KEY,
        cursor INTEGER NOT NULL,
        active INTEGER NOT NULL,
        cap INTEGER NOT NULL
    );
    """,
)


def activate(conn: sqlite3.Connection, name: str, cap: int) -> int:
    """Mark the consumer active (holding back retention) with its cap; its cursor."""
    conn.execute(
        "INSERT INTO uplink_cursors (name, cursor, active, cap) VALUES (?, 0, 1, ?)"
        " ON CONFLICT (name) DO UPDATE SET active = 1, cap = excluded.cap",
        (name, cap),
    )
    return int(
        conn.execute("SELECT cursor FROM uplink_cursors WHERE name = ?", (name,)).fetchone()[0]
    )


def deactivate(conn: sqlite3.Connection, name: str) -> None:
    conn.execute("UPDATE uplink_cursors SET active = 0 WHERE name = ? AND active", (name,))


def advance(conn: sqlite3.Connection, name: str, cursor: int) -> None:
    conn.execute("UPDATE uplink_cursors SET cursor = MAX(cursor, ?) WHERE name = ?", (cursor, name))


def held_back(conn: sqlite3.Connection, newest: int) -> tuple[int | None, int | None]:
    """For the journal's prune: (the oldest cursor of an active uplink, or None; the seq up to
    which its cap lets events go regardless, or None)."""
    row = conn.execute(
        "SELECT MIN(cursor), MAX(? - cap) FROM uplink_cursors WHERE active", (newest,)
    ).fetchone()
    if row is None or row[0] is None:
        return None, None
    return int(row[0]), int(row[1])

"""Per charger: the local authorization list the box sent it (OCPP 1.6 §3.5, §5.15) and what
the charger answered, with the limits it reported (LocalAuthListMaxLength,
SendLocalListMaxLength) and its SupportedFeatureProfiles."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, fields

from capacitor_edge.storage.database import Database
from capacitor_edge.storage.events import append_charger_event


@dataclass(frozen=True)
class LocalListState:
    version_sent: int = 0
    org_version: int = 0
    version_on_charger: int | None = None
    update_type: str | None = None
    status: str | None = None
    sent_at: str | None = None
    answered_at: str | None = None
    asked_at: str | None = None
    feature_profiles: str | None = None
    max_list: int | None = None
    max_send: int | None = None


_COLUMNS = [f.name for f in fields(LocalListState)]


def find_state(conn: sqlite3.Connection, charger_seq: int) -> LocalListState:
    row = conn.execute(
        f"SELECT {', '.join(_COLUMNS)} FROM charger_local_lists WHERE charger_seq = ?",
        (charger_seq,),
    ).fetchone()
    if row is None:
        return LocalListState()
    return LocalListState(**{name: row[name] for name in _COLUMNS})


def change_state(conn: sqlite3.Connection, charger_seq: int, changes: dict[str, object]) -> None:
    """Set only the columns in ``changes``: the sync task and REST reads write different ones
    at the same time, and a whole-row write from a stale read would undo the other's."""
    unknown = set(changes) - set(_COLUMNS)
    assert not unknown, unknown
    conn.execute(
        "INSERT INTO charger_local_lists (charger_seq) VALUES (?) ON CONFLICT DO NOTHING",
        (charger_seq,),
    )
    conn.execute(
        f"UPDATE charger_local_lists SET {', '.join(f'{name} = ?' for name in changes)}"
        " WHERE charger_seq = ?",
        [*changes.values(), charger_seq],
    )


def record_answer(
    conn: sqlite3.Connection, charger_seq: int, changes: dict[str, object], entries: int
) -> None:
    """The charger's answer to one SendLocalList, with its journal event."""
    change_state(conn, charger_seq, changes)
    state = find_state(conn, charger_seq)
    append_charger_event(
        conn,
        charger_seq,
        "local_list.updated",
        state.answered_at or "",
        {
            "updateType": state.update_type,
            "listVersion": state.version_sent,
            "entries": entries,
            "status": state.status,
        },
    )


class LocalListStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def state(self, charger_seq: int) -> LocalListState:
        return await self._db.read(lambda c: find_state(c, charger_seq))

    async def change(self, charger_seq: int, **changes: object) -> LocalListState:
        """Set the given columns; the state after."""

        def write(conn: sqlite3.Connection) -> LocalListState:
            change_state(conn, charger_seq, changes)
            return find_state(conn, charger_seq)

        return await self._db.write(write)

    async def answered(self, charger_seq: int, entries: int, **changes: object) -> None:
        await self._db.write(lambda c: record_answer(c, charger_seq, changes, entries))

"""What the fleet uplink reads (issue 19): the journal across organisations, as published,
and a snapshot of every charger's state; its cursor is :mod:`.uplink_cursors`."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from capacitor_edge.storage.database import Database
from capacitor_edge.storage.events import API_JSON, head
from capacitor_edge.storage.uplink_cursors import activate, advance, deactivate

#: An event as the uplink publishes it: the API's shape (``GET /api/v1/events``) plus the site.
UPLINK_JSON = f"json_insert({API_JSON}, '$.site', ?)"


@dataclass(frozen=True, slots=True)
class UplinkEvent:
    seq: int
    type: str
    charge_box_id: str | None
    payload: str


@dataclass(frozen=True, slots=True)
class ChargerSnapshot:
    charge_box_id: str
    online: bool
    vendor: str | None
    model: str | None
    firmware_version: str | None
    last_boot: str | None
    #: (connectorId, status, errorCode, info, vendorId, vendorErrorCode, timestamp) each.
    connectors: tuple[tuple[Any, ...], ...]


def read_after(conn: sqlite3.Connection, after: int, limit: int, site: str) -> list[UplinkEvent]:
    """Up to ``limit`` events of every organisation after ``after``, oldest first, each as the
    JSON it is published as (built by SQLite: the event loop does no encoding)."""
    rows = conn.execute(
        f"SELECT seq, type, charge_box_id, {UPLINK_JSON} FROM events WHERE seq > ?"
        " ORDER BY seq LIMIT ?",
        (site, after, limit),
    ).fetchall()
    return [UplinkEvent(row[0], row[1], row[2], row[3]) for row in rows]


def snapshot(conn: sqlite3.Connection) -> tuple[int, list[ChargerSnapshot]]:
    """Every registered charger and its connectors, and the journal head they reflect (one
    read transaction: events after that head change them)."""
    # Readers run in one snapshot (storage.connections.in_snapshot): head and rows agree.
    newest = head(conn)
    chargers = conn.execute(
        "SELECT seq, charge_box_id, is_online, vendor, model, firmware_version, last_boot"
        " FROM chargers WHERE deleted_at IS NULL ORDER BY seq"
    ).fetchall()
    connectors: dict[int, list[tuple[Any, ...]]] = {}
    for row in conn.execute(
        "SELECT s.charger_seq, s.connector_id, s.status, s.error_code, s.info, s.vendor_id,"
        " s.vendor_error_code, s.timestamp FROM connector_status s JOIN chargers c"
        " ON c.seq = s.charger_seq WHERE c.deleted_at IS NULL ORDER BY s.connector_id"
    ):
        connectors.setdefault(row[0], []).append(tuple(row[1:]))
    return newest, [
        ChargerSnapshot(
            charge_box_id=row[1],
            online=bool(row[2]),
            vendor=row[3],
            model=row[4],
            firmware_version=row[5],
            last_boot=row[6],
            connectors=tuple(connectors.get(row[0], ())),
        )
        for row in chargers
    ]


class UplinkStore:
    """The async face, for the domain."""

    def __init__(self, db: Database, name: str = "mqtt") -> None:
        self._db = db
        self._name = name

    @property
    def head(self) -> int:
        return self._db.event_head

    async def wait_beyond(self, seq: int) -> None:
        await self._db.wait_for_events(seq)

    async def activate(self, cap: int) -> int:
        return await self._db.write(lambda c: activate(c, self._name, cap))

    async def deactivate(self) -> None:
        await self._db.write(lambda c: deactivate(c, self._name))

    async def advance(self, cursor: int) -> None:
        await self._db.write(lambda c: advance(c, self._name, cursor))

    async def read_after(self, after: int, limit: int, site: str) -> list[UplinkEvent]:
        return await self._db.read(lambda c: read_after(c, after, limit, site))

    async def snapshot(self) -> tuple[int, list[ChargerSnapshot]]:
        return await self._db.read(snapshot)

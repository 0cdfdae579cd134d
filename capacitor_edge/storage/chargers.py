"""Charger registrations, their live identity (from BootNotification) and connector statuses."""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass

from capacitor_edge.storage.charger_reports import (
    BootInfo,
    mark_all_offline,
    record_boot,
    record_diagnostics_status,
    record_firmware_status,
    record_heartbeats,
    record_zoneless,
    set_online,
)
from capacitor_edge.storage.connector_status import (
    ConnectorStatus,
    connector_statuses,
    record_status,
    status_history,
)
from capacitor_edge.storage.database import Database
from capacitor_edge.storage.events import append_event

# Re-exported: the domain and the API name it from here.
__all__ = ["BootInfo", "ChargerRecord", "ChargerStore", "ConnectorStatus", "DuplicateChargeBoxId"]


class DuplicateChargeBoxId(Exception):
    """A live registration with this chargeBoxId already exists on the box."""


@dataclass(frozen=True)
class ChargerRecord:
    seq: int
    id: str
    org_id: str
    charge_box_id: str
    name: str | None
    location: str | None
    registered_at: str
    is_online: bool
    vendor: str | None
    model: str | None
    serial_number: str | None
    firmware_version: str | None
    iccid: str | None
    imsi: str | None
    meter_type: str | None
    meter_serial_number: str | None
    last_boot: str | None
    last_heartbeat: str | None
    firmware_status: str | None
    firmware_status_at: str | None
    diagnostics_status: str | None
    diagnostics_status_at: str | None
    #: OCPP 1.6 security profile 0-3 (its password hash is read separately, only when needed).
    security_profile: int = 0
    #: Quirks of what the charger sent, for staff (migration "charger clock and message
    #: quirks"): timestamps without a zone, and orphan StopTransactions and MeterValues.
    zoneless_timestamps: int = 0
    last_zoneless_at: str | None = None
    orphan_stops: int = 0
    orphan_meter_values: int = 0


_CHARGER_COLUMNS = (
    "seq, id, org_id, charge_box_id, name, location, registered_at, is_online, vendor, model,"
    " serial_number, firmware_version, iccid, imsi, meter_type, meter_serial_number, last_boot,"
    " last_heartbeat, firmware_status, firmware_status_at, diagnostics_status,"
    " diagnostics_status_at, security_profile, zoneless_timestamps, last_zoneless_at,"
    " orphan_stops, orphan_meter_values"
)
#: Columns :func:`update_charger` may set.
_UPDATABLE = frozenset({"name", "location", "security_profile", "auth_key_hash"})


def _charger(row: sqlite3.Row) -> ChargerRecord:
    values = dict(row)
    values["is_online"] = bool(values["is_online"])
    return ChargerRecord(**values)


def insert_charger(
    conn: sqlite3.Connection,
    *,
    charger_id: str,
    org_id: str,
    charge_box_id: str,
    name: str | None,
    location: str | None,
    now: str,
    security_profile: int = 0,
    auth_key_hash: str | None = None,
) -> ChargerRecord:
    try:
        cursor = conn.execute(
            "INSERT INTO chargers (id, org_id, charge_box_id, name, location, registered_at,"
            " security_profile, auth_key_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                charger_id,
                org_id,
                charge_box_id,
                name,
                location,
                now,
                security_profile,
                auth_key_hash,
            ),
        )
    except sqlite3.IntegrityError as error:
        if "charge_box_id" in str(error):
            raise DuplicateChargeBoxId(charge_box_id) from None
        raise
    row = conn.execute(
        f"SELECT {_CHARGER_COLUMNS} FROM chargers WHERE seq = ?", (cursor.lastrowid,)
    ).fetchone()
    data = {"chargeBoxId": charge_box_id, "id": charger_id, "name": name, "location": location}
    append_event(conn, org_id, "charger.registered", now, data, charge_box_id)
    return _charger(row)


def list_chargers(
    conn: sqlite3.Connection, org_id: str, *, online: bool | None, limit: int, offset: int
) -> tuple[list[ChargerRecord], int]:
    """One page of the organisation's live chargers in registration order, and the total."""
    where = "org_id = ? AND deleted_at IS NULL"
    params: list[object] = [org_id]
    if online is not None:
        where += " AND is_online = ?"
        params.append(int(online))
    total = int(conn.execute(f"SELECT COUNT(*) FROM chargers WHERE {where}", params).fetchone()[0])
    rows = conn.execute(
        f"SELECT {_CHARGER_COLUMNS} FROM chargers WHERE {where} ORDER BY seq LIMIT ? OFFSET ?",
        [*params, limit, offset],
    ).fetchall()
    return [_charger(row) for row in rows], total


def find_charger(
    conn: sqlite3.Connection, charge_box_id: str, org_id: str | None = None
) -> ChargerRecord | None:
    """The live registration of ``charge_box_id`` (within ``org_id`` if given)."""
    sql = f"SELECT {_CHARGER_COLUMNS} FROM chargers WHERE charge_box_id = ? AND deleted_at IS NULL"
    params: list[object] = [charge_box_id]
    if org_id is not None:
        sql += " AND org_id = ?"
        params.append(org_id)
    row = conn.execute(sql, params).fetchone()
    return None if row is None else _charger(row)


def update_charger(
    conn: sqlite3.Connection, org_id: str, charge_box_id: str, changes: dict[str, object]
) -> ChargerRecord | None:
    """Set ``changes`` (column → value) on the live registration; None if there is none."""
    unknown = set(changes) - _UPDATABLE
    if unknown:
        raise ValueError(f"not updatable: {sorted(unknown)}")
    if changes:
        assignments = ", ".join(f"{column} = ?" for column in changes)
        conn.execute(
            f"UPDATE chargers SET {assignments}"
            " WHERE charge_box_id = ? AND org_id = ? AND deleted_at IS NULL",
            [*changes.values(), charge_box_id, org_id],
        )
    return find_charger(conn, charge_box_id, org_id)


def auth_key_hash(conn: sqlite3.Connection, charger_seq: int) -> str | None:
    """The stored hash of the charger's AuthorizationKey (profiles 1 and 2), if it has one."""
    row = conn.execute(
        "SELECT auth_key_hash FROM chargers WHERE seq = ?", (charger_seq,)
    ).fetchone()
    return None if row is None else row[0]


def delete_charger(conn: sqlite3.Connection, org_id: str, charge_box_id: str, now: str) -> bool:
    cursor = conn.execute(
        "UPDATE chargers SET deleted_at = ?, is_online = 0"
        " WHERE charge_box_id = ? AND org_id = ? AND deleted_at IS NULL",
        (now, charge_box_id, org_id),
    )
    if cursor.rowcount != 1:
        return False
    append_event(
        conn, org_id, "charger.deleted", now, {"chargeBoxId": charge_box_id}, charge_box_id
    )
    return True


class ChargerStore:
    """The async face of this module, for the domain layer."""

    def __init__(self, db: Database) -> None:
        self._db = db
        # Heartbeat times waiting for the writer, the newest per charger, flushed with one
        # executemany per batch: a charger that beat many times since the last commit costs
        # one UPDATE, not one queued write each (docs/PERFORMANCE.md, issue 21).
        self._heartbeats: dict[int, str] = {}
        self._heartbeats_lock = threading.Lock()
        self._heartbeats_queued = False

    async def insert(
        self,
        *,
        charger_id: str,
        org_id: str,
        charge_box_id: str,
        name: str | None,
        location: str | None,
        now: str,
        security_profile: int = 0,
        auth_key_hash: str | None = None,
    ) -> ChargerRecord:
        return await self._db.write(
            lambda c: insert_charger(
                c,
                charger_id=charger_id,
                org_id=org_id,
                charge_box_id=charge_box_id,
                name=name,
                location=location,
                now=now,
                security_profile=security_profile,
                auth_key_hash=auth_key_hash,
            )
        )

    async def update(
        self, org_id: str, charge_box_id: str, changes: dict[str, object]
    ) -> ChargerRecord | None:
        return await self._db.write(lambda c: update_charger(c, org_id, charge_box_id, changes))

    async def auth_key_hash(self, charger_seq: int) -> str | None:
        return await self._db.read(lambda c: auth_key_hash(c, charger_seq))

    async def page(
        self, org_id: str, *, online: bool | None, limit: int, offset: int
    ) -> tuple[list[ChargerRecord], int]:
        return await self._db.read(
            lambda c: list_chargers(c, org_id, online=online, limit=limit, offset=offset)
        )

    async def find(self, charge_box_id: str, org_id: str | None = None) -> ChargerRecord | None:
        return await self._db.read(lambda c: find_charger(c, charge_box_id, org_id))

    async def find_for_link(self, charge_box_id: str) -> ChargerRecord | None:
        """:meth:`find` for a connecting charger: one indexed row, read on the event loop's
        thread (a storm of connections must not pay a thread hand-off each)."""
        return await self._db.read_inline(lambda c: find_charger(c, charge_box_id, None))

    async def find_with_connectors(
        self, charge_box_id: str, org_id: str
    ) -> tuple[ChargerRecord, list[ConnectorStatus]] | None:
        def query(conn: sqlite3.Connection) -> tuple[ChargerRecord, list[ConnectorStatus]] | None:
            charger = find_charger(conn, charge_box_id, org_id)
            if charger is None:
                return None
            return charger, connector_statuses(conn, charger.seq)

        return await self._db.read(query)

    async def status_history(
        self, charge_box_id: str, org_id: str, connector_id: int, limit: int
    ) -> list[ConnectorStatus] | None:
        def query(conn: sqlite3.Connection) -> list[ConnectorStatus] | None:
            charger = find_charger(conn, charge_box_id, org_id)
            if charger is None:
                return None
            return status_history(conn, charger.seq, connector_id, limit)

        return await self._db.read(query)

    async def delete(self, org_id: str, charge_box_id: str, now: str) -> bool:
        return await self._db.write(lambda c: delete_charger(c, org_id, charge_box_id, now))

    async def mark_all_offline(self, now: str) -> None:
        await self._db.write(lambda c: mark_all_offline(c, now))

    async def set_online(
        self,
        charger_seq: int,
        online: bool,
        now: str,
        close_code: int | None = None,
        close_reason: str | None = None,
    ) -> None:
        await self._db.write(
            lambda c: set_online(c, charger_seq, online, now, close_code, close_reason)
        )

    def note_online(self, charger_seq: int, now: str) -> None:
        """Queue "online since ``now``" for the next commit without waiting for it: a write
        awaited later on this charger's behalf (its BootNotification) is committed no earlier,
        as batches commit in order."""
        self._db.write_nowait(lambda c: set_online(c, charger_seq, True, now))

    async def record_boot(self, charger_seq: int, boot: BootInfo, now: str) -> None:
        await self._db.write(lambda c: record_boot(c, charger_seq, boot, now))

    async def record_firmware_status(self, charger_seq: int, status: str, now: str) -> None:
        await self._db.write(lambda c: record_firmware_status(c, charger_seq, status, now))

    async def record_diagnostics_status(self, charger_seq: int, status: str, now: str) -> None:
        await self._db.write(lambda c: record_diagnostics_status(c, charger_seq, status, now))

    def note_heartbeat(self, charger_seq: int, now: str) -> None:
        """Queue the heartbeat time for the next commit without waiting for it (a write
        awaited after this call commits in the same batch or a later one)."""
        with self._heartbeats_lock:
            pending = self._heartbeats
            if now > pending.get(charger_seq, ""):
                pending[charger_seq] = now
            if self._heartbeats_queued:
                return
            self._heartbeats_queued = True

        def lost() -> None:  # dropped (closing, full) or its batch failed: the next one retries
            with self._heartbeats_lock:
                if self._heartbeats is pending:
                    self._heartbeats_queued = False

        if not self._db.write_nowait(lambda c: self._flush_heartbeats(c, pending), on_failure=lost):
            lost()

    def _flush_heartbeats(self, conn: sqlite3.Connection, pending: dict[int, str]) -> None:
        # Runs on the writer thread while the event loop keeps noting: from now on heartbeats
        # go to a new dict and a new flush. ``pending`` is not changed after this, so a batch
        # replayed after a failure writes the same rows again.
        with self._heartbeats_lock:
            if self._heartbeats is pending:
                self._heartbeats = {}
                self._heartbeats_queued = False
            rows = list(pending.items())
        record_heartbeats(conn, rows)

    def note_zoneless(self, charger_seq: int, count: int, now: str) -> None:
        """Count timestamps sent without a zone, with the next commit (bookkeeping only)."""
        self._db.write_nowait(lambda c: record_zoneless(c, charger_seq, count, now))

    async def record_status(
        self,
        charger_seq: int,
        status: ConnectorStatus,
        received_at: str,
        *,
        ordered_at: str | None = None,
        owner: tuple[str, str] | None = None,
    ) -> None:
        await self._db.write(
            lambda c: record_status(
                c, charger_seq, status, received_at, ordered_at=ordered_at, owner=owner
            )
        )

"""Charging sessions (OCPP transactions) and their meter values: the writes, and the store.

Records and read queries are in :mod:`capacitor_edge.storage.transaction_queries`.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Literal

from capacitor_edge.storage.database import Database
from capacitor_edge.storage.samples import Sample
from capacitor_edge.storage.transaction_events import (
    append_started,
    append_stopped,
    append_updated,
)
from capacitor_edge.storage.transaction_queries import (
    StoredSample,
    TransactionFilter,
    TransactionRecord,
    active_by_connector,
    count_active,
    find_transaction,
    iter_transactions,
    page_samples,
    page_transactions,
)

# Re-exported: the domain and the API name these from here.
__all__ = [
    "NewTransaction",
    "Sample",
    "StopOutcome",
    "StoredSample",
    "TransactionFilter",
    "TransactionRecord",
    "TransactionStore",
]

StopOutcome = Literal["stopped", "already_stopped", "orphan"]


@dataclass(frozen=True)
class NewTransaction:
    id: str
    charger_seq: int
    org_id: str
    charge_box_id: str
    connector_id: int
    id_tag: str
    authorization_status: str
    reservation_id: int | None
    meter_start: int
    start_time: str
    created_at: str
    remote_started: bool = False
    #: Its timestamp came from a charger clock not set yet (domain/times.py).
    clock_suspect: bool = False


def start_transaction(conn: sqlite3.Connection, new: NewTransaction) -> tuple[int, bool]:
    """Record a StartTransaction; return (transactionId, created). A replay of one already
    recorded returns its transactionId and records nothing: the very same message, or the same
    start sent again with a new timestamp (chargers re-stamp queued messages after a reconnect)
    while the first is still active on that connector with the same idTag and meterStart - a
    new session could not begin at the same meter reading before the first one stopped."""
    existing = conn.execute(
        "SELECT transaction_id FROM transactions WHERE charger_seq = ? AND connector_id = ?"
        " AND id_tag = ? AND start_time = ? AND meter_start = ?",
        (new.charger_seq, new.connector_id, new.id_tag, new.start_time, new.meter_start),
    ).fetchone()
    if existing is None:
        existing = conn.execute(
            "SELECT MAX(transaction_id) FROM transactions WHERE charger_seq = ?"
            " AND status = 'active' AND connector_id = ? AND id_tag = ? AND meter_start = ?"
            " HAVING COUNT(*) > 0",
            (new.charger_seq, new.connector_id, new.id_tag, new.meter_start),
        ).fetchone()
    if existing is not None:
        return int(existing[0]), False
    cursor = conn.execute(
        "INSERT INTO transactions (id, charger_seq, org_id, charge_box_id, connector_id, id_tag,"
        " authorization_status, reservation_id, meter_start, start_time, status, created_at,"
        " remote_started, clock_suspect) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?, ?)",
        (
            new.id,
            new.charger_seq,
            new.org_id,
            new.charge_box_id,
            new.connector_id,
            new.id_tag,
            new.authorization_status,
            new.reservation_id,
            new.meter_start,
            new.start_time,
            new.created_at,
            int(new.remote_started),
            int(new.clock_suspect),
        ),
    )
    assert cursor.lastrowid is not None
    append_started(conn, cursor.lastrowid)
    return cursor.lastrowid, True


def insert_samples(
    conn: sqlite3.Connection,
    charger_seq: int,
    connector_id: int,
    transaction_id: int | None,
    samples: list[Sample],
    received_at: str,
    *,
    count_orphan: bool = True,
    journal: bool = True,
) -> bool:
    """Store the samples; True if they named a transaction the charger was never given
    (counted on the charger unless ``count_orphan`` is False: an orphan stop counts itself)."""
    claimed = None
    if transaction_id is not None and not _owns(conn, charger_seq, transaction_id):
        # A transactionId this charger was never given (another charger's, one not issued
        # yet, -1 or 0): keep the samples as orphans with the id they named, for staff, but
        # never let them touch someone else's session.
        claimed, transaction_id = transaction_id, None
    if claimed is not None and count_orphan:
        conn.execute(
            "UPDATE chargers SET orphan_meter_values = orphan_meter_values + 1 WHERE seq = ?",
            (charger_seq,),
        )
    conn.executemany(
        "INSERT INTO meter_values (charger_seq, transaction_id, connector_id, timestamp,"
        " measurand, phase, unit, context, location, format, value, value_wh, received_at,"
        " claimed_transaction_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                charger_seq,
                transaction_id,
                connector_id,
                s.timestamp,
                s.measurand,
                s.phase,
                s.unit,
                s.context,
                s.location,
                s.format,
                s.value,
                s.value_wh,
                received_at,
                claimed,
            )
            for s in samples
        ],
    )
    if transaction_id is None:
        return claimed is not None
    # Keep the newest energy register on the transaction row, so the energy of an active
    # session is read without scanning its meter values.
    registers = [
        s
        for s in samples
        if s.measurand == "Energy.Active.Import.Register"
        and s.value_wh is not None
        and s.phase is None
    ]
    if registers:
        newest = max(registers, key=lambda s: s.timestamp)
        conn.execute(
            "UPDATE transactions SET last_meter_wh = ?, last_meter_at = ?"
            " WHERE transaction_id = ? AND (last_meter_at IS NULL OR last_meter_at <= ?)",
            (newest.value_wh, newest.timestamp, transaction_id, newest.timestamp),
        )
    if journal:  # not for a stop's transactionData: its transaction.stopped says it
        append_updated(conn, transaction_id, samples, received_at)
    return False


def _owns(conn: sqlite3.Connection, charger_seq: int, transaction_id: int) -> bool:
    row = conn.execute(
        "SELECT 1 FROM transactions WHERE transaction_id = ? AND charger_seq = ?",
        (transaction_id, charger_seq),
    ).fetchone()
    return row is not None


def stop_transaction(
    conn: sqlite3.Connection,
    *,
    charge_box_id: str,
    charger_seq: int,
    transaction_id: int,
    meter_stop: int,
    stop_time: str,
    reason: str | None,
    id_tag: str | None,
    samples: list[Sample],
    received_at: str,
    clock_suspect: bool = False,
) -> StopOutcome:
    row = conn.execute(
        "SELECT status, closed_by, connector_id FROM transactions"
        " WHERE transaction_id = ? AND charge_box_id = ?",
        (transaction_id, charge_box_id),
    ).fetchone()
    if row is None:
        # OCPP 1.6 §4.10: the charger retries a StopTransaction until it is answered, so one
        # for a transaction this box never gave it (-1 and 0 included: chargers use them for a
        # session they never got an id for) is answered and kept, with its transactionData,
        # for staff to reconcile.
        conn.execute(
            "INSERT INTO orphan_stops (charger_seq, transaction_id, id_tag, meter_stop, timestamp,"
            " reason, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (charger_seq, transaction_id, id_tag, meter_stop, stop_time, reason, received_at),
        )
        conn.execute(
            "UPDATE chargers SET orphan_stops = orphan_stops + 1 WHERE seq = ?", (charger_seq,)
        )
        if samples:
            # Connector unknown: 0, the charge point as a whole (OCPP 1.6 §4.7).
            insert_samples(
                conn, charger_seq, 0, transaction_id, samples, received_at, count_orphan=False
            )
        return "orphan"
    # A second StopTransaction (simulators send it) changes nothing; but a stop the box
    # assumed at a reboot yields to the charger's own report when it arrives.
    if row["status"] == "completed" and row["closed_by"] != "reboot":
        return "already_stopped"
    conn.execute(
        "UPDATE transactions SET status = 'completed', meter_stop = ?, stop_time = ?,"
        " stop_reason = ?, stop_id_tag = ?, closed_by = 'charger', stop_received_at = ?,"
        " clock_suspect = MAX(clock_suspect, ?) WHERE transaction_id = ?",
        (
            meter_stop,
            stop_time,
            reason or "Local",
            id_tag,
            received_at,
            int(clock_suspect),
            transaction_id,
        ),
    )
    if samples:
        insert_samples(
            conn,
            charger_seq,
            row["connector_id"],
            transaction_id,
            samples,
            received_at,
            journal=False,
        )
    append_stopped(conn, [transaction_id], received_at)
    return "stopped"


def close_for_reboot(conn: sqlite3.Connection, charger_seq: int, boot_time: str) -> list[int]:
    """Close the charger's active transactions as stopped by a reboot, at the last known meter
    reading; return their ids."""
    ids = [
        int(row[0])
        for row in conn.execute(
            "SELECT transaction_id FROM transactions WHERE charger_seq = ? AND status = 'active'",
            (charger_seq,),
        )
    ]
    conn.execute(
        "UPDATE transactions SET status = 'completed', stop_time = ?, stop_reason = 'Reboot',"
        " closed_by = 'reboot', stop_received_at = stop_time,"
        " meter_stop = MAX(meter_start, CAST(COALESCE(last_meter_wh, meter_start) AS INTEGER))"
        " WHERE charger_seq = ? AND status = 'active'",
        (boot_time, charger_seq),
    )
    append_stopped(conn, ids, boot_time)
    return ids


def record_data_transfer(
    conn: sqlite3.Connection,
    charger_seq: int,
    vendor_id: str,
    message_id: str | None,
    data: str | None,
    received_at: str,
) -> None:
    conn.execute(
        "INSERT INTO data_transfers (charger_seq, vendor_id, message_id, data, received_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (charger_seq, vendor_id, message_id, data, received_at),
    )


class TransactionStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def start(self, new: NewTransaction) -> tuple[int, bool]:
        return await self._db.write(lambda c: start_transaction(c, new))

    async def add_samples(
        self,
        charger_seq: int,
        connector_id: int,
        transaction_id: int | None,
        samples: list[Sample],
        received_at: str,
    ) -> bool:
        """True if the samples named a transaction the charger was never given (orphans)."""
        return await self._db.write(
            lambda c: insert_samples(
                c, charger_seq, connector_id, transaction_id, samples, received_at
            )
        )

    async def stop(
        self,
        *,
        charge_box_id: str,
        charger_seq: int,
        transaction_id: int,
        meter_stop: int,
        stop_time: str,
        reason: str | None,
        id_tag: str | None,
        samples: list[Sample],
        received_at: str,
        clock_suspect: bool = False,
    ) -> StopOutcome:
        return await self._db.write(
            lambda c: stop_transaction(
                c,
                charge_box_id=charge_box_id,
                charger_seq=charger_seq,
                transaction_id=transaction_id,
                meter_stop=meter_stop,
                stop_time=stop_time,
                reason=reason,
                id_tag=id_tag,
                samples=samples,
                received_at=received_at,
                clock_suspect=clock_suspect,
            )
        )

    async def close_for_reboot(self, charger_seq: int, boot_time: str) -> list[int]:
        return await self._db.write(lambda c: close_for_reboot(c, charger_seq, boot_time))

    def queue_close_for_reboot(self, charger_seq: int, boot_time: str) -> None:
        """:meth:`close_for_reboot` queued for the next batch, not awaited: the caller awaits a
        later write (the boot record), which cannot commit before this one."""
        self._db.write_nowait(lambda c: close_for_reboot(c, charger_seq, boot_time))

    async def active_by_connector(self, charger_seq: int) -> dict[int, int]:
        return await self._db.read(lambda c: active_by_connector(c, charger_seq))

    async def count_active(self) -> int:
        return await self._db.read(count_active)

    async def find(self, org_id: str, transaction_id: int) -> TransactionRecord | None:
        return await self._db.read(lambda c: find_transaction(c, org_id, transaction_id))

    async def page(
        self, org_id: str, flt: TransactionFilter, limit: int, offset: int
    ) -> tuple[list[TransactionRecord], int]:
        return await self._db.read(lambda c: page_transactions(c, org_id, flt, limit, offset))

    async def all(self, org_id: str, flt: TransactionFilter) -> list[TransactionRecord]:
        return await self._db.read(lambda c: list(iter_transactions(c, org_id, flt)))

    async def samples(
        self, transaction_id: int, limit: int, offset: int
    ) -> tuple[list[StoredSample], int]:
        return await self._db.read(lambda c: page_samples(c, transaction_id, limit, offset))

    async def record_data_transfer(
        self,
        charger_seq: int,
        vendor_id: str,
        message_id: str | None,
        data: str | None,
        received_at: str,
    ) -> None:
        await self._db.write(
            lambda c: record_data_transfer(c, charger_seq, vendor_id, message_id, data, received_at)
        )

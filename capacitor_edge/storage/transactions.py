"""Charging sessions (OCPP transactions) and their meter values."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from capacitor_edge.storage.database import Database

StopOutcome = Literal["stopped", "already_stopped", "orphan"]


@dataclass(frozen=True)
class Sample:
    """One sampledValue of a MeterValues / StopTransaction.transactionData entry."""

    timestamp: str
    measurand: str
    phase: str | None
    unit: str | None
    context: str | None
    location: str | None
    format: str | None
    value: str
    value_wh: float | None  # Energy.* registers normalised to Wh


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


@dataclass(frozen=True)
class TransactionRecord:
    transaction_id: int
    id: str
    charge_box_id: str
    connector_id: int
    id_tag: str
    authorization_status: str
    meter_start: int
    start_time: str
    status: str
    meter_stop: int | None
    stop_time: str | None
    stop_reason: str | None
    closed_by: str | None
    remote_started: bool
    last_meter_wh: float | None


@dataclass(frozen=True)
class TransactionFilter:
    charge_box_id: str | None = None
    status: str | None = None
    id_tag: str | None = None
    start_from: str | None = None
    start_to: str | None = None


@dataclass(frozen=True)
class StoredSample:
    connector_id: int
    sample: Sample


_COLUMNS = (
    "transaction_id, id, charge_box_id, connector_id, id_tag, authorization_status, meter_start,"
    " start_time, status, meter_stop, stop_time, stop_reason, closed_by, remote_started,"
    " last_meter_wh"
)


def _transaction(row: sqlite3.Row) -> TransactionRecord:
    values = dict(row)
    values["remote_started"] = bool(values["remote_started"])
    return TransactionRecord(**values)


def start_transaction(conn: sqlite3.Connection, new: NewTransaction) -> tuple[int, bool]:
    """Record a StartTransaction; return (transactionId, created). A replay of one already
    recorded returns its transactionId and records nothing."""
    existing = conn.execute(
        "SELECT transaction_id FROM transactions WHERE charger_seq = ? AND connector_id = ?"
        " AND id_tag = ? AND start_time = ? AND meter_start = ?",
        (new.charger_seq, new.connector_id, new.id_tag, new.start_time, new.meter_start),
    ).fetchone()
    if existing is not None:
        return int(existing[0]), False
    cursor = conn.execute(
        "INSERT INTO transactions (id, charger_seq, org_id, charge_box_id, connector_id, id_tag,"
        " authorization_status, reservation_id, meter_start, start_time, status, created_at,"
        " remote_started) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?, ?)",
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
        ),
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid, True


def insert_samples(
    conn: sqlite3.Connection,
    charger_seq: int,
    connector_id: int,
    transaction_id: int | None,
    samples: list[Sample],
    received_at: str,
) -> None:
    if transaction_id is not None and not _owns(conn, charger_seq, transaction_id):
        # A transactionId this charger was never given (another charger's, or one not issued
        # yet): keep the samples, but never let them touch someone else's session.
        transaction_id = None
    conn.executemany(
        "INSERT INTO meter_values (charger_seq, transaction_id, connector_id, timestamp,"
        " measurand, phase, unit, context, location, format, value, value_wh, received_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
            )
            for s in samples
        ],
    )
    if transaction_id is None:
        return
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
) -> StopOutcome:
    row = conn.execute(
        "SELECT status, closed_by, connector_id FROM transactions"
        " WHERE transaction_id = ? AND charge_box_id = ?",
        (transaction_id, charge_box_id),
    ).fetchone()
    if row is None:
        conn.execute(
            "INSERT INTO orphan_stops (charger_seq, transaction_id, id_tag, meter_stop, timestamp,"
            " reason, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (charger_seq, transaction_id, id_tag, meter_stop, stop_time, reason, received_at),
        )
        return "orphan"
    # A second StopTransaction (simulators send it) changes nothing; but a stop the box
    # assumed at a reboot yields to the charger's own report when it arrives.
    if row["status"] == "completed" and row["closed_by"] != "reboot":
        return "already_stopped"
    conn.execute(
        "UPDATE transactions SET status = 'completed', meter_stop = ?, stop_time = ?,"
        " stop_reason = ?, stop_id_tag = ?, closed_by = 'charger' WHERE transaction_id = ?",
        (meter_stop, stop_time, reason or "Local", id_tag, transaction_id),
    )
    if samples:
        insert_samples(conn, charger_seq, row["connector_id"], transaction_id, samples, received_at)
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
        " closed_by = 'reboot',"
        " meter_stop = MAX(meter_start, CAST(COALESCE(last_meter_wh, meter_start) AS INTEGER))"
        " WHERE charger_seq = ? AND status = 'active'",
        (boot_time, charger_seq),
    )
    return ids


def active_by_connector(conn: sqlite3.Connection, charger_seq: int) -> dict[int, int]:
    rows = conn.execute(
        "SELECT connector_id, MAX(transaction_id) FROM transactions"
        " WHERE charger_seq = ? AND status = 'active' GROUP BY connector_id",
        (charger_seq,),
    ).fetchall()
    return {int(row[0]): int(row[1]) for row in rows}


def count_active(conn: sqlite3.Connection) -> int:
    """Active transactions on the whole box. Counted per organisation so that each count is a
    range of the ``transactions_org_status`` index (O(organisations + active)), not a scan of
    every transaction ever recorded: this runs at every metrics scrape."""
    row = conn.execute(
        "SELECT COALESCE(SUM((SELECT COUNT(*) FROM transactions t"
        " WHERE t.org_id = o.id AND t.status = 'active')), 0) FROM organisations o"
    ).fetchone()
    return int(row[0])


def find_transaction(
    conn: sqlite3.Connection, org_id: str, transaction_id: int
) -> TransactionRecord | None:
    row = conn.execute(
        f"SELECT {_COLUMNS} FROM transactions WHERE transaction_id = ? AND org_id = ?",
        (transaction_id, org_id),
    ).fetchone()
    return None if row is None else _transaction(row)


def _where(org_id: str, flt: TransactionFilter) -> tuple[str, list[object]]:
    clauses = ["org_id = ?"]
    params: list[object] = [org_id]
    for column, value in (
        ("charge_box_id = ?", flt.charge_box_id),
        ("status = ?", flt.status),
        ("id_tag = ?", flt.id_tag),
        ("start_time >= ?", flt.start_from),
        ("start_time < ?", flt.start_to),
    ):
        if value is not None:
            clauses.append(column)
            params.append(value)
    return " AND ".join(clauses), params


def page_transactions(
    conn: sqlite3.Connection, org_id: str, flt: TransactionFilter, limit: int, offset: int
) -> tuple[list[TransactionRecord], int]:
    """Newest first."""
    where, params = _where(org_id, flt)
    total = int(
        conn.execute(f"SELECT COUNT(*) FROM transactions WHERE {where}", params).fetchone()[0]
    )
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM transactions WHERE {where}"
        " ORDER BY transaction_id DESC LIMIT ? OFFSET ?",
        [*params, limit, offset],
    ).fetchall()
    return [_transaction(row) for row in rows], total


def iter_transactions(
    conn: sqlite3.Connection, org_id: str, flt: TransactionFilter
) -> Iterator[TransactionRecord]:
    where, params = _where(org_id, flt)
    for row in conn.execute(
        f"SELECT {_COLUMNS} FROM transactions WHERE {where} ORDER BY transaction_id DESC", params
    ):
        yield _transaction(row)


def page_samples(
    conn: sqlite3.Connection, transaction_id: int, limit: int, offset: int
) -> tuple[list[StoredSample], int]:
    total = int(
        conn.execute(
            "SELECT COUNT(*) FROM meter_values WHERE transaction_id = ?", (transaction_id,)
        ).fetchone()[0]
    )
    rows = conn.execute(
        "SELECT connector_id, timestamp, measurand, phase, unit, context, location, format,"
        " value, value_wh FROM meter_values WHERE transaction_id = ? ORDER BY id LIMIT ? OFFSET ?",
        (transaction_id, limit, offset),
    ).fetchall()
    return [StoredSample(row[0], Sample(*row[1:])) for row in rows], total


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
    ) -> None:
        await self._db.write(
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

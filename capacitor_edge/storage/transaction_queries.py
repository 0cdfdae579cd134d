"""Charging sessions as read back: the records, filters and read queries of
:mod:`capacitor_edge.storage.transactions` (split from it by what it holds: reads)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass

from capacitor_edge.storage.samples import Sample


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
    #: When the box received the StartTransaction (``created_at``) and the stop, if any.
    created_at: str
    stop_received_at: str | None
    #: A start or stop time came from a charger clock not set yet (domain/times.py).
    clock_suspect: bool


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
    " last_meter_wh, created_at, stop_received_at, clock_suspect"
)


def _transaction(row: sqlite3.Row) -> TransactionRecord:
    values = dict(row)
    values["remote_started"] = bool(values["remote_started"])
    values["clock_suspect"] = bool(values["clock_suspect"])
    return TransactionRecord(**values)


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

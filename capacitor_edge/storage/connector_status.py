"""Connector statuses (OCPP 1.6 §4.9 StatusNotification): the current one per connector and the
history (split from :mod:`capacitor_edge.storage.chargers` by what it holds)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from capacitor_edge.storage.events import append_charger_event, append_event

STATUS_CHANGED = "connector.status_changed"


@dataclass(frozen=True)
class ConnectorStatus:
    connector_id: int
    status: str
    error_code: str
    info: str | None
    vendor_id: str | None
    vendor_error_code: str | None
    timestamp: str


def _status(row: sqlite3.Row) -> ConnectorStatus:
    return ConnectorStatus(
        connector_id=row["connector_id"],
        status=row["status"],
        error_code=row["error_code"],
        info=row["info"],
        vendor_id=row["vendor_id"],
        vendor_error_code=row["vendor_error_code"],
        timestamp=row["timestamp"],
    )


def connector_statuses(conn: sqlite3.Connection, charger_seq: int) -> list[ConnectorStatus]:
    rows = conn.execute(
        "SELECT * FROM connector_status WHERE charger_seq = ? ORDER BY connector_id",
        (charger_seq,),
    ).fetchall()
    return [_status(row) for row in rows]


def status_history(
    conn: sqlite3.Connection, charger_seq: int, connector_id: int, limit: int
) -> list[ConnectorStatus]:
    """The newest ``limit`` StatusNotifications of one connector, newest first."""
    rows = conn.execute(
        "SELECT * FROM status_notifications WHERE charger_seq = ? AND connector_id = ?"
        " ORDER BY id DESC LIMIT ?",
        (charger_seq, connector_id, limit),
    ).fetchall()
    return [_status(row) for row in rows]


def record_status(
    conn: sqlite3.Connection,
    charger_seq: int,
    status: ConnectorStatus,
    received_at: str,
    *,
    ordered_at: str | None = None,
    owner: tuple[str, str] | None = None,
) -> None:
    """Keep one history row and make it the connector's current status.

    Chargers replay queued StatusNotifications after an outage, so an older notification must
    not overwrite a newer current status; it still goes into the history. ``ordered_at``, when
    given, is the time the current status is ordered and shown by instead of the charger's
    (its clock is not set); the history row keeps the charger's time. ``owner``: the charger's
    (organisation, chargeBoxId) when the caller knows them (a live session does; they never
    change for a registration), saving the event its look-up of the charger row.
    """
    values = (
        charger_seq,
        status.connector_id,
        status.status,
        status.error_code,
        status.info,
        status.vendor_id,
        status.vendor_error_code,
        status.timestamp,
    )
    previous = conn.execute(
        "SELECT status, error_code, info, vendor_id, vendor_error_code FROM connector_status"
        " WHERE charger_seq = ? AND connector_id = ?",
        (charger_seq, status.connector_id),
    ).fetchone()
    conn.execute(
        "INSERT INTO status_notifications (charger_seq, connector_id, status, error_code, info,"
        " vendor_id, vendor_error_code, timestamp, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (*values, received_at),
    )
    if ordered_at is not None:
        values = (*values[:-1], ordered_at)
    upsert = conn.execute(
        "INSERT INTO connector_status (charger_seq, connector_id, status, error_code, info,"
        " vendor_id, vendor_error_code, timestamp) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (charger_seq, connector_id) DO UPDATE SET status = excluded.status,"
        " error_code = excluded.error_code, info = excluded.info, vendor_id = excluded.vendor_id,"
        " vendor_error_code = excluded.vendor_error_code, timestamp = excluded.timestamp"
        " WHERE excluded.timestamp >= connector_status.timestamp",
        values,
    )
    # An event when the connector's current state really changed: not for a replayed older
    # notification (not current), nor for the same state reported again.
    if upsert.rowcount == 1 and (previous is None or tuple(previous) != values[2:7]):
        data: dict[str, Any] = {
            "connectorId": status.connector_id,
            "status": status.status,
            "previousStatus": None if previous is None else previous[0],
            "errorCode": status.error_code,
            "info": status.info,
            "vendorId": status.vendor_id,
            "vendorErrorCode": status.vendor_error_code,
            "timestamp": status.timestamp,
        }
        if owner is None:
            append_charger_event(conn, charger_seq, STATUS_CHANGED, received_at, data)
        else:
            # The history row's foreign key has just checked that the charger row exists.
            org_id, charge_box_id = owner
            data = {"chargeBoxId": charge_box_id, **data}
            append_event(conn, org_id, STATUS_CHANGED, received_at, data, charge_box_id)

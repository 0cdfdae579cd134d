"""The journal events of charging sessions (``transaction.*``), written by the writes in
:mod:`capacitor_edge.storage.transactions` in their own transaction (split out by what it
holds: the shape of each event's ``data``, documented in docs/events.md)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from capacitor_edge.storage.events import append_event
from capacitor_edge.storage.samples import Sample

#: Power.Active.Import units to W (OCPP 1.6 §7.31 UnitOfMeasure).
_POWER_UNITS = {None: 1.0, "W": 1.0, "kW": 1000.0}


def append_started(conn: sqlite3.Connection, transaction_id: int) -> None:
    row = _transaction(conn, transaction_id)
    data = {
        "chargeBoxId": row["charge_box_id"],
        "transactionId": transaction_id,
        "id": row["id"],
        "connectorId": row["connector_id"],
        "idTag": row["id_tag"],
        "authorizationStatus": row["authorization_status"],
        "meterStart": row["meter_start"],
        "reservationId": row["reservation_id"],
        "timestamp": row["start_time"],
    }
    append_event(
        conn, row["org_id"], "transaction.started", row["created_at"], data, row["charge_box_id"]
    )


def append_updated(
    conn: sqlite3.Connection, transaction_id: int, samples: list[Sample], received_at: str
) -> None:
    """Meter values arrived for an active session: its newest register, energy so far and,
    where sampled, power."""
    row = _transaction(conn, transaction_id)
    power = [
        s
        for s in samples
        if s.measurand == "Power.Active.Import" and s.phase is None and s.unit in _POWER_UNITS
    ]
    power_w = None
    if power:
        newest_power = max(power, key=lambda s: s.timestamp)
        try:
            power_w = float(newest_power.value) * _POWER_UNITS[newest_power.unit]
        except ValueError:
            power_w = None  # a value that is not a number is stored as sent, not reported
    meter_wh = row["last_meter_wh"]
    data = {
        "chargeBoxId": row["charge_box_id"],
        "transactionId": transaction_id,
        "connectorId": row["connector_id"],
        "meterWh": meter_wh,
        "energyWh": None if meter_wh is None else max(meter_wh - row["meter_start"], 0.0),
        "powerW": power_w,
        "timestamp": max(s.timestamp for s in samples) if samples else received_at,
    }
    append_event(
        conn, row["org_id"], "transaction.updated", received_at, data, row["charge_box_id"]
    )


def append_stopped(conn: sqlite3.Connection, transaction_ids: Iterable[int], at: str) -> None:
    for transaction_id in transaction_ids:
        row = _transaction(conn, transaction_id)
        data = {
            "chargeBoxId": row["charge_box_id"],
            "transactionId": transaction_id,
            "connectorId": row["connector_id"],
            "idTag": row["id_tag"],
            "meterStart": row["meter_start"],
            "meterStop": row["meter_stop"],
            "energyWh": max(row["meter_stop"] - row["meter_start"], 0),
            "reason": row["stop_reason"],
            "timestamp": row["stop_time"],
        }
        append_event(conn, row["org_id"], "transaction.stopped", at, data, row["charge_box_id"])


def _transaction(conn: sqlite3.Connection, transaction_id: int) -> sqlite3.Row:
    row: sqlite3.Row = conn.execute(
        "SELECT * FROM transactions WHERE transaction_id = ?", (transaction_id,)
    ).fetchone()
    return row

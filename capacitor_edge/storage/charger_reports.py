"""What a connected charger reports about itself, as SQL run inside the writer's transaction:
online and offline marks, BootNotification identity, heartbeats, firmware and diagnostics
status, zone-less timestamps; each with its journal event (split from
:mod:`capacitor_edge.storage.chargers` by what it holds)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from capacitor_edge.storage.events import append_charger_event


@dataclass(frozen=True)
class BootInfo:
    vendor: str
    model: str
    serial_number: str | None
    firmware_version: str | None
    iccid: str | None
    imsi: str | None
    meter_type: str | None
    meter_serial_number: str | None


def mark_all_offline(conn: sqlite3.Connection, now: str) -> None:
    """At start-up no charger is connected yet, whatever the last run left behind: those the
    last run saw online get their ``charger.disconnected`` (the run ended without one)."""
    online = conn.execute("SELECT seq FROM chargers WHERE is_online = 1").fetchall()
    for (seq,) in online:
        set_online(conn, seq, False, now, None, "central system restarted")


def set_online(
    conn: sqlite3.Connection,
    charger_seq: int,
    online: bool,
    now: str,
    close_code: int | None = None,
    close_reason: str | None = None,
) -> None:
    if online:
        conn.execute(
            "UPDATE chargers SET is_online = 1, connected_at = ? WHERE seq = ?", (now, charger_seq)
        )
        append_charger_event(conn, charger_seq, "charger.connected", now, {})
    else:
        conn.execute("UPDATE chargers SET is_online = 0 WHERE seq = ?", (charger_seq,))
        data = {"closeCode": close_code, "closeReason": close_reason}
        append_charger_event(conn, charger_seq, "charger.disconnected", now, data)


def record_boot(conn: sqlite3.Connection, charger_seq: int, boot: BootInfo, now: str) -> None:
    # A BootNotification is a sign of life like a Heartbeat (OCPP 1.6 §4.6).
    conn.execute(
        "UPDATE chargers SET vendor = ?, model = ?, serial_number = ?, firmware_version = ?,"
        " iccid = ?, imsi = ?, meter_type = ?, meter_serial_number = ?, last_boot = ?,"
        " last_heartbeat = ? WHERE seq = ?",
        (
            boot.vendor,
            boot.model,
            boot.serial_number,
            boot.firmware_version,
            boot.iccid,
            boot.imsi,
            boot.meter_type,
            boot.meter_serial_number,
            now,
            now,
            charger_seq,
        ),
    )
    identity = {
        "chargePointVendor": boot.vendor,
        "chargePointModel": boot.model,
        "chargePointSerialNumber": boot.serial_number,
        "firmwareVersion": boot.firmware_version,
        "iccid": boot.iccid,
        "imsi": boot.imsi,
        "meterType": boot.meter_type,
        "meterSerialNumber": boot.meter_serial_number,
    }
    append_charger_event(conn, charger_seq, "charger.boot", now, identity)


def record_firmware_status(
    conn: sqlite3.Connection, charger_seq: int, status: str, now: str
) -> None:
    conn.execute(
        "UPDATE chargers SET firmware_status = ?, firmware_status_at = ? WHERE seq = ?",
        (status, now, charger_seq),
    )


def record_diagnostics_status(
    conn: sqlite3.Connection, charger_seq: int, status: str, now: str
) -> None:
    conn.execute(
        "UPDATE chargers SET diagnostics_status = ?, diagnostics_status_at = ? WHERE seq = ?",
        (status, now, charger_seq),
    )


def record_heartbeats(conn: sqlite3.Connection, beats: list[tuple[int, str]]) -> None:
    """Each (charger seq, time)'s newest heartbeat time. Never backwards: a disconnect records
    the last message's time, which a heartbeat queued earlier must not undo."""
    conn.executemany(
        "UPDATE chargers SET last_heartbeat = ?2 WHERE seq = ?1"
        " AND (last_heartbeat IS NULL OR last_heartbeat < ?2)",
        beats,
    )


def record_zoneless(conn: sqlite3.Connection, charger_seq: int, count: int, now: str) -> None:
    conn.execute(
        "UPDATE chargers SET zoneless_timestamps = zoneless_timestamps + ?, last_zoneless_at = ?"
        " WHERE seq = ?",
        (count, now, charger_seq),
    )

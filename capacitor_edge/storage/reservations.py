"""Reservations (OCPP 1.6 §3.11, §5.13, §5.1): the box's record of every ReserveNow it sent,
what became of it (active, expired, used, cancelled) and a journal event for each change."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from capacitor_edge.storage.database import Database
from capacitor_edge.storage.events import append_event


@dataclass(frozen=True)
class ReservationRecord:
    reservation_id: int
    charger_seq: int
    org_id: str
    charge_box_id: str
    connector_id: int
    id_tag: str
    parent_id_tag: str | None
    expiry_date: str
    status: str
    transaction_id: int | None
    created_at: str
    updated_at: str


def _record(row: sqlite3.Row) -> ReservationRecord:
    return ReservationRecord(*tuple(row))


def _event(conn: sqlite3.Connection, record: ReservationRecord, type_: str, at: str) -> None:
    append_event(
        conn,
        record.org_id,
        type_,
        at,
        {
            "chargeBoxId": record.charge_box_id,
            "reservationId": record.reservation_id,
            "connectorId": record.connector_id,
            "idTag": record.id_tag,
            "expiryDate": record.expiry_date,
            "status": record.status,
            "transactionId": record.transaction_id,
        },
        record.charge_box_id,
    )


def find_reservation(
    conn: sqlite3.Connection, charger_seq: int, reservation_id: int
) -> ReservationRecord | None:
    row = conn.execute(
        "SELECT * FROM reservations WHERE charger_seq = ? AND reservation_id = ?",
        (charger_seq, reservation_id),
    ).fetchone()
    return None if row is None else _record(row)


def open_reservation(
    conn: sqlite3.Connection,
    charger_seq: int,
    org_id: str,
    charge_box_id: str,
    connector_id: int,
    id_tag: str,
    parent_id_tag: str | None,
    expiry_date: str,
    now: str,
) -> ReservationRecord | str:
    """A pending reservation (its id is the reservationId sent), or why it conflicts with one
    the box already holds on this charger: the same connector, or the same idTag. A pending
    one counts, so two requests at once cannot both pass."""
    clash = conn.execute(
        "SELECT reservation_id, connector_id, id_tag FROM reservations"
        " WHERE charger_seq = ? AND status IN ('pending', 'active') AND expiry_date > ?"
        " AND (connector_id = ? OR id_tag = ?) ORDER BY reservation_id LIMIT 1",
        (charger_seq, now, connector_id, id_tag),
    ).fetchone()
    if clash is not None:
        what = f"connector {connector_id}" if clash[1] == connector_id else f"idTag {clash[2]}"
        return f"reservation {clash[0]} already holds {what} of {charge_box_id}"
    cursor = conn.execute(
        "INSERT INTO reservations (charger_seq, org_id, charge_box_id, connector_id, id_tag,"
        " parent_id_tag, expiry_date, status, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)",
        (
            charger_seq,
            org_id,
            charge_box_id,
            connector_id,
            id_tag,
            parent_id_tag,
            expiry_date,
            now,
            now,
        ),
    )
    assert cursor.lastrowid is not None
    found = find_reservation(conn, charger_seq, cursor.lastrowid)
    assert found is not None
    return found


def settle(
    conn: sqlite3.Connection,
    charger_seq: int,
    reservation_id: int,
    status: str,
    now: str,
    transaction_id: int | None = None,
    from_states: tuple[str, ...] = ("active",),
) -> ReservationRecord | None:
    """Move a reservation on from one of ``from_states`` to ``status`` (with its event:
    ``reservation.<status>``); None if it was not in one of them. A pending reservation that
    the charger refused is deleted instead (``status`` ``refused``): it never existed."""
    current = find_reservation(conn, charger_seq, reservation_id)
    if current is None or current.status not in from_states:
        return None
    if status == "refused":
        conn.execute("DELETE FROM reservations WHERE reservation_id = ?", (reservation_id,))
        return current
    conn.execute(
        "UPDATE reservations SET status = ?, transaction_id = ?, updated_at = ?"
        " WHERE reservation_id = ?",
        (status, transaction_id, now, reservation_id),
    )
    updated = find_reservation(conn, charger_seq, reservation_id)
    assert updated is not None
    _event(
        conn, updated, "reservation.created" if status == "active" else f"reservation.{status}", now
    )
    return updated


def expire_due(conn: sqlite3.Connection, now: str) -> int:
    """Every active reservation whose expiryDate has passed becomes expired; how many."""
    rows = conn.execute(
        "SELECT charger_seq, reservation_id FROM reservations"
        " WHERE status = 'active' AND expiry_date <= ?",
        (now,),
    ).fetchall()
    for charger_seq, reservation_id in rows:
        settle(conn, charger_seq, reservation_id, "expired", now)
    return len(rows)


def of_charger(conn: sqlite3.Connection, charger_seq: int) -> list[ReservationRecord]:
    rows = conn.execute(
        "SELECT * FROM reservations WHERE charger_seq = ? AND status != 'pending'"
        " ORDER BY reservation_id DESC",
        (charger_seq,),
    ).fetchall()
    return [_record(row) for row in rows]


class ReservationStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def open(
        self,
        charger_seq: int,
        org_id: str,
        charge_box_id: str,
        connector_id: int,
        id_tag: str,
        parent_id_tag: str | None,
        expiry_date: str,
        now: str,
    ) -> ReservationRecord | str:
        return await self._db.write(
            lambda c: open_reservation(
                c,
                charger_seq,
                org_id,
                charge_box_id,
                connector_id,
                id_tag,
                parent_id_tag,
                expiry_date,
                now,
            )
        )

    async def settle(
        self,
        charger_seq: int,
        reservation_id: int,
        status: str,
        now: str,
        transaction_id: int | None = None,
        from_states: tuple[str, ...] = ("active",),
    ) -> ReservationRecord | None:
        return await self._db.write(
            lambda c: settle(
                c, charger_seq, reservation_id, status, now, transaction_id, from_states
            )
        )

    async def expire_due(self, now: str) -> int:
        return await self._db.write(lambda c: expire_due(c, now))

    async def find(self, charger_seq: int, reservation_id: int) -> ReservationRecord | None:
        return await self._db.read(lambda c: find_reservation(c, charger_seq, reservation_id))

    async def of_charger(self, charger_seq: int) -> list[ReservationRecord]:
        return await self._db.read(lambda c: of_charger(c, charger_seq))

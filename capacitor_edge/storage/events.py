"""The event journal (DESIGN.md, "The journal"): a transactional outbox.

Every storage write that changes the box's state calls :func:`append_event` on the same
connection, inside the same group-commit transaction, so an event exists exactly when its change
does (a rolled-back write leaves no event; a committed one always has its event, also after
``kill -9``). Consumers (webhooks, the SSE stream, ``GET /api/v1/events``) read by sequence.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from capacitor_edge.storage.database import Database
from capacitor_edge.storage.uplink_cursors import held_back

#: The event types the box writes, in the order docs/events.md documents them.
EVENT_TYPES = (
    "charger.registered",
    "charger.deleted",
    "charger.connected",
    "charger.disconnected",
    "charger.boot",
    "connector.status_changed",
    "transaction.started",
    "transaction.updated",
    "transaction.stopped",
    "command.completed",
    "webhook.disabled",
    "id_tag.created",
    "id_tag.updated",
    "id_tag.deleted",
    "local_list.updated",
    "reservation.created",
    "reservation.used",
    "reservation.expired",
    "reservation.cancelled",
    "mqtt.backlog_dropped",
    "site.limit_changed",
    "site.allocation_changed",
    "site.meter_stale",
    "site.meter_restored",
    "upstream.connected",
    "upstream.disconnected",
    "upstream.id_tag_rejected",
    "upstream.message_refused",
)


@dataclass(frozen=True, slots=True)
class Event:
    seq: int
    org_id: str
    type: str
    charge_box_id: str | None
    at: str
    data: dict[str, Any]

    @property
    def id(self) -> str:
        """The public id: the webhook body's ``id`` and the ``webhook-id`` header."""
        return f"evt_{self.seq}"


#: Value types orjson writes exactly as ``json.dumps`` reads back (no NaN, no subclasses).
_FLAT_TYPES = frozenset({str, int, bool, type(None)})


def encode_data(data: dict[str, Any]) -> str:
    """An event's ``data`` as compact JSON, exactly as ``json.dumps`` with separators writes
    it. A flat object of strings, integers, booleans and nulls (what the busiest events hold:
    a connector's status) is written by orjson, ~20x faster than ``json.dumps``, which builds
    an encoder per call (4 % of a StatusNotification round trip, docs/PERFORMANCE.md issue
    21); anything else, and what orjson refuses (integers beyond 64 bits, lone surrogates) or
    would write differently (non-ASCII text), by the standard library."""
    if _FLAT_TYPES.issuperset(map(type, data.values())):  # a generator in all() costs 3x
        try:
            encoded = orjson.dumps(data)
        except orjson.JSONEncodeError:
            pass
        else:
            # Non-ASCII text: json.dumps escapes it (\u00e9), orjson writes UTF-8. The same
            # once parsed, but the stream and webhooks send the stored text (json(data)) as it
            # is: keep those bytes as they were.
            if encoded.isascii():
                return encoded.decode()
    return json.dumps(data, separators=(",", ":"))


def append_event(
    conn: sqlite3.Connection,
    org_id: str,
    type_: str,
    at: str,
    data: dict[str, Any],
    charge_box_id: str | None = None,
) -> int:
    """Write one event in the caller's transaction; its sequence number."""
    cursor = conn.execute(
        "INSERT INTO events (org_id, type, charge_box_id, at, data) VALUES (?, ?, ?, ?, ?)",
        (org_id, type_, charge_box_id, at, encode_data(data)),
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def append_charger_event(
    conn: sqlite3.Connection, charger_seq: int, type_: str, at: str, data: dict[str, Any]
) -> None:
    """:func:`append_event` for a change to one charger registration, which names the
    organisation and chargeBoxId (one indexed row; the writes only know the charger's seq).
    ``data`` gets ``chargeBoxId`` first, as every charger event's data starts with it."""
    row = conn.execute(
        "SELECT org_id, charge_box_id FROM chargers WHERE seq = ?", (charger_seq,)
    ).fetchone()
    if row is None:
        return
    append_event(conn, row[0], type_, at, {"chargeBoxId": row[1], **data}, row[1])


def head(conn: sqlite3.Connection) -> int:
    """The newest sequence number ever handed out (0 for none), pruned or not."""
    found = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'events'").fetchone()
    return 0 if found is None else int(found[0])


def _event(row: sqlite3.Row) -> Event:
    return Event(
        seq=row["seq"],
        org_id=row["org_id"],
        type=row["type"],
        charge_box_id=row["charge_box_id"],
        at=row["at"],
        data=json.loads(row["data"]),
    )


def _where(
    org_id: str,
    after: int,
    types: Sequence[str],
    charge_box_id: str | None,
    upto: int | None = None,
) -> tuple[str, list[object]]:
    where = "org_id = ? AND seq > ?"
    params: list[object] = [org_id, after]
    if upto is not None:
        where += " AND seq <= ?"
        params.append(upto)
    if types:
        where += f" AND type IN ({', '.join('?' * len(types))})"
        params.extend(types)
    if charge_box_id is not None:
        where += " AND charge_box_id = ?"
        params.append(charge_box_id)
    return where, params


def read_events(
    conn: sqlite3.Connection,
    org_id: str,
    after: int,
    limit: int,
    types: Sequence[str] = (),
    charge_box_id: str | None = None,
) -> list[Event]:
    """Up to ``limit`` of the organisation's events after ``after``, oldest first."""
    where, params = _where(org_id, after, types, charge_box_id)
    rows = conn.execute(
        f"SELECT * FROM events WHERE {where} ORDER BY seq LIMIT ?", [*params, limit]
    ).fetchall()
    return [_event(row) for row in rows]


#: An event as ``GET /api/v1/events`` and the SSE stream show it, built by SQLite.
API_JSON = (
    "json_object('id', 'evt_' || seq, 'seq', seq, 'event', type, 'timestamp', at,"
    " 'chargeBoxId', charge_box_id, 'data', json(data))"
)
#: A webhook body: the seed's envelope plus the id.
WEBHOOK_JSON = (
    "json_object('id', 'evt_' || seq, 'event', type, 'timestamp', at, 'data', json(data))"
)


def read_serialised(
    conn: sqlite3.Connection,
    shape: str,
    org_id: str,
    after: int,
    limit: int,
    types: Sequence[str] = (),
    charge_box_id: str | None = None,
    upto: int | None = None,
) -> list[tuple[int, str, str]]:
    """Like :func:`read_events` (up to seq ``upto`` if given), but each event as (seq, type,
    JSON text in ``shape``): the JSON is built by SQLite, so the stream and the webhook
    workers (every event, to every reader) cost the event loop no parsing or encoding."""
    where, params = _where(org_id, after, types, charge_box_id, upto)
    rows = conn.execute(
        f"SELECT seq, type, {shape} FROM events WHERE {where} ORDER BY seq LIMIT ?",
        [*params, limit],
    ).fetchall()
    return [(row[0], row[1], row[2]) for row in rows]


def read_tail(
    conn: sqlite3.Connection, org_id: str, after: int, upto: int, limit: int
) -> list[tuple[int, str, str | None, str]]:
    """Every one of the organisation's events after ``after`` up to ``upto`` (at most
    ``limit``), each as (seq, type, chargeBoxId, JSON as the API shows it): the live streams'
    shared tail (domain/event_tail.py) reads each once and filters for its readers itself."""
    rows = conn.execute(
        f"SELECT seq, type, charge_box_id, {API_JSON} FROM events"
        " WHERE org_id = ? AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?",
        (org_id, after, upto, limit),
    ).fetchall()
    return [(row[0], row[1], row[2], row[3]) for row in rows]


def find_event(conn: sqlite3.Connection, org_id: str, seq: int) -> Event | None:
    row = conn.execute(
        "SELECT * FROM events WHERE seq = ? AND org_id = ?", (seq, org_id)
    ).fetchone()
    return None if row is None else _event(row)


#: Events deleted per write: a prune must not hold the group commit (and chargers) for long.
PRUNE_CHUNK = 10_000


def prune_events(
    conn: sqlite3.Connection, older_than: str, keep_rows: int, now: str | None = None
) -> int:
    """Delete up to :data:`PRUNE_CHUNK` events older than ``older_than`` or beyond the newest
    ``keep_rows``, but none an active webhook has not had yet (delivered, or skipped as not
    subscribed), nor one the MQTT uplink has not published (up to its cap). How many went."""
    held = conn.execute("SELECT MIN(cursor) FROM webhooks WHERE state != 'disabled'").fetchone()[0]
    newest = head(conn)
    limit = newest if held is None else min(int(held), newest)
    limit = _hold_for_uplink(conn, limit, newest, older_than, keep_rows, now or older_than)
    cursor = conn.execute(
        "DELETE FROM events WHERE seq IN (SELECT seq FROM events WHERE seq <= ?"
        " AND (at < ? OR seq <= ?) ORDER BY seq LIMIT ?)",
        (limit, older_than, newest - keep_rows, PRUNE_CHUNK),
    )
    # The delivery log goes by age only: it is staff's record, no consumer waits on it.
    conn.execute("DELETE FROM webhook_deliveries WHERE at < ?", (older_than,))
    return cursor.rowcount


def _hold_for_uplink(
    conn: sqlite3.Connection, limit: int, newest: int, older_than: str, keep_rows: int, now: str
) -> int:
    """``limit`` lowered to the active uplink's cursor (nothing the broker has not acknowledged
    goes), but never below its cap's floor: events past the cap are pruned after all, each
    organisation told with an ``mqtt.backlog_dropped`` event naming the seqs that went."""
    cursor, floor = held_back(conn, newest)
    if cursor is None or floor is None:
        return limit
    held = max(cursor, floor)
    if floor > cursor:
        dropped = conn.execute(
            "SELECT org_id, MIN(seq), MAX(seq), COUNT(*) FROM (SELECT seq, org_id FROM events"
            " WHERE seq > ? AND seq <= ? AND (at < ? OR seq <= ?) ORDER BY seq LIMIT ?)"
            " GROUP BY org_id",
            (cursor, min(limit, held), older_than, newest - keep_rows, PRUNE_CHUNK),
        ).fetchall()
        for org_id, first, last, count in dropped:
            data = {"fromSeq": first, "toSeq": last, "count": count, "cap": newest - floor}
            append_event(conn, org_id, "mqtt.backlog_dropped", now, data)
    return min(limit, held)


class EventStore:
    """The async face of the journal, for the domain."""

    def __init__(self, db: Database) -> None:
        self._db = db

    @property
    def head(self) -> int:
        """The newest committed sequence number (in memory: no query)."""
        return self._db.event_head

    @property
    def writing(self) -> bool:
        """Writes wait for the group commit or are being committed (chargers wait on them)."""
        return self._db.writing

    async def wait_beyond(self, seq: int) -> None:
        """Return once an event newer than ``seq`` is committed."""
        await self._db.wait_for_events(seq)

    async def page(
        self,
        org_id: str,
        after: int,
        limit: int,
        types: Sequence[str] = (),
        charge_box_id: str | None = None,
    ) -> list[Event]:
        return await self._db.read(
            lambda c: read_events(c, org_id, after, limit, types, charge_box_id)
        )

    async def find(self, org_id: str, seq: int) -> Event | None:
        return await self._db.read(lambda c: find_event(c, org_id, seq))

    async def serialised(
        self,
        shape: str,
        org_id: str,
        after: int,
        limit: int,
        types: Sequence[str] = (),
        charge_box_id: str | None = None,
        upto: int | None = None,
    ) -> list[tuple[int, str, str]]:
        return await self._db.read(
            lambda c: read_serialised(c, shape, org_id, after, limit, types, charge_box_id, upto)
        )

    async def tail(
        self, org_id: str, after: int, upto: int, limit: int
    ) -> list[tuple[int, str, str | None, str]]:
        return await self._db.read(lambda c: read_tail(c, org_id, after, upto, limit))

    async def append(
        self, org_id: str, type_: str, at: str, data: dict[str, Any], charge_box_id: str | None
    ) -> int:
        return await self._db.write(
            lambda c: append_event(c, org_id, type_, at, data, charge_box_id)
        )

    async def prune(self, older_than: str, keep_rows: int, now: str | None = None) -> int:
        return await self._db.write(lambda c: prune_events(c, older_than, keep_rows, now))

"""The upstream mirror's durable state (issue 20): the per-charger outbox of charger-initiated
messages still to be told to the upstream central system, the map from the box's transaction ids
to the upstream's, the last BootNotification of each charger (replayed on every upstream
connect) and the upstream's idTag verdicts that disagree with the box's.

The outbox row of a message is written by a *rider*: a function the domain attaches to the first
write its handler awaits (:data:`RIDER`, read by :meth:`Database.write`), so the row commits in
the same SQLite transaction as the local handling, and a message the charger got its answer for
is never missing from the outbox.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from capacitor_edge.storage.database import Database
from capacitor_edge.storage.events import append_charger_event
from capacitor_edge.storage.upstream_outbox import Rider


@dataclass(frozen=True, slots=True)
class OutboxMessage:
    seq: int
    action: str
    payload: dict[str, Any]
    local_transaction_id: int | None
    received_at: str


@dataclass(frozen=True, slots=True)
class OutboxDepth:
    depth: int
    oldest_received_at: str | None


@dataclass(frozen=True, slots=True)
class Verdict:
    """The upstream's idTag status in its answer to a forwarded Start/StopTransaction."""

    action: str
    local_transaction_id: int
    upstream_transaction_id: int | None
    status: str


def _note_verdict(
    conn: sqlite3.Connection,
    charger_seq: int,
    verdict: Verdict,
    local_status: str | None,
    at: str,
) -> None:
    # Only a disagreement is news: the box refused the tag too, so nothing was delivered.
    if verdict.status != "Accepted" and local_status == "Accepted":
        append_charger_event(
            conn,
            charger_seq,
            "upstream.id_tag_rejected",
            at,
            {
                "action": verdict.action,
                "transactionId": verdict.local_transaction_id,
                "upstreamTransactionId": verdict.upstream_transaction_id,
                "upstreamStatus": verdict.status,
            },
        )


class UpstreamStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def write_rider(self, rider: Rider) -> None:
        """The row of a handler that awaited no write of its own (e.g. Authorize)."""
        await self._db.write(rider.insert)

    async def pending(self, charger_seq: int, after: int, limit: int) -> list[OutboxMessage]:
        def read(conn: sqlite3.Connection) -> list[OutboxMessage]:
            rows = conn.execute(
                "SELECT seq, action, payload, local_transaction_id, received_at"
                " FROM upstream_outbox WHERE charger_seq = ? AND seq > ? ORDER BY seq LIMIT ?",
                (charger_seq, after, limit),
            ).fetchall()
            return [OutboxMessage(r[0], r[1], json.loads(r[2]), r[3], r[4]) for r in rows]

        # Inline (an indexed range on the event loop's thread): this read is on every relayed
        # message's path, and a hand-off to a worker thread costs more than the read.
        return await self._db.read_inline(read)

    async def backlogged(self) -> list[tuple[int, str, str]]:
        """(seq, chargeBoxId, org id) of each charger with messages in the outbox."""

        def read(conn: sqlite3.Connection) -> list[tuple[int, str, str]]:
            rows = conn.execute(
                "SELECT seq, charge_box_id, org_id FROM chargers WHERE seq IN"
                " (SELECT DISTINCT charger_seq FROM upstream_outbox) ORDER BY seq"
            ).fetchall()
            return [(int(r[0]), str(r[1]), str(r[2])) for r in rows]

        return await self._db.read(read)

    async def total_depth(self) -> OutboxDepth:
        def read(conn: sqlite3.Connection) -> OutboxDepth:
            row = conn.execute("SELECT COUNT(*), MIN(received_at) FROM upstream_outbox").fetchone()
            return OutboxDepth(int(row[0]), row[1])

        # Inline (an indexed range on the event loop's thread): this read is on every relayed
        # message's path, and a hand-off to a worker thread costs more than the read.
        return await self._db.read_inline(read)

    async def depth(self, charger_seq: int) -> OutboxDepth:
        def read(conn: sqlite3.Connection) -> OutboxDepth:
            row = conn.execute(
                "SELECT COUNT(*), MIN(received_at) FROM upstream_outbox WHERE charger_seq = ?",
                (charger_seq,),
            ).fetchone()
            return OutboxDepth(int(row[0]), row[1])

        return await self._db.read(read)

    def delivered(self, charger_seq: int, through: int) -> None:
        """The upstream acknowledged the charger's outbox rows up to ``through`` (they go in
        order). Not awaited: if the box dies before this commits, those rows are sent again
        after the restart, with the same unique ids (duplicates the upstream can recognise),
        and nothing is lost. One statement per replayed batch, not one per message."""
        self._db.write_nowait(
            lambda c: c.execute(
                "DELETE FROM upstream_outbox WHERE charger_seq = ? AND seq <= ?",
                (charger_seq, through),
            )
        )

    async def started(
        self,
        charger_seq: int,
        seq: int,
        local_id: int,
        upstream_id: int,
        id_tag_status: str,
        local_status: str | None,
        at: str,
    ) -> None:
        """The upstream's answer to a StartTransaction: its transaction id, kept (the first one
        wins: a duplicate across a crash must not re-point the map), the row delivered, and an
        event if the upstream refused an idTag the box accepted."""

        def write(conn: sqlite3.Connection) -> None:
            conn.execute(
                "INSERT OR IGNORE INTO upstream_transactions (charger_seq, local_transaction_id,"
                " upstream_transaction_id, id_tag_status) VALUES (?, ?, ?, ?)",
                (charger_seq, local_id, upstream_id, id_tag_status),
            )
            conn.execute("DELETE FROM upstream_outbox WHERE seq = ?", (seq,))
            verdict = Verdict("StartTransaction", local_id, upstream_id, id_tag_status)
            _note_verdict(conn, charger_seq, verdict, local_status, at)

        await self._db.write(write)

    async def stopped(
        self, charger_seq: int, seq: int, verdict: Verdict, local_status: str | None, at: str
    ) -> None:
        """The upstream's idTagInfo in its answer to a StopTransaction: the row delivered, and
        the same event as for a StartTransaction if it refuses an idTag the box accepted."""

        def write(conn: sqlite3.Connection) -> None:
            conn.execute("DELETE FROM upstream_outbox WHERE seq = ?", (seq,))
            _note_verdict(conn, charger_seq, verdict, local_status, at)

        await self._db.write(write)

    async def refused(
        self, charger_seq: int, seq: int, action: str, unique_id: str, error: str, at: str
    ) -> None:
        """The upstream answered a forwarded message with a CALLERROR: the row is dropped (sent
        again it would be refused again and hold up every later message of the charger), in
        the same transaction as the ``upstream.message_refused`` event that makes it visible."""

        def write(conn: sqlite3.Connection) -> None:
            conn.execute("DELETE FROM upstream_outbox WHERE seq = ?", (seq,))
            append_charger_event(
                conn,
                charger_seq,
                "upstream.message_refused",
                at,
                {"action": action, "uniqueId": unique_id, "error": error},
            )

        await self._db.write(write)

    async def upstream_ids(self, charger_seq: int) -> dict[int, int]:
        def read(conn: sqlite3.Connection) -> dict[int, int]:
            rows = conn.execute(
                "SELECT local_transaction_id, upstream_transaction_id FROM upstream_transactions"
                " WHERE charger_seq = ?",
                (charger_seq,),
            ).fetchall()
            return {int(r[0]): int(r[1]) for r in rows}

        return await self._db.read(read)

    async def local_status(self, charger_seq: int, local_id: int) -> str | None:
        def read(conn: sqlite3.Connection) -> str | None:
            row = conn.execute(
                "SELECT authorization_status FROM transactions WHERE charger_seq = ?"
                " AND transaction_id = ?",
                (charger_seq, local_id),
            ).fetchone()
            return None if row is None else str(row[0])

        return await self._db.read(read)

    async def boot(self, charger_seq: int) -> dict[str, Any] | None:
        def read(conn: sqlite3.Connection) -> dict[str, Any] | None:
            row = conn.execute(
                "SELECT payload FROM upstream_boots WHERE charger_seq = ?", (charger_seq,)
            ).fetchone()
            return None if row is None else dict(json.loads(row[0]))

        return await self._db.read(read)

    async def connection_changed(
        self, charger_seq: int, type_: str, data: dict[str, Any], at: str
    ) -> None:
        await self._db.write(lambda c: append_charger_event(c, charger_seq, type_, at, data))


class UpstreamCapStore:
    """The upstream's caps per charger (each a JSON object the domain reads back)."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def replace(self, charge_box_id: str, caps: dict[int, dict[str, Any]]) -> None:
        """The charger's caps are now ``caps`` (by profile id): one transaction."""

        def write(conn: sqlite3.Connection) -> None:
            conn.execute("DELETE FROM upstream_caps WHERE charge_box_id = ?", (charge_box_id,))
            conn.executemany(
                "INSERT INTO upstream_caps (charge_box_id, profile_id, cap) VALUES (?, ?, ?)",
                [(charge_box_id, pid, json.dumps(cap)) for pid, cap in caps.items()],
            )

        await self._db.write(write)

    async def all(self) -> dict[str, list[dict[str, Any]]]:
        def read(conn: sqlite3.Connection) -> dict[str, list[dict[str, Any]]]:
            caps: dict[str, list[dict[str, Any]]] = {}
            for charge_box_id, cap in conn.execute(
                "SELECT charge_box_id, cap FROM upstream_caps ORDER BY charge_box_id, profile_id"
            ):
                caps.setdefault(charge_box_id, []).append(json.loads(cap))
            return caps

        return await self._db.read(read)

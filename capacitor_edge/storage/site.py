"""The site document (issue 16) and the allocation last sent to each connector, so a restarted
box re-sends what stood and counts an unreachable charger at its last allocation."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from capacitor_edge.storage.database import Database
from capacitor_edge.storage.events import append_event
from capacitor_edge.storage.site_schema import SITE_MIGRATION as SITE_MIGRATION


@dataclass(frozen=True)
class StoredSite:
    org_id: str
    document: dict[str, Any]
    updated_at: str


@dataclass(frozen=True)
class SentAllocation:
    charge_box_id: str
    connector_id: int
    transaction_id: int | None
    limit_a: float
    #: TxProfile, or TxDefaultProfile for a charger that refuses TxProfile (and the safe
    #: default at connect).
    purpose: str
    #: The charger's answer in snake case, or the outcome of a call that got none.
    status: str
    sent_at: str


class SiteStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def load(self) -> StoredSite | None:
        def read(conn: sqlite3.Connection) -> StoredSite | None:
            row = conn.execute("SELECT * FROM site WHERE id = 1").fetchone()
            if row is None:
                return None
            return StoredSite(row["org_id"], json.loads(row["document"]), row["updated_at"])

        return await self._db.read(read)

    async def save(
        self, org_id: str, document: dict[str, Any], at: str, event: dict[str, Any]
    ) -> None:
        """Keep the document, with its ``site.limit_changed`` event in the same commit."""

        def write(conn: sqlite3.Connection) -> None:
            conn.execute(
                "INSERT INTO site (id, org_id, document, updated_at) VALUES (1, ?, ?, ?)"
                " ON CONFLICT (id) DO UPDATE SET org_id = excluded.org_id,"
                " document = excluded.document, updated_at = excluded.updated_at",
                (org_id, json.dumps(document), at),
            )
            append_event(conn, org_id, "site.limit_changed", at, event)

        await self._db.write(write)

    async def sent(self) -> list[SentAllocation]:
        def read(conn: sqlite3.Connection) -> list[SentAllocation]:
            rows = conn.execute(
                "SELECT * FROM site_allocations ORDER BY charge_box_id, connector_id"
            ).fetchall()
            return [
                SentAllocation(
                    row["charge_box_id"],
                    row["connector_id"],
                    row["transaction_id"],
                    row["limit_a"],
                    row["purpose"],
                    row["status"],
                    row["sent_at"],
                )
                for row in rows
            ]

        return await self._db.read(read)

    async def record_sent(
        self, org_id: str, allocations: list[SentAllocation], event: dict[str, Any] | None
    ) -> None:
        """What went out in one rebalance, with its ``site.allocation_changed`` event."""

        def write(conn: sqlite3.Connection) -> None:
            conn.executemany(
                "INSERT INTO site_allocations (charge_box_id, connector_id, transaction_id,"
                " limit_a, purpose, status, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (charge_box_id, connector_id) DO UPDATE SET"
                " transaction_id = excluded.transaction_id, limit_a = excluded.limit_a,"
                " purpose = excluded.purpose, status = excluded.status,"
                " sent_at = excluded.sent_at",
                [
                    (
                        a.charge_box_id,
                        a.connector_id,
                        a.transaction_id,
                        a.limit_a,
                        a.purpose,
                        a.status,
                        a.sent_at,
                    )
                    for a in allocations
                ],
            )
            if event is not None:
                append_event(conn, org_id, "site.allocation_changed", event["at"], event)

        await self._db.write(write)

    async def forget(self, charge_box_id: str, connector_id: int) -> None:
        """The session on the connector ended: nothing of it stands any more."""
        await self._db.write(
            lambda c: c.execute(
                "DELETE FROM site_allocations WHERE charge_box_id = ? AND connector_id = ?",
                (charge_box_id, connector_id),
            )
        )

    async def active_transactions(self) -> list[tuple[str, int, int]]:
        """(chargeBoxId, connectorId, transactionId) of every transaction still active."""

        def read(conn: sqlite3.Connection) -> list[tuple[str, int, int]]:
            rows = conn.execute(
                "SELECT charge_box_id, connector_id, transaction_id FROM transactions"
                " WHERE status = 'active' ORDER BY transaction_id"
            ).fetchall()
            return [(row[0], row[1], row[2]) for row in rows]

        return await self._db.read(read)

    async def record_event(self, org_id: str, type_: str, at: str, data: dict[str, Any]) -> None:
        """An event of the site alone (the meter going stale or coming back)."""
        await self._db.write(lambda c: append_event(c, org_id, type_, at, data))

"""Each organisation's authorization list (OCPP 1.6 §7.19 IdTagInfo: status, expiry, parent)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from capacitor_edge.storage.database import Database


class DuplicateIdTag(Exception):
    pass


@dataclass(frozen=True)
class IdTagRecord:
    id_tag: str
    parent_id_tag: str | None
    expiry_date: str | None
    blocked: bool
    created_at: str
    updated_at: str


def _record(row: sqlite3.Row) -> IdTagRecord:
    return IdTagRecord(
        id_tag=row["id_tag"],
        parent_id_tag=row["parent_id_tag"],
        expiry_date=row["expiry_date"],
        blocked=bool(row["blocked"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def find_id_tag(conn: sqlite3.Connection, org_id: str, id_tag: str) -> IdTagRecord | None:
    row = conn.execute(
        "SELECT * FROM id_tags WHERE org_id = ? AND id_tag = ?", (org_id, id_tag)
    ).fetchone()
    return None if row is None else _record(row)


def insert_id_tag(conn: sqlite3.Connection, org_id: str, record: IdTagRecord) -> None:
    try:
        conn.execute(
            "INSERT INTO id_tags (org_id, id_tag, parent_id_tag, expiry_date, blocked,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                org_id,
                record.id_tag,
                record.parent_id_tag,
                record.expiry_date,
                int(record.blocked),
                record.created_at,
                record.updated_at,
            ),
        )
    except sqlite3.IntegrityError:
        raise DuplicateIdTag(record.id_tag) from None


def update_id_tag(conn: sqlite3.Connection, org_id: str, record: IdTagRecord) -> bool:
    cursor = conn.execute(
        "UPDATE id_tags SET parent_id_tag = ?, expiry_date = ?, blocked = ?, updated_at = ?"
        " WHERE org_id = ? AND id_tag = ?",
        (
            record.parent_id_tag,
            record.expiry_date,
            int(record.blocked),
            record.updated_at,
            org_id,
            record.id_tag,
        ),
    )
    return cursor.rowcount == 1


def delete_id_tag(conn: sqlite3.Connection, org_id: str, id_tag: str) -> bool:
    cursor = conn.execute("DELETE FROM id_tags WHERE org_id = ? AND id_tag = ?", (org_id, id_tag))
    return cursor.rowcount == 1


def page_id_tags(
    conn: sqlite3.Connection, org_id: str, limit: int, offset: int
) -> tuple[list[IdTagRecord], int]:
    total = int(
        conn.execute("SELECT COUNT(*) FROM id_tags WHERE org_id = ?", (org_id,)).fetchone()[0]
    )
    rows = conn.execute(
        "SELECT * FROM id_tags WHERE org_id = ? ORDER BY id_tag LIMIT ? OFFSET ?",
        (org_id, limit, offset),
    ).fetchall()
    return [_record(row) for row in rows], total


class IdTagStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def find(self, org_id: str, id_tag: str) -> IdTagRecord | None:
        return await self._db.read(lambda c: find_id_tag(c, org_id, id_tag))

    async def insert(self, org_id: str, record: IdTagRecord) -> None:
        await self._db.write(lambda c: insert_id_tag(c, org_id, record))

    async def update(self, org_id: str, record: IdTagRecord) -> bool:
        return await self._db.write(lambda c: update_id_tag(c, org_id, record))

    async def delete(self, org_id: str, id_tag: str) -> bool:
        return await self._db.write(lambda c: delete_id_tag(c, org_id, id_tag))

    async def page(self, org_id: str, limit: int, offset: int) -> tuple[list[IdTagRecord], int]:
        return await self._db.read(lambda c: page_id_tags(c, org_id, limit, offset))

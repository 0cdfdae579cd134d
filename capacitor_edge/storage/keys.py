"""Organisations and their API keys (only hashes of keys are stored)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from capacitor_edge.storage.database import Database


@dataclass(frozen=True)
class Organisation:
    id: str
    name: str


@dataclass(frozen=True)
class ApiKeyRecord:
    id: str
    org_id: str
    name: str
    prefix: str
    created_at: str
    last_used: str | None


def _key(row: sqlite3.Row) -> ApiKeyRecord:
    return ApiKeyRecord(
        id=row["id"],
        org_id=row["org_id"],
        name=row["name"],
        prefix=row["prefix"],
        created_at=row["created_at"],
        last_used=row["last_used"],
    )


def ensure_organisation(conn: sqlite3.Connection, org_id: str, name: str, now: str) -> Organisation:
    """The organisation called ``name``, created with ``org_id`` if there is none yet."""
    row = conn.execute("SELECT id, name FROM organisations WHERE name = ?", (name,)).fetchone()
    if row is not None:
        return Organisation(row["id"], row["name"])
    conn.execute(
        "INSERT INTO organisations (id, name, created_at) VALUES (?, ?, ?)", (org_id, name, now)
    )
    return Organisation(org_id, name)


def insert_key(
    conn: sqlite3.Connection,
    *,
    key_id: str,
    org_id: str,
    name: str,
    key_hash: str,
    prefix: str,
    now: str,
) -> ApiKeyRecord:
    conn.execute(
        "INSERT INTO api_keys (id, org_id, name, key_hash, prefix, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (key_id, org_id, name, key_hash, prefix, now),
    )
    return ApiKeyRecord(key_id, org_id, name, prefix, now, None)


def count_organisations(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT COUNT(*) FROM organisations").fetchone()[0])


def find_key_by_hash(conn: sqlite3.Connection, key_hash: str) -> ApiKeyRecord | None:
    row = conn.execute(
        "SELECT * FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL", (key_hash,)
    ).fetchone()
    return None if row is None else _key(row)


def list_keys(conn: sqlite3.Connection, org_id: str) -> list[ApiKeyRecord]:
    rows = conn.execute(
        "SELECT * FROM api_keys WHERE org_id = ? AND revoked_at IS NULL ORDER BY created_at, id",
        (org_id,),
    ).fetchall()
    return [_key(row) for row in rows]


def revoke_key(conn: sqlite3.Connection, org_id: str, key_id: str, now: str) -> bool:
    cursor = conn.execute(
        "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND org_id = ? AND revoked_at IS NULL",
        (now, key_id, org_id),
    )
    return cursor.rowcount == 1


def touch_key(conn: sqlite3.Connection, key_id: str, now: str) -> None:
    conn.execute("UPDATE api_keys SET last_used = ? WHERE id = ?", (now, key_id))


class KeyStore:
    """The async face of this module, for the domain layer."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def ensure_organisation(self, org_id: str, name: str, now: str) -> Organisation:
        return await self._db.write(lambda c: ensure_organisation(c, org_id, name, now))

    async def insert_key(
        self, *, key_id: str, org_id: str, name: str, key_hash: str, prefix: str, now: str
    ) -> ApiKeyRecord:
        return await self._db.write(
            lambda c: insert_key(
                c,
                key_id=key_id,
                org_id=org_id,
                name=name,
                key_hash=key_hash,
                prefix=prefix,
                now=now,
            )
        )

    async def count_organisations(self) -> int:
        return await self._db.read(count_organisations)

    async def find_key_by_hash(self, key_hash: str) -> ApiKeyRecord | None:
        return await self._db.read(lambda c: find_key_by_hash(c, key_hash))

    async def list_keys(self, org_id: str) -> list[ApiKeyRecord]:
        return await self._db.read(lambda c: list_keys(c, org_id))

    async def revoke_key(self, org_id: str, key_id: str, now: str) -> bool:
        return await self._db.write(lambda c: revoke_key(c, org_id, key_id, now))

    async def touch_key(self, key_id: str, now: str) -> None:
        await self._db.write(lambda c: touch_key(c, key_id, now))

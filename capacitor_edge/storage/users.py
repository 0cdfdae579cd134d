"""Dashboard users (issue 18): a name, a role, an organisation and a password hash.

The functions taking a connection are shared by the running box (through :class:`UserStore`)
and the ``capacitor-edge users`` CLI, which writes the same file while the box runs (WAL)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    # Only a type here: storage.database imports the migrations, which import this module.
    from capacitor_edge.storage.database import Database

USERS_MIGRATION = (
    "dashboard users",
    """
    -- `generation` goes up with each password change, so logins made with the old password end.
    CREATE TABLE dashboard_users (
        id TEXT PRIMARY KEY,
        org_id TEXT NOT NULL REFERENCES organisations(id),
        name TEXT NOT NULL UNIQUE,
        role TEXT NOT NULL,
        password_hash TEXT NOT NULL,
        generation INTEGER NOT NULL DEFAULT 1,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX dashboard_users_org ON dashboard_users(org_id, name);
    """,
)


@dataclass(frozen=True)
class UserRecord:
    id: str
    org_id: str
    org_name: str
    name: str
    role: str
    password_hash: str
    generation: int
    created_at: str


_SELECT = (
    "SELECT u.id, u.org_id, o.name AS org_name, u.name, u.role, u.password_hash, u.generation,"
    " u.created_at FROM dashboard_users u JOIN organisations o ON o.id = u.org_id"
)


def _user(row: sqlite3.Row | tuple[object, ...]) -> UserRecord:
    values = tuple(row)
    return UserRecord(
        id=str(values[0]),
        org_id=str(values[1]),
        org_name=str(values[2]),
        name=str(values[3]),
        role=str(values[4]),
        password_hash=str(values[5]),
        generation=int(str(values[6])),
        created_at=str(values[7]),
    )


def find_user(conn: sqlite3.Connection, name: str) -> UserRecord | None:
    row = conn.execute(f"{_SELECT} WHERE u.name = ?", (name,)).fetchone()
    return None if row is None else _user(row)


def find_user_by_id(conn: sqlite3.Connection, user_id: str) -> UserRecord | None:
    row = conn.execute(f"{_SELECT} WHERE u.id = ?", (user_id,)).fetchone()
    return None if row is None else _user(row)


def list_users(conn: sqlite3.Connection, org_id: str | None = None) -> list[UserRecord]:
    if org_id is None:
        rows = conn.execute(f"{_SELECT} ORDER BY o.name, u.name").fetchall()
    else:
        rows = conn.execute(f"{_SELECT} WHERE u.org_id = ? ORDER BY u.name", (org_id,)).fetchall()
    return [_user(row) for row in rows]


def count_users(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT COUNT(*) FROM dashboard_users").fetchone()[0])


def insert_user(
    conn: sqlite3.Connection,
    *,
    user_id: str,
    org_id: str,
    name: str,
    role: str,
    password_hash: str,
    now: str,
) -> bool:
    """False if the name is taken (names are unique across organisations: they log in)."""
    try:
        conn.execute(
            "INSERT INTO dashboard_users (id, org_id, name, role, password_hash, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (user_id, org_id, name, role, password_hash, now, now),
        )
    except sqlite3.IntegrityError:
        return False
    return True


def set_password(conn: sqlite3.Connection, name: str, password_hash: str, now: str) -> bool:
    cursor = conn.execute(
        "UPDATE dashboard_users SET password_hash = ?, generation = generation + 1,"
        " updated_at = ? WHERE name = ?",
        (password_hash, now, name),
    )
    return cursor.rowcount == 1


def delete_user(conn: sqlite3.Connection, name: str, org_id: str | None = None) -> bool:
    if org_id is None:
        cursor = conn.execute("DELETE FROM dashboard_users WHERE name = ?", (name,))
    else:
        cursor = conn.execute(
            "DELETE FROM dashboard_users WHERE name = ? AND org_id = ?", (name, org_id)
        )
    return cursor.rowcount == 1


class UserStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def find(self, name: str) -> UserRecord | None:
        return await self._db.read(lambda c: find_user(c, name))

    async def find_by_id(self, user_id: str) -> UserRecord | None:
        # Every dashboard request checks its user still exists: one indexed row.
        return await self._db.read_inline(lambda c: find_user_by_id(c, user_id))

    async def list(self, org_id: str) -> list[UserRecord]:
        return await self._db.read(lambda c: list_users(c, org_id))

    async def count(self) -> int:
        return await self._db.read(count_users)

    async def insert(
        self, *, user_id: str, org_id: str, name: str, role: str, password_hash: str, now: str
    ) -> bool:
        return await self._db.write(
            lambda c: insert_user(
                c,
                user_id=user_id,
                org_id=org_id,
                name=name,
                role=role,
                password_hash=password_hash,
                now=now,
            )
        )

    async def set_password(self, name: str, password_hash: str, now: str) -> bool:
        return await self._db.write(lambda c: set_password(c, name, password_hash, now))

    async def delete(self, name: str, org_id: str) -> bool:
        return await self._db.write(lambda c: delete_user(c, name, org_id))

"""The audit log of commands sent to chargers."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from capacitor_edge.storage.database import Database
from capacitor_edge.storage.events import append_charger_event


@dataclass(frozen=True)
class CommandRecord:
    id: int
    api_key_id: str | None
    action: str
    request: dict[str, Any]
    outcome: str
    response: dict[str, Any] | None
    error_code: str | None
    error_description: str | None
    requested_at: str
    finished_at: str


def insert_command(conn: sqlite3.Connection, charger_seq: int, record: CommandRecord) -> None:
    conn.execute(
        "INSERT INTO commands (charger_seq, api_key_id, action, request, outcome, response,"
        " error_code, error_description, requested_at, finished_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            charger_seq,
            record.api_key_id,
            record.action,
            json.dumps(record.request),
            record.outcome,
            None if record.response is None else json.dumps(record.response),
            record.error_code,
            record.error_description,
            record.requested_at,
            record.finished_at,
        ),
    )
    # In the same transaction as the audit record: every command sent has its event.
    data = {
        "action": record.action,
        "outcome": record.outcome,
        "response": record.response,
        "errorCode": record.error_code,
        "errorDescription": record.error_description,
        "requestedAt": record.requested_at,
    }
    append_charger_event(conn, charger_seq, "command.completed", record.finished_at, data)


def page_commands(
    conn: sqlite3.Connection, charger_seq: int, limit: int, offset: int
) -> tuple[list[CommandRecord], int]:
    total = int(
        conn.execute(
            "SELECT COUNT(*) FROM commands WHERE charger_seq = ?", (charger_seq,)
        ).fetchone()[0]
    )
    rows = conn.execute(
        "SELECT * FROM commands WHERE charger_seq = ? ORDER BY id DESC LIMIT ? OFFSET ?",
        (charger_seq, limit, offset),
    ).fetchall()
    return [
        CommandRecord(
            id=row["id"],
            api_key_id=row["api_key_id"],
            action=row["action"],
            request=json.loads(row["request"]),
            outcome=row["outcome"],
            response=None if row["response"] is None else json.loads(row["response"]),
            error_code=row["error_code"],
            error_description=row["error_description"],
            requested_at=row["requested_at"],
            finished_at=row["finished_at"],
        )
        for row in rows
    ], total


class CommandStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def record(self, charger_seq: int, record: CommandRecord) -> None:
        await self._db.write(lambda c: insert_command(c, charger_seq, record))

    async def page(
        self, charger_seq: int, limit: int, offset: int
    ) -> tuple[list[CommandRecord], int]:
        return await self._db.read(lambda c: page_commands(c, charger_seq, limit, offset))

"""Webhooks, their delivery cursors and the delivery log.

A webhook's ``cursor`` is the last event sequence number it has had: delivered with a 2xx, or
passed over as not subscribed. It only moves forward, in the same transaction as the log row of
the attempt that moved it, so after a crash the worker starts again exactly after the last
confirmed delivery (at least once, never zero).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Literal

import trio

from capacitor_edge.storage.database import Database
from capacitor_edge.storage.events import append_event, head

WebhookState = Literal["ok", "failing", "disabled"]
DeliveryKind = Literal["delivery", "redelivery", "test"]
#: Successful deliveries are logged together (:meth:`WebhookStore.note_delivered`): at the
#: latest this long after the last flush, or once this many are waiting.
LOG_FLUSH_S = 0.5
LOG_FLUSH_ROWS = 500


@dataclass(frozen=True)
class WebhookRecord:
    seq: int
    id: str
    org_id: str
    url: str
    events: tuple[str, ...]
    #: Never shown after creation; only the delivery worker reads it, to sign.
    secret: str
    trust_site_ca: bool
    state: WebhookState
    cursor: int
    created_at: str
    updated_at: str

    @property
    def active(self) -> bool:
        return self.state != "disabled"


@dataclass(frozen=True)
class Attempt:
    """One delivery attempt, as the log keeps it."""

    event_seq: int
    event_type: str
    attempt: int
    at: str
    status_code: int | None
    duration_ms: int
    error: str | None
    kind: DeliveryKind = "delivery"

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


@dataclass(frozen=True)
class DeliveryRecord(Attempt):
    id: int = 0


def _webhook(row: sqlite3.Row) -> WebhookRecord:
    return WebhookRecord(
        seq=row["seq"],
        id=row["id"],
        org_id=row["org_id"],
        url=row["url"],
        events=tuple(json.loads(row["events"])),
        secret=row["secret"],
        trust_site_ca=bool(row["trust_site_ca"]),
        state=row["state"],
        cursor=row["cursor"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def insert_webhook(
    conn: sqlite3.Connection,
    *,
    webhook_id: str,
    org_id: str,
    url: str,
    events: list[str],
    secret: str,
    trust_site_ca: bool,
    now: str,
) -> WebhookRecord:
    # A new webhook gets the events from now on: its cursor starts at the journal's head.
    conn.execute(
        "INSERT INTO webhooks (id, org_id, url, events, secret, trust_site_ca, cursor,"
        " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            webhook_id,
            org_id,
            url,
            json.dumps(events),
            secret,
            int(trust_site_ca),
            head(conn),
            now,
            now,
        ),
    )
    found = find_webhook(conn, org_id, webhook_id)
    assert found is not None
    return found


def find_webhook(conn: sqlite3.Connection, org_id: str, webhook_id: str) -> WebhookRecord | None:
    row = conn.execute(
        "SELECT * FROM webhooks WHERE id = ? AND org_id = ?", (webhook_id, org_id)
    ).fetchone()
    return None if row is None else _webhook(row)


def list_webhooks(conn: sqlite3.Connection, org_id: str | None) -> list[WebhookRecord]:
    """The organisation's webhooks (every organisation's for None), oldest first."""
    if org_id is None:
        rows = conn.execute("SELECT * FROM webhooks ORDER BY seq").fetchall()
    else:
        rows = conn.execute(
            "SELECT * FROM webhooks WHERE org_id = ? ORDER BY seq", (org_id,)
        ).fetchall()
    return [_webhook(row) for row in rows]


def update_webhook(
    conn: sqlite3.Connection,
    org_id: str,
    webhook_id: str,
    changes: dict[str, object],
    now: str,
) -> WebhookRecord | None:
    """Set url, events, trust_site_ca and/or active; active=True re-enables a disabled or
    failing webhook from its cursor, active=False disables it."""
    assignments, params = ["updated_at = ?"], [now]
    for name, value in changes.items():
        if name == "events":
            assignments.append("events = ?")
            params.append(json.dumps(value))
        elif name == "active":
            assignments.append("state = ?")
            params.append("ok" if value else "disabled")
        elif name in {"url", "trust_site_ca"}:
            assignments.append(f"{name} = ?")
            params.append(value)  # type: ignore[arg-type]
        else:
            raise ValueError(f"not updatable: {name}")
    conn.execute(
        f"UPDATE webhooks SET {', '.join(assignments)} WHERE id = ? AND org_id = ?",
        [*params, webhook_id, org_id],
    )
    return find_webhook(conn, org_id, webhook_id)


def delete_webhook(conn: sqlite3.Connection, org_id: str, webhook_id: str) -> bool:
    found = find_webhook(conn, org_id, webhook_id)
    if found is None:
        return False
    conn.execute("DELETE FROM webhook_deliveries WHERE webhook_seq = ?", (found.seq,))
    conn.execute("DELETE FROM webhooks WHERE seq = ?", (found.seq,))
    return True


_INSERT_ATTEMPT = (
    "INSERT INTO webhook_deliveries (webhook_seq, event_seq, event_type, attempt, at,"
    " status_code, duration_ms, error, kind) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def _attempt_row(webhook_seq: int, attempt: Attempt) -> tuple[object, ...]:
    return (
        webhook_seq,
        attempt.event_seq,
        attempt.event_type,
        attempt.attempt,
        attempt.at,
        attempt.status_code,
        attempt.duration_ms,
        attempt.error,
        attempt.kind,
    )


def record_attempt(
    conn: sqlite3.Connection, webhook_seq: int, attempt: Attempt, state: WebhookState | None
) -> None:
    """Log ``attempt``; a successful regular delivery also moves the cursor past its event.
    ``state``: the webhook's new state, if it changes."""
    conn.execute(_INSERT_ATTEMPT, _attempt_row(webhook_seq, attempt))
    if attempt.ok and attempt.kind == "delivery":
        advance_cursor(conn, webhook_seq, attempt.event_seq)
    if state is not None:
        # Never undo a disable (or re-enable) made through the API while the attempt ran.
        conn.execute(
            "UPDATE webhooks SET state = ? WHERE seq = ? AND state != 'disabled'",
            (state, webhook_seq),
        )


def record_delivered(conn: sqlite3.Connection, delivered: list[tuple[int, Attempt]]) -> None:
    """Log a run of successful regular deliveries (webhook seq, attempt), and move each
    webhook's cursor past the last of its own: one statement per table for all of them."""
    conn.executemany(_INSERT_ATTEMPT, [_attempt_row(seq, attempt) for seq, attempt in delivered])
    newest = {seq: attempt.event_seq for seq, attempt in delivered}  # in order: the last wins
    conn.executemany(
        "UPDATE webhooks SET cursor = MAX(cursor, ?) WHERE seq = ?",
        [(to, seq) for seq, to in newest.items()],
    )


def advance_cursor(conn: sqlite3.Connection, webhook_seq: int, to: int) -> None:
    conn.execute("UPDATE webhooks SET cursor = MAX(cursor, ?) WHERE seq = ?", (to, webhook_seq))


def disable_webhook(conn: sqlite3.Connection, webhook_seq: int, at: str, reason: str) -> None:
    """Give up on the webhook after its retry schedule ran out: ``webhook.disabled``."""
    row = conn.execute("SELECT * FROM webhooks WHERE seq = ?", (webhook_seq,)).fetchone()
    if row is None or row["state"] == "disabled":
        return
    conn.execute(
        "UPDATE webhooks SET state = 'disabled', updated_at = ? WHERE seq = ?", (at, webhook_seq)
    )
    data = {"webhookId": row["id"], "url": row["url"], "reason": reason, "cursor": row["cursor"]}
    append_event(conn, row["org_id"], "webhook.disabled", at, data)


def page_deliveries(
    conn: sqlite3.Connection, webhook_seq: int, limit: int, offset: int
) -> tuple[list[DeliveryRecord], int]:
    total = int(
        conn.execute(
            "SELECT COUNT(*) FROM webhook_deliveries WHERE webhook_seq = ?", (webhook_seq,)
        ).fetchone()[0]
    )
    rows = conn.execute(
        "SELECT * FROM webhook_deliveries WHERE webhook_seq = ? ORDER BY id DESC LIMIT ? OFFSET ?",
        (webhook_seq, limit, offset),
    ).fetchall()
    return [_delivery(row) for row in rows], total


def find_delivery(
    conn: sqlite3.Connection, webhook_seq: int, delivery_id: int
) -> DeliveryRecord | None:
    row = conn.execute(
        "SELECT * FROM webhook_deliveries WHERE webhook_seq = ? AND id = ?",
        (webhook_seq, delivery_id),
    ).fetchone()
    return None if row is None else _delivery(row)


def _delivery(row: sqlite3.Row) -> DeliveryRecord:
    return DeliveryRecord(
        id=row["id"],
        event_seq=row["event_seq"],
        event_type=row["event_type"],
        attempt=row["attempt"],
        at=row["at"],
        status_code=row["status_code"],
        duration_ms=row["duration_ms"],
        error=row["error"],
        kind=row["kind"],
    )


class WebhookStore:
    def __init__(self, db: Database) -> None:
        self._db = db
        #: Successful deliveries not yet queued for a commit (:meth:`note_delivered`).
        self._delivered: list[tuple[int, Attempt]] = []
        self._flushed_at = 0.0

    async def insert(
        self,
        *,
        webhook_id: str,
        org_id: str,
        url: str,
        events: list[str],
        secret: str,
        trust_site_ca: bool,
        now: str,
    ) -> WebhookRecord:
        self.flush_delivered()
        return await self._db.write(
            lambda c: insert_webhook(
                c,
                webhook_id=webhook_id,
                org_id=org_id,
                url=url,
                events=events,
                secret=secret,
                trust_site_ca=trust_site_ca,
                now=now,
            )
        )

    async def find(self, org_id: str, webhook_id: str) -> WebhookRecord | None:
        return await self._db.read(lambda c: find_webhook(c, org_id, webhook_id))

    async def all(self, org_id: str | None) -> list[WebhookRecord]:
        return await self._db.read(lambda c: list_webhooks(c, org_id))

    async def update(
        self, org_id: str, webhook_id: str, changes: dict[str, object], now: str
    ) -> WebhookRecord | None:
        self.flush_delivered()
        return await self._db.write(lambda c: update_webhook(c, org_id, webhook_id, changes, now))

    async def delete(self, org_id: str, webhook_id: str) -> bool:
        self.flush_delivered()
        return await self._db.write(lambda c: delete_webhook(c, org_id, webhook_id))

    async def record_attempt(
        self, webhook_seq: int, attempt: Attempt, state: WebhookState | None = None
    ) -> None:
        self.flush_delivered()
        await self._db.write(lambda c: record_attempt(c, webhook_seq, attempt, state))

    def note_delivered(self, webhook_seq: int, attempt: Attempt) -> None:
        """:meth:`record_attempt` of a 2xx, kept until the next :meth:`flush_delivered`, which
        logs every one noted meanwhile in one write. Flushed at the latest after
        ``LOG_FLUSH_S`` or ``LOG_FLUSH_ROWS`` of them (and by the dispatcher when a worker
        catches up or stops): a write per delivery kept the group commit, which chargers wait
        on, busy. If the box dies first, the event is only sent again (at least once)."""
        self._delivered.append((webhook_seq, attempt))
        now = trio.current_time()
        if len(self._delivered) >= LOG_FLUSH_ROWS or now - self._flushed_at >= LOG_FLUSH_S:
            self.flush_delivered()

    def flush_delivered(self) -> None:
        """Queue what :meth:`note_delivered` kept for the next commit, not waited for: batches
        commit in order, and every other write here flushes first, so the log keeps its order
        and a cursor never moves back."""
        self._flushed_at = trio.current_time()
        if self._delivered:
            delivered, self._delivered = self._delivered, []
            self._db.write_nowait(lambda c: record_delivered(c, delivered))

    async def advance_cursor(self, webhook_seq: int, to: int) -> None:
        self.flush_delivered()
        await self._db.write(lambda c: advance_cursor(c, webhook_seq, to))

    async def disable(self, webhook_seq: int, at: str, reason: str) -> None:
        self.flush_delivered()
        await self._db.write(lambda c: disable_webhook(c, webhook_seq, at, reason))

    async def deliveries(
        self, webhook_seq: int, limit: int, offset: int
    ) -> tuple[list[DeliveryRecord], int]:
        return await self._db.read(lambda c: page_deliveries(c, webhook_seq, limit, offset))

    async def delivery(self, webhook_seq: int, delivery_id: int) -> DeliveryRecord | None:
        return await self._db.read(lambda c: find_delivery(c, webhook_seq, delivery_id))

"""What crosses the charger link, kept for diagnosis: refused connection attempts and a bounded
per-charger trace of OCPP frames."""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from functools import partial

from capacitor_edge.storage.database import Database

#: Connection attempts kept on the box in all; the API shows the newest 100 a caller may see.
ATTEMPTS_KEPT = 10_000


@dataclass(frozen=True)
class ConnectionAttemptRecord:
    charge_box_id: str
    remote_address: str
    reason: str
    at: str


@dataclass(frozen=True)
class TracedFrameRecord:
    direction: str
    frame: str
    at: str


def insert_attempt(
    conn: sqlite3.Connection,
    charge_box_id: str,
    org_id: str | None,
    remote_address: str,
    reason: str,
    at: str,
) -> None:
    cursor = conn.execute(
        "INSERT INTO connection_attempts (charge_box_id, org_id, remote_address, reason, at)"
        " VALUES (?, ?, ?, ?, ?)",
        (charge_box_id, org_id, remote_address, reason, at),
    )
    # Keep the table bounded without a separate task: a flood of refused connections must not
    # fill the gateway's disk.
    if cursor.lastrowid is not None and cursor.lastrowid % 1000 == 0:
        conn.execute(
            "DELETE FROM connection_attempts WHERE id <= ?", (cursor.lastrowid - ATTEMPTS_KEPT,)
        )


def latest_attempts(
    conn: sqlite3.Connection, org_id: str, limit: int
) -> list[ConnectionAttemptRecord]:
    """The newest attempts this organisation may see: its own ids and unregistered ones."""
    rows = conn.execute(
        "SELECT charge_box_id, remote_address, reason, at FROM connection_attempts"
        " WHERE org_id IS NULL OR org_id = ? ORDER BY id DESC LIMIT ?",
        (org_id, limit),
    ).fetchall()
    return [ConnectionAttemptRecord(*row) for row in rows]


def prune_trace(conn: sqlite3.Connection, charger_seqs: list[int], keep: int) -> None:
    for seq in charger_seqs:
        conn.execute(
            "DELETE FROM message_trace WHERE charger_seq = ? AND id < COALESCE(("
            " SELECT id FROM message_trace WHERE charger_seq = ? ORDER BY id DESC"
            " LIMIT 1 OFFSET ?), 0)",
            (seq, seq, max(keep - 1, 0)),
        )
        if keep == 0:
            conn.execute("DELETE FROM message_trace WHERE charger_seq = ?", (seq,))


def latest_frames(
    conn: sqlite3.Connection, charger_seq: int, limit: int
) -> list[TracedFrameRecord]:
    rows = conn.execute(
        "SELECT direction, frame, at FROM message_trace WHERE charger_seq = ?"
        " ORDER BY id DESC LIMIT ?",
        (charger_seq, limit),
    ).fetchall()
    return [TracedFrameRecord(*row) for row in rows]


class TrafficStore:
    def __init__(self, db: Database) -> None:
        self._db = db
        # Frames waiting for the writer, flushed with one executemany per batch: the trace is
        # two rows per round trip, the busiest table of all.
        self._frames: list[tuple[int, str, str, str]] = []
        self._frames_lock = threading.Lock()
        self._flush_queued = False

    async def record_attempt(
        self, charge_box_id: str, org_id: str | None, remote_address: str, reason: str, at: str
    ) -> None:
        await self._db.write(
            lambda c: insert_attempt(c, charge_box_id, org_id, remote_address, reason, at)
        )

    async def latest_attempts(self, org_id: str, limit: int) -> list[ConnectionAttemptRecord]:
        return await self._db.read(lambda c: latest_attempts(c, org_id, limit))

    def trace(self, charger_seq: int, direction: str, frame: str, at: str) -> None:
        """Queue a frame for the trace without waiting: it rides along in the next commit."""
        with self._frames_lock:
            self._frames.append((charger_seq, direction, frame, at))
            if self._flush_queued:
                return
            self._flush_queued = True
            frames = self._frames
        flush_lost = partial(self._flush_lost, frames)
        if not self._db.write_nowait(
            lambda conn: self._flush_frames(conn, frames), on_failure=flush_lost
        ):
            flush_lost()

    def _flush_lost(self, frames: list[tuple[int, str, str, str]]) -> None:
        # The flush was dropped (closing, disk full) or its batch failed, perhaps before it
        # ran: nothing else would clear the flag, and the trace would stop for good. Its frames
        # go (the trace is diagnostics; kept while the disk stays full they would only gather
        # in memory); the next frame queues a new flush. A flush that ran has taken its list
        # already, so this leaves the frames queued since alone.
        with self._frames_lock:
            if self._frames is frames:
                self._frames = []
                self._flush_queued = False

    def _flush_frames(
        self, conn: sqlite3.Connection, frames: list[tuple[int, str, str, str]]
    ) -> None:
        # Runs on the writer thread while the event loop keeps appending: frames queued from
        # now on start a new list and a new flush. ``frames`` stays whole, so a batch replayed
        # after a failure inserts it again.
        with self._frames_lock:
            if self._frames is frames:
                self._frames = []
                self._flush_queued = False
        conn.executemany(
            "INSERT INTO message_trace (charger_seq, direction, frame, at) VALUES (?, ?, ?, ?)",
            frames,
        )

    async def prune_trace(self, charger_seqs: list[int], keep: int) -> None:
        await self._db.write(lambda c: prune_trace(c, charger_seqs, keep))

    async def latest_frames(self, charger_seq: int, limit: int) -> list[TracedFrameRecord]:
        return await self._db.read(lambda c: latest_frames(c, charger_seq, limit))

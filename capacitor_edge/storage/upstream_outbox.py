"""The upstream outbox's tables (issue 20), and the outbox row that rides along with a charger
message's local handling.

The domain sets :data:`RIDER` while a charger message is handled with the upstream mirror on;
:meth:`capacitor_edge.storage.database.Database.write` attaches it to the handler's first awaited
write, so the row commits in the same SQLite transaction as what the charger is answered about.
Kept apart from storage/upstream.py so that database.py and schema_steps.py can import it
without a cycle.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any, TypeVar

T = TypeVar("T")

UPSTREAM_MIGRATION = (
    "upstream outbox",
    """
    -- Charger-initiated messages not yet acknowledged by the upstream central system, in the
    -- order the charger sent them (seq), with the time the box received them.
    CREATE TABLE upstream_outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        charger_seq INTEGER NOT NULL REFERENCES chargers(seq),
        action TEXT NOT NULL,
        payload TEXT NOT NULL,
        local_transaction_id INTEGER,
        received_at TEXT NOT NULL
    );
    CREATE INDEX upstream_outbox_charger ON upstream_outbox(charger_seq, seq);
    -- The upstream's transactionId for each of the box's (OCPP 1.6 §4.8: each end numbers
    -- transactions its own way; MeterValues and StopTransaction are rewritten with it).
    CREATE TABLE upstream_transactions (
        charger_seq INTEGER NOT NULL REFERENCES chargers(seq),
        local_transaction_id INTEGER NOT NULL,
        upstream_transaction_id INTEGER NOT NULL,
        id_tag_status TEXT,
        PRIMARY KEY (charger_seq, local_transaction_id)
    );
    -- The charger's last BootNotification, sent first on every upstream connect.
    CREATE TABLE upstream_boots (
        charger_seq INTEGER PRIMARY KEY REFERENCES chargers(seq),
        payload TEXT NOT NULL
    );
    """,
)


class Rider:
    """One outbox row waiting to ride along with its handler's first awaited write."""

    __slots__ = ("action", "charger_seq", "payload", "received_at", "taken")

    def __init__(
        self, charger_seq: int, action: str, payload: dict[str, Any], received_at: str
    ) -> None:
        self.charger_seq = charger_seq
        self.action = action
        self.payload = payload
        self.received_at = received_at
        self.taken = False

    def wrap(self, fn: Callable[[sqlite3.Connection], T]) -> Callable[[sqlite3.Connection], T]:
        """``fn``, then this row, in the same transaction (and the same savepoint when a batch
        is replayed write by write: both commit or neither does)."""
        self.taken = True

        def both(conn: sqlite3.Connection) -> T:
            result = fn(conn)
            self.insert(conn, result)
            return result

        return both

    def insert(self, conn: sqlite3.Connection, result: Any = None) -> None:
        local_id = None
        if self.action == "StartTransaction" and isinstance(result, tuple):
            local_id = result[0]  # storage.transactions.start_transaction: (id, created)
        elif self.action == "BootNotification":
            conn.execute(
                "INSERT INTO upstream_boots (charger_seq, payload) VALUES (?, ?)"
                " ON CONFLICT (charger_seq) DO UPDATE SET payload = excluded.payload",
                (self.charger_seq, json.dumps(self.payload)),
            )
        conn.execute(
            "INSERT INTO upstream_outbox (charger_seq, action, payload, local_transaction_id,"
            " received_at) VALUES (?, ?, ?, ?, ?)",
            (self.charger_seq, self.action, json.dumps(self.payload), local_id, self.received_at),
        )


#: The rider of the charger message being handled in this task, if the mirror is on.
RIDER: ContextVar[Rider | None] = ContextVar("upstream_rider", default=None)


def with_rider(fn: Callable[[sqlite3.Connection], T]) -> Callable[[sqlite3.Connection], T]:
    """``fn``, carrying this task's outbox row if it has one not yet written: the one check a
    write pays when there is no upstream (a context variable read)."""
    rider = RIDER.get()
    if rider is None or rider.taken:
        return fn
    return rider.wrap(fn)


UPSTREAM_CAPS_MIGRATION = (
    "upstream charging profiles kept as caps of the site allocation",
    """
    -- The upstream's SetChargingProfile on a charger the site drives, as a cap the load
    -- controller allocates under (domain/upstream_caps.py): kept across restarts, since the
    -- upstream was told Accepted and will not send it again.
    CREATE TABLE upstream_caps (
        charge_box_id TEXT NOT NULL,
        profile_id INTEGER NOT NULL,
        cap TEXT NOT NULL,
        PRIMARY KEY (charge_box_id, profile_id)
    );
    """,
)

"""The pieces of a group-commit batch (storage/database.py): a queued write, the batch
statistics, and the replay of a batch whose fast path failed."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

import trio

from capacitor_edge.storage.connections import roll_back
from capacitor_edge.storage.space import as_storage_failure

T = TypeVar("T")
log = logging.getLogger("capacitor_edge.storage")


@dataclass(frozen=True)
class BatchStats:
    """What the last commit did, for metrics and benchmarks."""

    batches: int = 0
    writes: int = 0
    largest_batch: int = 0
    commit_seconds_total: float = 0.0


@dataclass
class Write(Generic[T]):
    fn: Callable[[sqlite3.Connection], T]
    done: trio.Event = field(default_factory=trio.Event)
    result: Any = None
    error: BaseException | None = None
    detached: bool = False  # nobody waits for it: a failure can only be logged
    #: Called on the event loop's thread when the write failed (its batch was not committed).
    on_failure: Callable[[], None] | None = None


def commit_one_by_one(conn: sqlite3.Connection, batch: list[Write[Any]], path: Path) -> None:
    """Replay ``batch`` with a savepoint per write, so a failing write is rolled back and
    reported to its own caller alone and the others still commit."""
    try:
        conn.execute("BEGIN IMMEDIATE")
        for item in batch:
            item.result, item.error = None, None
            conn.execute("SAVEPOINT write")
            try:
                item.result = item.fn(conn)
            except Exception as error:  # reported to that caller alone
                failure = as_storage_failure(error, path)
                if failure is not None:
                    # The disk failed, not this write (and SQLite may have rolled the
                    # whole transaction back): the batch fails as one, below.
                    raise failure from error
                conn.execute("ROLLBACK TO write")
                item.error = error
                if item.detached:
                    log.warning("background write failed: %r", error)
            conn.execute("RELEASE write")
        conn.execute("COMMIT")
    except Exception as error:
        roll_back(conn)
        failure = as_storage_failure(error, path)
        if failure is None:  # a storage failure is logged once, by StorageHealth
            log.exception("group commit of %d writes failed", len(batch))
        for item in batch:
            item.error = failure or error
            item.result = None

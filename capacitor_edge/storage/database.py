"""The SQLite database: one writer with group commit, a pool of read-only readers.

Like datasette and aiosqlite, a thread owns each connection and async callers await results; here
it is done natively for Trio (aiosqlite needs an asyncio loop). The writer connection is only
ever used by the writer task's ``trio.to_thread.run_sync`` calls, one at a time, so exactly one
thread touches it at any moment (``check_same_thread`` is off because trio's thread cache may
hand the next batch to a different worker thread).

Group commit (DESIGN.md, measured): every write waiting when the writer wakes goes into ONE
``BEGIN IMMEDIATE`` transaction, which is committed once; then every waiter is woken. One commit
per row reached ~4,500 commits/s; batches reach ~220,000 rows/s. If a write fails, the batch is
rolled back and replayed with a SAVEPOINT per write, so the failing write is rolled back alone
and reported to its own caller only.
Nothing is acknowledged before its commit: ``await db.write(...)`` returns after the COMMIT.
When the disk itself fails (full, I/O errors), the whole batch fails with a
:class:`~capacitor_edge.storage.space.StorageFailure` without a replay, :attr:`Database.health`
says so, and the reserve (:mod:`capacitor_edge.storage.space`) keeps opening and closing possible.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import trio

from capacitor_edge import metrics
from capacitor_edge.storage.connections import checkpoint, in_snapshot, roll_back
from capacitor_edge.storage.connections import connect as connect
from capacitor_edge.storage.connections import migrate_with_backup as migrate_with_backup
from capacitor_edge.storage.space import (
    Reserve,
    StorageFailure,
    StorageFull,
    StorageHealth,
    as_storage_failure,
    describe_room,
)
from capacitor_edge.storage.upstream_outbox import with_rider
from capacitor_edge.storage.write_batches import BatchStats, Write, commit_one_by_one

T = TypeVar("T")
#: How long an inline read may wait on a locked file before it is handed to a worker thread.
INLINE_BUSY_TIMEOUT_MS = 20
#: How often the writer looks at the room left in the data directory.
ROOM_CHECK_INTERVAL_S = 2.0
#: How long the server lets writes nobody waits for (the frame trace, heartbeat times) gather
#: before it commits them without an awaited write: one commit per 50 ms instead of one per
#: scheduler pass in a Heartbeat-only load (docs/PERFORMANCE.md, issue 21).
DETACHED_COMMIT_DELAY_S = 0.05
log = logging.getLogger("capacitor_edge.storage")


class StorageClosed(RuntimeError):
    """A write was submitted after the database was closed."""


class Database:
    """One SQLite file. Start :meth:`run` in a nursery (it applies migrations, then serves
    writes); use :meth:`write` and :meth:`read` from any task; :meth:`close` drains and stops."""

    def __init__(
        self,
        path: Path,
        *,
        readers: int = 4,
        reserve_bytes: int = 0,
        room_check_interval_s: float = ROOM_CHECK_INTERVAL_S,
        now: Callable[[], datetime] | None = None,
        detached_delay_s: float = 0.0,
    ) -> None:
        """``detached_delay_s``: how long writes queued with :meth:`write_nowait` may wait for
        an awaited write to share its commit before they are committed on their own."""
        self.path = path
        self._detached_delay_s = detached_delay_s
        self.health = StorageHealth(now)
        self._reserve = Reserve(path.parent, reserve_bytes)
        self._room_check_interval_s = room_check_interval_s
        self._writer: sqlite3.Connection | None = None
        self._pending: list[Write[Any]] = []
        #: Set by an awaited write (and by close): commit now.
        self._wakeup = trio.Event()
        #: Set by a write nobody waits for: commit within ``detached_delay_s``.
        self._queued = trio.Event()
        self._closing = False
        self._stopped = trio.Event()
        self._readers: list[sqlite3.Connection] = []
        self._reader_lock = threading.Lock()
        self._reader_limit = trio.CapacityLimiter(readers)
        self._inline_reader: sqlite3.Connection | None = None
        self.stats = BatchStats()
        #: The journal's newest committed sequence number (storage/events.py), read on the
        #: writer thread after each commit; waiters on it are woken, not polling.
        self.event_head = 0
        self._committed_head = 0
        self._events_advanced = trio.Event()
        self._committing = False

    # -- lifecycle ---------------------------------------------------------------------------

    async def run(self, *, task_status: trio.TaskStatus[None] = trio.TASK_STATUS_IGNORED) -> None:
        """Open the writer, migrate, then commit batches until :meth:`close` is called."""
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        self._writer = await trio.to_thread.run_sync(self._open_and_migrate)
        self.event_head = self._committed_head = _journal_head(self._writer)
        await self._check_room()
        task_status.started()
        try:
            async with trio.open_nursery() as nursery:
                nursery.start_soon(self._watch_room)
                await self._commit_batches()
                nursery.cancel_scope.cancel()
        finally:
            # Cancelled (or crashed) with writes still queued: fail them rather than leave their
            # callers waiting forever. They were never acknowledged, so nothing is lost.
            for item in self._pending:
                item.error = StorageClosed("database closed before the write ran")
                item.done.set()
            self._pending = []
            writer, self._writer = self._writer, None
            with trio.CancelScope(shield=True):
                await trio.to_thread.run_sync(self._close_connections, writer)
            self._stopped.set()

    async def _commit_batches(self) -> None:
        while True:
            await self._queued.wait()
            if not self._wakeup.is_set() and self._detached_delay_s > 0:
                # Only bookkeeping is waiting: let it gather (an awaited write or close ends
                # the wait at once).
                with trio.move_on_after(self._detached_delay_s):
                    await self._wakeup.wait()
            # Let the tasks that are ready to run take their step first: under load they add
            # their writes to this batch instead of each waiting for a commit of its own (fewer
            # thread hand-offs and fsyncs; one scheduler pass of latency).
            await trio.lowlevel.checkpoint()
            self._wakeup, self._queued = trio.Event(), trio.Event()
            batch, self._pending = self._pending, []
            if batch:
                self._committing = True  # see `writing`
                failure = await trio.to_thread.run_sync(self._commit, batch)
                self._committing = False
                if failure is not None:
                    self.health.failed(failure)
                elif self.health.current.status == "error":
                    # Not for "full": a commit that fits in the WAL's old pages says nothing
                    # about room; the room check decides that.
                    self.health.recovered("a batch of writes was committed")
                for item in batch:
                    item.done.set()
                    if item.error is not None and item.on_failure is not None:
                        item.on_failure()
                self._wake_event_readers()
            if self._closing and not self._pending:
                break

    async def _check_room(self) -> None:
        """Recreate the reserve if it fits; "full" while it does not, ok again once it is back
        with as much again free beside it."""
        present, roomy = await trio.to_thread.run_sync(self._reserve.check)
        if roomy:
            self.health.recovered(f"{describe_room(self.path)}, reserve in place")
        elif not present and self.health.current.status != "error":
            reserve = self._reserve
            self.health.failed(
                StorageFull(
                    f"storage full: {describe_room(self.path)}; the {reserve.size}-byte reserve "
                    f"{reserve.path} is used up and does not fit again"
                )
            )

    async def _watch_room(self) -> None:
        while True:
            await trio.sleep(self._room_check_interval_s)
            if self._reserve.size or not self.health.current.ok:
                await self._check_room()

    def _wake_event_readers(self) -> None:
        if self._committed_head > self.event_head:
            self.event_head = self._committed_head
            advanced, self._events_advanced = self._events_advanced, trio.Event()
            advanced.set()

    @property
    def writing(self) -> bool:  # a write waits or commits: the journal's readers yield to it
        return self._committing or bool(self._pending)

    async def wait_for_events(self, after: int) -> None:
        """Return once the journal holds an event newer than ``after`` (woken by the commit
        that writes it: many readers cost the writer one ``Event.set`` per batch)."""
        while self.event_head <= after:
            await self._events_advanced.wait()

    async def close(self) -> None:
        """Commit everything already submitted, then stop the writer."""
        self._closing = True
        self._wakeup.set()
        self._queued.set()
        await self._stopped.wait()

    def _open_and_migrate(self) -> sqlite3.Connection:
        """Open, checkpoint and migrate; on a full disk, release the reserve and try again,
        and if that is not enough either raise a one-line :class:`StorageFailure`."""
        return self._with_reserve(self._open_once)

    def _open_once(self) -> sqlite3.Connection:
        conn = connect(self.path)
        try:
            # A WAL left behind by a run that could not checkpoint is folded in now, while the
            # reserve is still there to make room for it.
            checkpoint(conn)
            migrate_with_backup(conn, self.path)
        except BaseException:
            conn.close()
            raise
        return conn

    def _with_reserve(self, step: Callable[[], T]) -> T:
        try:
            return step()
        except (sqlite3.Error, OSError) as error:
            failure = as_storage_failure(error, self.path)
            if failure is None:
                raise
            if not self._reserve.release():
                raise failure from error
        try:
            return step()
        except (sqlite3.Error, OSError) as error:
            failure = as_storage_failure(error, self.path)
            if failure is None:
                raise
            raise failure from error

    def _close_connections(self, writer: sqlite3.Connection | None) -> None:
        # Readers first: a TRUNCATE checkpoint can only reset the WAL once no reader uses it.
        inline, self._inline_reader = self._inline_reader, None
        if inline is not None:
            inline.close()
        with self._reader_lock:
            for conn in self._readers:
                conn.close()
            self._readers.clear()
        if writer is None:
            return
        try:
            # Without this a full disk leaves the WAL behind, and the next start fails.
            self._with_reserve(lambda: checkpoint(writer))
        except StorageFailure as failure:
            log.error("cannot checkpoint the WAL at shutdown: %s", failure.message)
        finally:
            writer.close()
        # The next start may need the room: put the reserve back if it fits.
        self._reserve.ensure()

    async def write(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``fn(conn)`` in the next group-commit batch; return its result once committed.

        ``fn`` runs on the writer thread inside a transaction: it must only touch the database.
        If the caller is cancelled while waiting, the write may still be committed.
        """
        if self._closing:
            raise StorageClosed("database is closing")
        if self.health.current.status == "full":
            # Refused before it is tried: what room is left (the released reserve) is kept
            # for the checkpoint at shutdown. The room check lifts this when space returns.
            raise StorageFull(f"storage full: {describe_room(self.path)}")
        fn = with_rider(fn)  # the upstream outbox row, if any (storage/upstream_outbox.py)
        item: Write[T] = Write(fn)
        self._pending.append(item)
        self._wakeup.set()
        self._queued.set()
        await item.done.wait()
        if item.error is not None:
            raise item.error
        result: T = item.result
        return result

    def write_nowait(
        self,
        fn: Callable[[sqlite3.Connection], object],
        *,
        on_failure: Callable[[], None] | None = None,
    ) -> bool:
        """Queue ``fn`` for the next batch without waiting for its commit (for records nobody is
        answered about, such as the frame trace): committed with the next awaited write, or
        after ``detached_delay_s`` at the latest. Dropped (False) if the database is closing or
        the disk is full. ``on_failure`` is called (on the event loop) if its batch fails, which
        may be before ``fn`` ran at all."""
        if self._closing or self.health.current.status == "full":
            return False
        self._pending.append(Write(fn, detached=True, on_failure=on_failure))
        self._queued.set()
        return True

    def _commit(self, batch: list[Write[Any]]) -> StorageFailure | None:
        """Commit ``batch``; the storage failure that hit it, if one did."""
        conn = self._writer
        assert conn is not None
        started = time.perf_counter()
        try:
            # Fast path: the whole batch in one transaction, no per-write savepoints (they
            # cost two statements per write on the hot path and a write almost never fails).
            conn.execute("BEGIN IMMEDIATE")
            for item in batch:
                item.result = item.fn(conn)
            conn.execute("COMMIT")
        except Exception as error:
            roll_back(conn)
            failure = as_storage_failure(error, self.path)
            if failure is None:
                # A write failed: replay the batch with a savepoint per write, so the failing
                # write is reported to its own caller alone and the others still commit.
                # Writes are functions of the database only, so running them again is safe.
                commit_one_by_one(conn, batch, self.path)
            else:
                # The disk failed, not a write: a replay would fail the same way. Nothing of
                # the batch was committed, so every waiter is told and none acknowledged.
                for item in batch:
                    item.result, item.error = None, failure
        # One indexed row per batch (not per write): the wake-up for journal readers. On a
        # failing disk the next batch tries again.
        with contextlib.suppress(sqlite3.Error):
            self._committed_head = _journal_head(conn)
        elapsed = time.perf_counter() - started
        # Histograms are thread-safe; this runs on the writer's worker thread, once per batch.
        metrics.COMMIT_BATCH_WRITES.observe(len(batch))
        metrics.COMMIT_SECONDS.observe(elapsed)
        stats = self.stats
        self.stats = BatchStats(
            batches=stats.batches + 1,
            writes=stats.writes + len(batch),
            largest_batch=max(stats.largest_batch, len(batch)),
            commit_seconds_total=stats.commit_seconds_total + elapsed,
        )
        return next((i.error for i in batch if isinstance(i.error, StorageFailure)), None)

    # -- reads -------------------------------------------------------------------------------

    async def read(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Run ``fn(conn)`` on a read-only connection in a worker thread."""
        return await trio.to_thread.run_sync(self._read, fn, limiter=self._reader_limit)

    async def read_inline(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        """Like :meth:`read`, but run on the caller's (the event loop's) thread. Only for reads
        of a row or two by an indexed key on a hot path: such a query takes ~10-20 us, while
        handing it to a worker thread and back costs the event loop several times that in CPU
        (measured: the connect-time charger lookup was ~8 % of the server's CPU in a
        10,000-charger boot storm). WAL readers do not wait for the writer; if the file is
        locked anyway (a restore, WAL recovery), the read goes to a worker thread instead of
        holding up the loop."""
        conn = self._inline_reader
        if conn is None:
            conn = self._inline_reader = connect(self.path, read_only=True)
            conn.execute(f"PRAGMA busy_timeout = {INLINE_BUSY_TIMEOUT_MS}")
        try:
            return in_snapshot(conn, fn)
        except sqlite3.OperationalError as error:
            if error.sqlite_errorcode not in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
                raise
            return await self.read(fn)

    def _read(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        with self._reader_lock:
            conn = self._readers.pop() if self._readers else None
        if conn is None:
            conn = connect(self.path, read_only=True)
        try:
            return in_snapshot(conn, fn)
        finally:
            with self._reader_lock:
                self._readers.append(conn)


def _journal_head(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'events'").fetchone()
    return 0 if row is None else int(row[0])

"""Heartbeat times are gathered per charger and written once per batch (issue 21): the newest
time wins, never an older one, none is lost while a batch commits, and a full disk does not
stop them for good. Real SQLite files."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
import trio
import trio.testing

from capacitor_edge.storage.chargers import ChargerStore
from capacitor_edge.storage.database import Database
from capacitor_edge.storage.space import StorageFull
from tests.conftest import plain_connection
from tests.test_storage import WriterGate, insert_org

TIMEOUT_S = 20.0
T1, T2, T3 = (f"2026-11-30T02:00:0{n}.000Z" for n in (1, 2, 3))


@asynccontextmanager
async def chargers_on(path: Path) -> AsyncIterator[tuple[Database, ChargerStore, list[int]]]:
    # Detached writes gather until an awaited write (or close) commits them.
    db = Database(path, detached_delay_s=3600.0, room_check_interval_s=3600.0)
    async with trio.open_nursery() as nursery:
        await nursery.start(db.run)
        try:
            store = ChargerStore(db)
            await db.write(insert_org("a"))
            seqs = []
            for name in ("CP-1", "CP-2"):
                record = await store.insert(
                    charger_id=f"chg_{name}",
                    org_id="org_a",
                    charge_box_id=name,
                    name=None,
                    location=None,
                    now=T1,
                )
                seqs.append(record.seq)
            yield db, store, seqs
        finally:
            await db.close()


def last_heartbeats(path: Path) -> dict[str, str | None]:
    conn = plain_connection(path)
    try:
        rows = conn.execute("SELECT charge_box_id, last_heartbeat FROM chargers").fetchall()
        return {row[0]: row[1] for row in rows}
    finally:
        conn.close()


def nothing(conn: sqlite3.Connection) -> None:
    pass


async def test_many_heartbeats_of_a_charger_are_one_write_with_the_newest_time(
    tmp_path: Path,
) -> None:
    path = tmp_path / "db.sqlite"
    with trio.fail_after(TIMEOUT_S):
        async with chargers_on(path) as (db, store, (cp1, cp2)):
            before = db.stats.writes
            for now in (T1, T3, T2):  # an older time noted after a newer one does not win
                store.note_heartbeat(cp1, now)
                store.note_heartbeat(cp2, T1)
            await db.write(nothing)
            assert last_heartbeats(path) == {"CP-1": T3, "CP-2": T1}
            # The awaited write and one flush of both chargers' times, not six writes.
            assert db.stats.writes - before == 2


async def test_heartbeats_noted_while_a_batch_commits_go_in_the_next(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    with trio.fail_after(TIMEOUT_S):
        async with chargers_on(path) as (db, store, (cp1, cp2)):
            gate = WriterGate()
            store.note_heartbeat(cp1, T1)
            async with trio.open_nursery() as nursery:
                nursery.start_soon(db.write, gate)
                await gate.wait_entered()  # the flush of T1 ran before the gate in its batch
                store.note_heartbeat(cp1, T2)
                store.note_heartbeat(cp2, T3)
                gate.release.set()
            await db.write(nothing)
            assert last_heartbeats(path) == {"CP-1": T2, "CP-2": T3}


async def test_heartbeats_are_written_again_after_a_full_disk(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    with trio.fail_after(TIMEOUT_S):
        async with chargers_on(path) as (db, store, (cp1, _)):
            db.health.failed(StorageFull("storage full (test)"))
            store.note_heartbeat(cp1, T1)  # dropped, as every detached write is while full
            db.health.recovered("room again (test)")
            store.note_heartbeat(cp1, T2)
            await db.write(nothing)
            assert last_heartbeats(path)["CP-1"] == T2


async def test_heartbeats_are_written_again_after_a_flush_that_never_ran(tmp_path: Path) -> None:
    """The flush's batch failed before the flush ran (the write lock held by another process
    past the busy timeout): its "queued" flag stayed set and no heartbeat was written again."""
    path = tmp_path / "db.sqlite"
    with trio.fail_after(TIMEOUT_S):
        async with chargers_on(path) as (db, store, (cp1, _)):
            await db.write(lambda c: c.execute("PRAGMA busy_timeout = 50"))
            other = plain_connection(path)
            try:
                other.execute("BEGIN IMMEDIATE")
                store.note_heartbeat(cp1, T2)
                with pytest.raises(sqlite3.OperationalError, match="locked"):
                    await db.write(nothing)  # in the same batch: it failed as a whole
            finally:
                other.close()
            store.note_heartbeat(cp1, T3)
            await db.write(nothing)
            assert last_heartbeats(path)["CP-1"] == T3

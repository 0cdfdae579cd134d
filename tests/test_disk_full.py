"""A full disk, at the storage layer and in what the box says about itself: group commit fails a
batch as a whole and works again later, the WAL is checkpointed at shutdown, the next start on a
still-full disk works and says why, space coming back is noticed without a restart, doctor shows
the room left, and the systemd watchdog is starved only by a failure that began in this run.

Full disks are real: SQLite's ``max_page_count`` (a genuine SQLITE_FULL) and a small tmpfs
(:mod:`tests.support.small_disk`) filled until ENOSPC."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
import trio
import trio.testing

from capacitor_edge.app.compose import build_services
from capacitor_edge.app.doctor import Report, check_room
from capacitor_edge.app.serve import WatchdogPolicy
from capacitor_edge.app.systemd import Notifier
from capacitor_edge.clock import SystemClock
from capacitor_edge.domain.charger_messages import ChargerIdentity
from capacitor_edge.storage.chargers import ChargerStore
from capacitor_edge.storage.database import Database
from capacitor_edge.storage.space import RESERVE_FILE, StorageFull, StorageHealth
from capacitor_edge.storage.traffic import TrafficStore
from tests.conftest import make_settings, plain_connection
from tests.support.small_disk import SmallDisk, small_disk
from tests.test_storage import WriterGate, insert_org, org_names
from tests.test_systemd_notify import datagram_socket

__all__ = ["small_disk"]  # the fixture, used by name

TIMEOUT_S = 20.0
RESERVE = 2 * 1024 * 1024
#: Each row needs a page of its own, so a few of them need the file to grow.
BIG = "x" * 3000


@asynccontextmanager
async def running(db: Database) -> AsyncIterator[Database]:
    async with trio.open_nursery() as nursery:
        await nursery.start(db.run)
        try:
            yield db
        finally:
            await db.close()


async def until_ok(health: StorageHealth) -> None:
    while not health.current.ok:
        await health.wait_changed()


def insert_big(name: str) -> Callable[[sqlite3.Connection], str]:
    return insert_org(name + BIG)


async def test_a_batch_that_hits_sqlite_full_fails_every_waiter_and_a_later_batch_commits(
    tmp_path: Path,
) -> None:
    path = tmp_path / "capacitor.db"
    db = Database(path, room_check_interval_s=0.01)
    with trio.fail_after(TIMEOUT_S):
        async with running(db):
            pages = await db.write(lambda c: c.execute("PRAGMA page_count").fetchone()[0])
            await db.write(lambda c: c.execute(f"PRAGMA max_page_count = {pages}"))
            failures: list[BaseException] = []

            async def one(name: str) -> None:
                try:
                    await db.write(insert_big(name))
                except Exception as error:
                    failures.append(error)

            async with trio.open_nursery() as nursery:
                for i in range(20):
                    nursery.start_soon(one, f"w{i}")
            # Nothing was acknowledged, and every waiter heard why.
            assert len(failures) == 20
            assert all(isinstance(error, StorageFull) for error in failures), failures
            assert org_names(path) == set()
            assert db.health.current.status == "full"
            assert "bytes free" in db.health.current.message

            # The disk has room (only the page limit was hit): the room check lifts "full".
            await until_ok(db.health)
            await db.write(lambda c: c.execute("PRAGMA max_page_count = 1073741823"))
            await db.write(insert_big("later"))
    assert org_names(path) == {"later" + BIG}


async def test_a_full_disk_during_the_replay_of_a_batch_fails_the_whole_batch(
    tmp_path: Path,
) -> None:
    """A write of its own fault makes the batch replay one write at a time; when the disk is
    full during the replay, SQLite rolls the transaction back: every waiter must hear
    StorageFull and nothing be stored (before: "no such savepoint" and a traceback)."""
    path = tmp_path / "capacitor.db"

    def own_fault(conn: sqlite3.Connection) -> None:
        raise LookupError("this write fails by itself")

    outcomes: dict[str, BaseException | str | None] = {}
    gate = WriterGate()
    with trio.fail_after(TIMEOUT_S):
        async with running(Database(path, room_check_interval_s=0.01)) as db:
            pages = await db.write(lambda c: c.execute("PRAGMA page_count").fetchone()[0])
            await db.write(lambda c: c.execute(f"PRAGMA max_page_count = {pages}"))

            async def submit(label: str, fn: Callable[[sqlite3.Connection], str | None]) -> None:
                try:
                    outcomes[label] = await db.write(fn)
                except Exception as error:
                    outcomes[label] = error

            async with trio.open_nursery() as nursery:
                nursery.start_soon(db.write, gate)
                await gate.wait_entered()
                nursery.start_soon(submit, "bad", own_fault)
                for i in range(5):
                    nursery.start_soon(submit, f"w{i}", insert_big(f"w{i}"))
                await trio.testing.wait_all_tasks_blocked()
                gate.release.set()
    assert all(isinstance(outcome, StorageFull) for outcome in outcomes.values()), outcomes
    assert org_names(path) == set()


async def test_full_disk_checkpoint_at_shutdown_start_on_full_disk_and_recovery(
    small_disk: SmallDisk,
) -> None:
    path = small_disk.path / "data" / "capacitor.db"
    wal = path.with_name("capacitor.db-wal")
    reserve = path.with_name(RESERVE_FILE)
    with trio.fail_after(TIMEOUT_S):
        async with running(Database(path, reserve_bytes=RESERVE)) as db:
            assert reserve.stat().st_size == RESERVE
            for i in range(50):
                await db.write(insert_big(f"before{i}"))
            small_disk.fill()
            # The WAL may still have room for a write or two; then the disk is full.
            with pytest.raises(StorageFull) as raised:
                for i in range(1000):
                    await db.write(insert_big(f"during{i}"))
            assert f"data dir {path.parent} has" in raised.value.message
            assert db.health.current.status == "full"
            # While full, writes are refused at once (the reserve's room is kept for shutdown).
            with pytest.raises(StorageFull):
                await db.write(insert_org("refused"))
            acknowledged = org_names(path)
        # Shut down on the full disk: the WAL was folded into the database and removed.
        assert not wal.exists() or wal.stat().st_size == 0
        assert org_names(path) == acknowledged

        small_disk.fill()  # whatever the checkpoint freed is taken again: still full
        db = Database(path, reserve_bytes=RESERVE, room_check_interval_s=0.05)
        async with running(db):
            status = db.health.current
            assert status.status == "full", status
            assert f"data dir {path.parent} has" in status.message
            assert "bytes free" in status.message and "WAL" in status.message
            # Reads work from what is there.
            count = await db.read(lambda c: c.execute("SELECT count(*) FROM organisations"))
            assert count.fetchone()[0] == len(acknowledged)

            small_disk.free_up()
            await until_ok(db.health)  # without a restart
            assert reserve.stat().st_size == RESERVE
            await db.write(insert_org("after"))
        assert "after" in org_names(path)


async def test_a_disk_that_cannot_open_the_database_gives_one_line(small_disk: SmallDisk) -> None:
    """No reserve and no byte free: start-up fails with what is wrong, not a traceback."""
    path = small_disk.path / "data" / "capacitor.db"
    with trio.fail_after(TIMEOUT_S):
        async with running(Database(path)) as db:
            for i in range(50):
                await db.write(insert_big(f"row{i}"))
        small_disk.fill()
        message = r"storage full: data dir .* has 0 bytes free, WAL"
        expected = pytest.RaisesExc(StorageFull, match=message)
        with pytest.RaisesGroup(expected, flatten_subgroups=True):
            async with running(Database(path)):
                pass


def test_doctor_reports_free_space_and_the_wal(small_disk: SmallDisk) -> None:
    settings = make_settings(small_disk.path, storage_reserve_mib="2")
    settings.data_dir.mkdir()
    sqlite3.connect(settings.data_dir / "capacitor.db").close()
    roomy = Report()
    check_room(settings, roomy)
    # 16 MiB with nothing in it: below doctor's 64 MiB comfort line, so a warning.
    assert [level for level, _ in roomy.lines] == ["warn", "ok"], roomy.lines
    assert "MiB free" in roomy.lines[0][1] and "WAL" in roomy.lines[1][1]

    small_disk.fill()
    full = Report()
    check_room(settings, full)
    level, text = full.lines[0]
    assert level == "FAIL" and "0 bytes" in text and "disk is full" in text, full.lines


async def test_watchdog_starves_only_after_the_bound_for_a_failure_of_this_run(
    tmp_path: Path, autojump_clock: trio.testing.MockClock
) -> None:
    """WATCHDOG_USEC=10 s: a ping every 5 s of virtual time; storage fails at t=15 with a bound
    of 60 s: the pings go on until t=70 (failing for 55 s) and stop, and start again once
    storage recovers."""
    path = str(tmp_path / "w.sock")
    health = StorageHealth()
    seen: list[float] = []
    with datagram_socket(path) as sock:
        notifier = Notifier(path, watchdog_usec=10_000_000)
        async with trio.open_nursery() as nursery:
            start = trio.current_time()
            nursery.start_soon(notifier.keep_watchdog_fed, WatchdogPolicy(health, 60.0))
            while len(seen) < 4:
                assert await sock.recv(100) == b"WATCHDOG=1"
                seen.append(trio.current_time() - start)
            health.failed(StorageFull("storage full: test"))
            with trio.move_on_after(1000):
                while True:
                    assert await sock.recv(100) == b"WATCHDOG=1"
                    seen.append(trio.current_time() - start)
            assert seen[-1] == pytest.approx(70.0)
            health.recovered("test")
            assert await sock.recv(100) == b"WATCHDOG=1"
            nursery.cancel_scope.cancel()
        notifier.close()


async def test_watchdog_keeps_being_fed_when_storage_was_failing_at_start(
    tmp_path: Path, autojump_clock: trio.testing.MockClock
) -> None:
    """A restart did not help: another would only drop every charger, so no restart loop."""
    path = str(tmp_path / "w.sock")
    health = StorageHealth()
    health.failed(StorageFull("storage full: test"))
    with datagram_socket(path) as sock:
        notifier = Notifier(path, watchdog_usec=10_000_000)
        async with trio.open_nursery() as nursery:
            nursery.start_soon(notifier.keep_watchdog_fed, WatchdogPolicy(health, 60.0))
            start = trio.current_time()
            while trio.current_time() - start < 300:
                assert await sock.recv(100) == b"WATCHDOG=1"
            nursery.cancel_scope.cancel()
        notifier.close()


async def test_pruning_traces_on_a_full_disk_leaves_the_server_running(tmp_path: Path) -> None:
    """The periodic trace prune met StorageFull and, uncaught, ended the whole server."""
    settings = make_settings(tmp_path)
    db = Database(tmp_path / "capacitor.db")
    with trio.fail_after(TIMEOUT_S):
        async with running(db):
            services = build_services(db, settings, SystemClock())
            messages = services.charger_messages
            charger = ChargerIdentity("CP-1", 1, "org_default")
            messages.trace(charger, "in", '[2,"1","Heartbeat",{}]')
            db.health.failed(StorageFull("storage full: test"))  # as a failed batch does
            await messages.prune_traces(keep=10)  # refused, and no exception


async def test_the_trace_is_written_again_after_a_full_disk(tmp_path: Path) -> None:
    """A trace flush dropped while the disk was full left its "queued" flag set: every later
    frame waited for a flush that never came, so the trace stopped for good (and its frames
    gathered in memory). A real SQLITE_FULL (``max_page_count``), then room again."""
    path = tmp_path / "capacitor.db"
    db = Database(path, room_check_interval_s=0.01)
    at = "2026-11-30T03:00:00.000Z"
    with trio.fail_after(TIMEOUT_S):
        async with running(db):
            await db.write(insert_org("a"))
            charger = await ChargerStore(db).insert(
                charger_id="chg_1",
                org_id="org_a",
                charge_box_id="CP-1",
                name=None,
                location=None,
                now=at,
            )
            traffic = TrafficStore(db)
            pages = await db.write(lambda c: c.execute("PRAGMA page_count").fetchone()[0])
            await db.write(lambda c: c.execute(f"PRAGMA max_page_count = {pages}"))
            with pytest.raises(StorageFull):
                await db.write(insert_big("too-big"))
            assert db.health.current.status == "full"
            traffic.trace(charger.seq, "in", "during", at)  # dropped, as detached writes are

            await until_ok(db.health)  # the disk has room: only the page limit was hit
            await db.write(lambda c: c.execute("PRAGMA max_page_count = 1073741823"))
            traffic.trace(charger.seq, "in", "after", at)
            await db.write(lambda c: None)  # the flush rides along with it
            frames = await traffic.latest_frames(charger.seq, 10)
    assert [frame.frame for frame in frames] == ["after"]


async def test_the_trace_is_written_again_after_a_flush_that_never_ran(tmp_path: Path) -> None:
    """A flush queued into a batch that failed before any write of it ran (here: the write
    lock held by another process past the busy timeout, so BEGIN IMMEDIATE fails, also in
    the replay) kept its "queued" flag set, and the trace stopped for good."""
    path = tmp_path / "capacitor.db"
    db = Database(path, room_check_interval_s=3600.0)
    at = "2026-11-30T03:00:00.000Z"
    with trio.fail_after(TIMEOUT_S):
        async with running(db):
            await db.write(insert_org("a"))
            charger = await ChargerStore(db).insert(
                charger_id="chg_1",
                org_id="org_a",
                charge_box_id="CP-1",
                name=None,
                location=None,
                now=at,
            )
            traffic = TrafficStore(db)
            await db.write(lambda c: c.execute("PRAGMA busy_timeout = 50"))
            other = plain_connection(path)
            try:
                other.execute("BEGIN IMMEDIATE")  # e.g. the CLI, for longer than the timeout
                traffic.trace(charger.seq, "in", "during", at)
                with pytest.raises(sqlite3.OperationalError, match="locked"):
                    await db.write(lambda c: None)  # in the same batch: it failed as a whole
            finally:
                other.close()
            traffic.trace(charger.seq, "in", "after", at)
            await db.write(lambda c: None)  # the flush rides along with it
            frames = await traffic.latest_frames(charger.seq, 10)
    assert [frame.frame for frame in frames] == ["after"]

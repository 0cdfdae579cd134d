"""The SQLite layer on real files: migrations, group commit, isolation of failing writes,
read-only readers, draining on close. Results are checked from a second, plain connection."""

from __future__ import annotations

import sqlite3
import stat
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
import trio
import trio.testing

from capacitor_edge.app.serve import serve
from capacitor_edge.storage.database import Database, StorageClosed
from capacitor_edge.storage.migrations import MIGRATIONS, DatabaseTooNew, apply_migrations
from tests.conftest import make_settings, plain_connection

TIMEOUT_S = 10.0


@asynccontextmanager
async def running_database(path: Path) -> AsyncIterator[Database]:
    """A started :class:`Database` on ``path``, closed (draining its writes) on exit."""
    db = Database(path)
    async with trio.open_nursery() as nursery:
        await nursery.start(db.run)
        try:
            yield db
        finally:
            await db.close()


def insert_org(name: str) -> Callable[[sqlite3.Connection], str]:
    def fn(conn: sqlite3.Connection) -> str:
        conn.execute(
            "INSERT INTO organisations (id, name, created_at) VALUES (?, ?, ?)",
            ("org_" + name, name, "2026-02-06T12:00:00.000Z"),
        )
        return name

    return fn


def org_names(path: Path) -> set[str]:
    conn = plain_connection(path)
    try:
        return {row[0] for row in conn.execute("SELECT name FROM organisations")}
    finally:
        conn.close()


class WriterGate:
    """A write that holds the writer thread until released, so the writes submitted meanwhile
    are all in the next batch (deterministically, without sleeps)."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.release = threading.Event()

    def __call__(self, conn: sqlite3.Connection) -> None:
        self.entered.set()
        if not self.release.wait(TIMEOUT_S):
            raise TimeoutError("gate never released")

    async def wait_entered(self) -> None:
        await trio.to_thread.run_sync(self.entered.wait, TIMEOUT_S)
        assert self.entered.is_set()


async def test_migrations_are_recorded_and_not_rerun(tmp_path: Path) -> None:
    path = tmp_path / "missing" / "dir" / "capacitor.db"
    with trio.fail_after(TIMEOUT_S):
        async with running_database(path):
            pass
    assert path.exists(), "Database.run creates the data dir and the file"

    conn = plain_connection(path)
    try:
        rows = conn.execute(
            "SELECT version, name FROM schema_migrations ORDER BY version"
        ).fetchall()
        assert [(r["version"], r["name"]) for r in rows] == [
            (number, name) for number, (name, _) in enumerate(MIGRATIONS, start=1)
        ]
        assert apply_migrations(conn) == 0
        assert conn.execute("SELECT COUNT(*) FROM schema_migrations").fetchone()[0] == len(
            MIGRATIONS
        )
    finally:
        conn.close()

    # Starting again on the same file applies nothing and keeps the data.
    with trio.fail_after(TIMEOUT_S):
        async with running_database(path) as db:
            await db.write(insert_org("kept"))
        async with running_database(path):
            pass
    assert org_names(path) == {"kept"}


async def test_database_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "capacitor.db"
    conn = sqlite3.connect(path)
    apply_migrations(conn)
    conn.execute(
        "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, 'future', 'x')",
        (len(MIGRATIONS) + 1,),
    )
    conn.commit()
    with pytest.raises(DatabaseTooNew, match=r"newer version") as raised:
        apply_migrations(conn)
    conn.close()
    assert f"schema version {len(MIGRATIONS) + 1}" in str(raised.value)

    db = Database(path)
    with trio.fail_after(TIMEOUT_S), pytest.RaisesGroup(DatabaseTooNew, allow_unwrapped=True):
        async with trio.open_nursery() as nursery:
            await nursery.start(db.run)


async def test_serve_creates_the_data_dir(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    assert not settings.data_dir.exists()
    shutdown = trio.Event()
    with trio.fail_after(TIMEOUT_S):
        async with trio.open_nursery() as nursery:
            await nursery.start(
                lambda task_status: serve(
                    settings, shutdown, announce_key=lambda key, path: None, task_status=task_status
                )
            )
            shutdown.set()
    assert (settings.data_dir / "capacitor.db").is_file()
    assert (settings.data_dir / "initial-api-key").is_file()


async def test_group_commit_batches_concurrent_writes(tmp_path: Path) -> None:
    path = tmp_path / "capacitor.db"
    results: list[str] = []
    with trio.fail_after(TIMEOUT_S):
        async with running_database(path) as db:
            batches_before = db.stats.batches

            async def one(index: int) -> None:
                results.append(await db.write(insert_org(f"org-{index:03d}")))

            async with trio.open_nursery() as nursery:
                for index in range(200):
                    nursery.start_soon(one, index)

            # Every caller was answered, so every write is committed: a second connection sees
            # them while the database is still open.
            assert org_names(path) == {f"org-{index:03d}" for index in range(200)}
            batches = db.stats.batches - batches_before
            assert db.stats.writes >= 200
    assert sorted(results) == [f"org-{index:03d}" for index in range(200)]
    assert batches <= 20, f"200 concurrent writes took {batches} commits: no group commit"


async def test_failing_write_is_rolled_back_alone(tmp_path: Path) -> None:
    path = tmp_path / "capacitor.db"

    def half_then_fail(conn: sqlite3.Connection) -> None:
        insert_org("doomed")(conn)
        raise LookupError("this write fails after writing")

    outcomes: dict[str, object] = {}
    gate = WriterGate()
    with trio.fail_after(TIMEOUT_S):
        async with running_database(path) as db:

            async def submit(label: str, fn: Callable[[sqlite3.Connection], str | None]) -> None:
                try:
                    outcomes[label] = await db.write(fn)
                except Exception as error:
                    outcomes[label] = error

            batches_before = db.stats.batches
            async with trio.open_nursery() as nursery:
                nursery.start_soon(db.write, gate)
                await gate.wait_entered()
                nursery.start_soon(submit, "a", insert_org("a"))
                nursery.start_soon(submit, "bad", half_then_fail)
                nursery.start_soon(submit, "b", insert_org("b"))
                await trio.testing.wait_all_tasks_blocked()
                gate.release.set()
            # The gate's batch, then ONE batch holding the three writes.
            assert db.stats.batches - batches_before == 2
            assert db.stats.largest_batch == 3

    assert outcomes["a"] == "a"
    assert outcomes["b"] == "b"
    assert isinstance(outcomes["bad"], LookupError)
    assert org_names(path) == {"a", "b"}


async def test_readers_are_query_only(tmp_path: Path) -> None:
    path = tmp_path / "capacitor.db"
    with trio.fail_after(TIMEOUT_S):
        async with running_database(path) as db:
            await db.write(insert_org("present"))
            assert await db.read(lambda c: c.execute("SELECT name FROM organisations").fetchall())
            with pytest.raises(sqlite3.OperationalError, match="readonly"):
                await db.read(insert_org("sneaky"))
            # The reader is still usable afterwards.
            names = await db.read(
                lambda c: [r[0] for r in c.execute("SELECT name FROM organisations")]
            )
            assert names == ["present"]
    assert org_names(path) == {"present"}


async def test_close_commits_submitted_writes(tmp_path: Path) -> None:
    path = tmp_path / "capacitor.db"
    db = Database(path)
    gate = WriterGate()
    answered: list[str] = []
    with trio.fail_after(TIMEOUT_S):
        async with trio.open_nursery() as nursery:
            await nursery.start(db.run)

            async def submit(name: str) -> None:
                answered.append(await db.write(insert_org(name)))

            async with trio.open_nursery() as writers:
                writers.start_soon(db.write, gate)
                await gate.wait_entered()
                for index in range(10):
                    writers.start_soon(submit, f"late-{index}")
                await trio.testing.wait_all_tasks_blocked()

                async def close_then_release() -> None:
                    writers.start_soon(db.close)
                    await trio.testing.wait_all_tasks_blocked()
                    gate.release.set()

                await close_then_release()
            with pytest.raises(StorageClosed):
                await db.write(insert_org("too-late"))
    assert sorted(answered) == sorted(f"late-{index}" for index in range(10))
    assert org_names(path) == {f"late-{index}" for index in range(10)}


async def test_a_new_data_dir_is_private(tmp_path: Path) -> None:
    """The database holds key and password hashes: a data dir the box creates is 0700."""
    data_dir = tmp_path / "fresh" / "data"
    db = Database(data_dir / "capacitor.db")
    with trio.fail_after(10):
        async with trio.open_nursery() as nursery:
            await nursery.start(db.run)
            await db.close()
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700


async def test_inline_reads_see_commits_and_go_to_a_thread_when_the_file_is_locked(
    tmp_path: Path,
) -> None:
    """``read_inline`` runs on the event loop's thread; a read that finds the file locked
    (SQLITE_BUSY: hard to cause on purpose in WAL mode, so the query here reports it as SQLite
    would while it is on the loop's thread) is run again on a worker thread instead of holding
    up the loop; any other error is the caller's."""
    path = tmp_path / "capacitor.db"
    with trio.fail_after(TIMEOUT_S):
        async with running_database(path) as db:
            await db.write(insert_org("first"))
            threads: list[str] = []

            def names(conn: sqlite3.Connection) -> set[str]:
                threads.append(threading.current_thread().name)
                return {row[0] for row in conn.execute("SELECT name FROM organisations")}

            assert await db.read_inline(names) == {"first"}
            assert threads == [threading.main_thread().name]

            def busy_on_the_loop(conn: sqlite3.Connection) -> set[str]:
                if threading.current_thread() is threading.main_thread():
                    error = sqlite3.OperationalError("database is locked")
                    error.sqlite_errorcode = sqlite3.SQLITE_BUSY
                    raise error
                return names(conn)

            threads.clear()
            assert await db.read_inline(busy_on_the_loop) == {"first"}
            assert threads and threads[0] != threading.main_thread().name

            def broken(conn: sqlite3.Connection) -> None:
                conn.execute("SELECT * FROM no_such_table")

            with pytest.raises(sqlite3.OperationalError, match="no such table"):
                await db.read_inline(broken)
            # The inline connection is usable after a failed read (its transaction ended).
            assert await db.read_inline(names) == {"first"}

"""Writes nobody waits for (the frame trace, heartbeat times): they wait up to
``detached_delay_s`` for an awaited write to share its commit, then commit on their own, and
closing the database never drops them. Real SQLite files; time on trio's MockClock."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
import trio
import trio.testing

from capacitor_edge.storage.database import Database
from capacitor_edge.storage.events import append_event
from tests.test_storage import insert_org, org_names

TIMEOUT_S = 20.0
DELAY_S = TIMEOUT_S / 2


@pytest.fixture
def clock() -> trio.testing.MockClock:
    """Runs at real speed (so ``fail_after`` bounds each test) and is jumped by hand."""
    return trio.testing.MockClock(rate=1.0)


@asynccontextmanager
async def running_database(path: Path, delay_s: float) -> AsyncIterator[Database]:
    # No periodic room check: on a MockClock its sleeps would be the next deadline to jump to.
    db = Database(path, detached_delay_s=delay_s, room_check_interval_s=3600.0)
    async with trio.open_nursery() as nursery:
        await nursery.start(db.run)
        try:
            yield db
        finally:
            await db.close()


def journal(conn: sqlite3.Connection) -> None:
    """A detached write that also advances the journal, so a test can wait for its commit."""
    append_event(conn, "org_x", "test.event", "2026-02-06T12:00:00.000Z", {})


async def test_a_detached_write_waits_for_an_awaited_one_and_shares_its_commit(
    tmp_path: Path,
) -> None:
    with trio.fail_after(TIMEOUT_S):
        path = tmp_path / "db.sqlite"
        async with running_database(path, delay_s=3600.0) as db:
            db.write_nowait(insert_org("trace"))
            await trio.testing.wait_all_tasks_blocked()
            assert org_names(path) == set()  # gathering: no commit of its own yet
            await db.write(insert_org("answered"))
            assert org_names(path) == {"trace", "answered"}
            assert db.stats.batches == 1


async def test_a_detached_write_alone_is_committed_after_the_delay(
    tmp_path: Path, clock: trio.testing.MockClock
) -> None:
    with trio.fail_after(TIMEOUT_S):
        path = tmp_path / "db.sqlite"
        async with running_database(path, delay_s=DELAY_S) as db:
            head = db.event_head
            db.write_nowait(insert_org("trace"))
            db.write_nowait(journal)
            await trio.testing.wait_all_tasks_blocked()
            assert org_names(path) == set()
            clock.jump(DELAY_S)  # the deadline, not the bound: 10 s on
            await db.wait_for_events(head)
            assert org_names(path) == {"trace"}
            assert db.stats.batches == 1


async def test_closing_commits_detached_writes_still_gathering(tmp_path: Path) -> None:
    with trio.fail_after(TIMEOUT_S):
        path = tmp_path / "db.sqlite"
        async with running_database(path, delay_s=3600.0) as db:
            db.write_nowait(insert_org("trace"))
            await trio.testing.wait_all_tasks_blocked()
        assert org_names(path) == {"trace"}

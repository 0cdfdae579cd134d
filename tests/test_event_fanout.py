"""The live readers' shared tail (domain/event_tail.py, domain/event_feed.py): readers with
different filters and cursors each get exactly their events, in order, from one read of the
journal per page; a reader that falls behind the tail reads the journal alone, without a gap or
a duplicate, and shares the tail again; the ticks space out while the box stays busy (on
``trio.testing.MockClock``)."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest
import trio
import trio.testing

from capacitor_edge.clock import SystemClock, iso_z
from capacitor_edge.domain.event_feed import LOADED_TICK_S, TICK_S, EventFeed
from capacitor_edge.domain.events import Events
from capacitor_edge.domain.idle_turns import (
    FORCED_AFTER_S,
    LOADED_AFTER_S,
    STALE_AFTER_S,
    IdleTurns,
)
from capacitor_edge.storage.database import Database
from capacitor_edge.storage.events import EventStore, append_event, read_events

AT = iso_z(datetime(2026, 2, 6, 12, 0, tzinfo=UTC))
TYPES = ("connector.status_changed", "transaction.started", "charger.connected")
Stream = AsyncGenerator[bytes, None]


def render(seq: int, type_: str, body: str) -> bytes:
    return f"{seq} {type_} {body}\n".encode()


def seqs(chunks: Sequence[bytes]) -> list[int]:
    return [int(line.split(b" ", 1)[0]) for chunk in chunks for line in chunk.splitlines()]


async def open_journal(nursery: trio.Nursery, path: Path) -> tuple[Database, Events]:
    db = Database(path, room_check_interval_s=3600)
    await nursery.start(db.run)
    return db, Events(EventStore(db), SystemClock(), 30, 100_000)


async def write(db: Database, org: str, count: int, first: int = 0) -> None:
    """``count`` events in one commit, cycling through types and chargers."""

    def append(conn: object) -> None:
        for n in range(first, first + count):
            box = f"CP-{n % 3}"
            data = {"chargeBoxId": box, "n": n}
            append_event(conn, org, TYPES[n % len(TYPES)], AT, data, box)  # type: ignore[arg-type]

    await db.write(append)


async def expected(
    db: Database, org: str, after: int, types: Sequence[str] = (), box: str | None = None
) -> list[int]:
    return [e.seq for e in await db.read(lambda c: read_events(c, org, after, 10**6, types, box))]


async def pull_until(stream: Stream, got: list[bytes], count: int) -> None:
    while len(seqs(got)) < count:
        got.append(await stream.__anext__())


def open_stream(
    feed: EventFeed, org: str, after: int, types: Sequence[str] = (), box: str | None = None
) -> Stream:
    # A short keep-alive (an empty chunk): a puller looks at its target at least that often.
    return feed.stream(org, after, types, box, lambda: True, keepalive_s=0.05)


async def test_readers_with_different_filters_and_cursors_get_exactly_their_events(
    nursery: trio.Nursery, tmp_path: Path
) -> None:
    with trio.fail_after(30):
        db, events = await open_journal(nursery, tmp_path / "db.sqlite")
        await write(db, "org", 12)
        await write(db, "other", 5)
        start = events.head
        feed = EventFeed(events, render, batch=100, keepalive=b"")
        readers = {
            "live, all": ("org", start, (), None),
            "replay, one type": ("org", 0, ("connector.status_changed",), None),
            "from seq 5, one charger": ("org", 5, (), "CP-2"),
            "live, two types, one charger": ("org", start, TYPES[1:], "CP-1"),
            "other org, replay": ("other", 0, (), None),
        }
        got: dict[str, list[bytes]] = {name: [] for name in readers}
        targets: dict[str, int] = {}

        async def pull(name: str, stream: Stream) -> None:
            while name not in targets or len(seqs(got[name])) < targets[name]:
                got[name].append(await stream.__anext__())
            await stream.aclose()

        async with trio.open_nursery() as pulling:
            for name, spec in readers.items():
                pulling.start_soon(pull, name, open_stream(feed, *spec))
            while sum(len(tail.readers) for tail in feed.tails.values()) < len(readers):
                await trio.lowlevel.checkpoint()  # every reader has joined its tail
            for batch in range(6):  # live events in several commits, read while they come
                await write(db, "org", 7, first=100 + 7 * batch)
            await write(db, "other", 3, first=100)
            org_tail = feed.tails["org"]
            wanted = {name: await expected(db, *spec) for name, spec in readers.items()}
            targets.update((name, len(seqs_)) for name, seqs_ in wanted.items())
        for name in readers:
            assert seqs(got[name]) == wanted[name], name
        # One read of the journal per page for the organisation's live readers, whatever
        # their number and filters: 6 commits, each read at most once (and one more page for
        # the replaying readers as they join).
        assert 1 <= org_tail.reads <= 7
        assert feed.tails == {}  # a tail goes with its last reader
        await db.close()


async def test_a_reader_that_falls_behind_the_tail_catches_up_without_a_gap(
    nursery: trio.Nursery, tmp_path: Path
) -> None:
    with trio.fail_after(30):
        db, events = await open_journal(nursery, tmp_path / "db.sqlite")
        # A tail of 10 events, pages of 4: the slow reader is left behind quickly.
        feed = EventFeed(events, render, batch=4, keepalive=b"", tail_events=10)
        start = events.head
        fast, slow = open_stream(feed, "org", start), open_stream(feed, "org", start)
        fast_got: list[bytes] = []
        slow_got: list[bytes] = []
        await write(db, "org", 3)
        await pull_until(slow, slow_got, 3)
        # The slow reader stops reading (a socket that does not drain) while 40 events come.
        for batch in range(8):
            await write(db, "org", 5, first=10 + 5 * batch)
            await pull_until(fast, fast_got, 3 + 5 * (batch + 1))
        tail = feed.tails["org"]
        assert tail.low > seqs(slow_got)[-1]  # its next events are no longer in the tail
        await write(db, "org", 2, first=90)
        await pull_until(slow, slow_got, 45)
        await pull_until(fast, fast_got, 45)
        wanted = await expected(db, "org", start)
        assert seqs(slow_got) == wanted == seqs(fast_got)
        # Caught up: both readers are inside the tail again and share its reads.
        assert all(tail.holds(reader.position) for reader in tail.readers)
        reads = tail.reads
        await write(db, "org", 3, first=95)
        await pull_until(slow, slow_got, 48)
        await pull_until(fast, fast_got, 48)
        assert tail.reads == reads + 1
        assert seqs(slow_got) == seqs(fast_got) == await expected(db, "org", start)
        await slow.aclose()
        await fast.aclose()
        await db.close()


class Writing:
    def __init__(self) -> None:
        self.now = False

    def __call__(self) -> bool:
        return self.now


async def test_the_ticks_space_out_while_the_box_stays_busy(
    mock_clock: trio.testing.MockClock, tmp_path: Path
) -> None:
    mock_clock.autojump_threshold = 0
    writing = Writing()
    turns = IdleTurns(writing)
    events = Events(EventStore(Database(tmp_path / "db.sqlite")), SystemClock(), 30, 10, turns)
    feed = EventFeed(events, render, batch=10, keepalive=b"")
    with trio.fail_after(60):
        await turns.turn()
        assert feed.interval() == TICK_S  # idle: live events go out within a tick
        writing.now = True  # the chargers' writes never let up
        started = trio.current_time()
        while trio.current_time() - started < FORCED_AFTER_S + LOADED_AFTER_S:
            assert feed.interval() == TICK_S
            await turns.turn()  # each forced after the bound
            await feed.next_tick()
        assert feed.interval() == LOADED_TICK_S
        before = trio.current_time()
        await feed.next_tick()
        # On the shared grid: every reader wakes at the same tick.
        assert trio.current_time() % LOADED_TICK_S == pytest.approx(0, abs=1e-9)
        assert 0 < trio.current_time() - before <= LOADED_TICK_S
        # What the turns found is forgotten when none was asked for a while ...
        await trio.sleep(STALE_AFTER_S + 0.01)
        assert feed.interval() == TICK_S
        await turns.turn()
        assert feed.interval() == LOADED_TICK_S  # ... and still busy: spaced again
        writing.now = False  # the load stops: the next turn finds the box idle
        await turns.turn()
        assert feed.interval() == TICK_S


async def test_a_cursor_beyond_the_journal_leaves_the_tail_to_the_others(
    nursery: trio.Nursery, tmp_path: Path
) -> None:
    with trio.fail_after(30):
        db, events = await open_journal(nursery, tmp_path / "db.sqlite")
        await write(db, "org", 3)
        feed = EventFeed(events, render, batch=100, keepalive=b"")
        ahead = open_stream(feed, "org", events.head + 1000)  # a Last-Event-ID from elsewhere
        assert await ahead.__anext__() == b""  # nothing for it: a keep-alive
        await write(db, "org", 1, first=5)
        for _ in range(2):  # it looks at the journal again (alone in the tail) after each
            assert await ahead.__anext__() == b""
        start = events.head
        live, got = open_stream(feed, "org", start), list[bytes]()
        await write(db, "org", 2, first=10)
        await pull_until(live, got, 2)
        assert seqs(got) == await expected(db, "org", start)
        assert feed.tails["org"].low <= start  # the live reader read from the tail
        await live.aclose()
        await ahead.aclose()
        await db.close()

"""Timing of a charger session on trio's MockClock: stale links reaped, pings keeping a link
alive, CSMS call timeouts. The link is an in-memory stream pair carrying a real WebSocket; the
database is a real SQLite file."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import trio
import trio.testing
from trio_websocket import (
    ConnectionClosed,
    WebSocketConnection,
    wrap_client_stream,
)

from capacitor_edge.app.compose import build_services
from capacitor_edge.clock import SystemClock
from capacitor_edge.domain.charger_messages import ChargerIdentity
from capacitor_edge.domain.errors import ChargerConnectionLost, ChargerTimeout, ChargerUnavailable
from capacitor_edge.protocol import ALL_ACTIONS, OcppSession, SchemaRegistry
from capacitor_edge.storage.chargers import ChargerStore
from capacitor_edge.storage.database import Database
from capacitor_edge.storage.keys import KeyStore
from capacitor_edge.transport.connection import ChargerConnection, LinkTimings
from capacitor_edge.transport.keeper import LinkKeeper, tick_for
from capacitor_edge.transport.websocket import read_upgrade_request
from tests.conftest import make_settings

SCHEMAS = SchemaRegistry(ALL_ACTIONS)


@pytest.fixture
def clock() -> trio.testing.MockClock:
    """Virtual time that jumps only after 20 ms of real idleness: the database's writer thread
    makes every task wait without being "idle", and an instant jump would fire the session's
    timers in the middle of a commit."""
    return trio.testing.MockClock(autojump_threshold=0.02)


STALE_AFTER = 300 * 2 + 60


@dataclass
class Link:
    connection: ChargerConnection
    charger: WebSocketConnection
    ended: trio.Event


@asynccontextmanager
async def session(tmp_path: Path, timings: LinkTimings) -> AsyncIterator[Link]:
    db = Database(tmp_path / "capacitor.db")
    async with trio.open_nursery() as nursery:
        await nursery.start(db.run)
        clock = SystemClock()
        org = await KeyStore(db).ensure_organisation("org_1", "default", "2026-01-01T00:00:00.000Z")
        store = ChargerStore(db)
        record = await store.insert(
            charger_id="chg_1",
            org_id=org.id,
            charge_box_id="CP-1",
            name=None,
            location=None,
            now="2026-01-01T00:00:00.000Z",
        )
        services = build_services(db, make_settings(tmp_path), clock)
        messages = services.charger_messages
        client_stream, server_stream = trio.testing.memory_stream_pair()
        client_ws: list[WebSocketConnection] = []
        client_open = trio.Event()

        async def open_client() -> None:
            client_ws.append(
                # trio_websocket annotates only socket streams; it runs on any trio Stream.
                await wrap_client_stream(
                    nursery,
                    client_stream,  # type: ignore[arg-type]
                    "test",
                    "/ocpp/CP-1",
                    subprotocols=["ocpp1.6"],
                )
            )
            client_open.set()

        nursery.start_soon(open_client)
        request = await read_upgrade_request(server_stream, max_message_bytes=65536)
        ws = await request.accept("ocpp1.6")
        await client_open.wait()
        identity = ChargerIdentity("CP-1", record.seq, org.id)
        connection = ChargerConnection(
            ws, identity, OcppSession(SCHEMAS, frozenset(messages.handlers)), messages, timings
        )
        ended = trio.Event()
        keeper = LinkKeeper(timings)
        await nursery.start(keeper.run)
        keeper.add(connection)

        async def run() -> None:
            await connection.run()
            ended.set()

        nursery.start_soon(run)
        yield Link(connection, client_ws[0], ended)
        connection.close(1000, "test over")
        await ended.wait()
        await db.close()
        nursery.cancel_scope.cancel()


async def closed_code(ws: WebSocketConnection) -> int:
    with pytest.raises(ConnectionClosed):
        while True:
            await ws.get_message()
    assert ws.closed is not None
    return ws.closed.code


async def test_a_silent_session_is_reaped(tmp_path: Path, clock: trio.testing.MockClock) -> None:
    timings = LinkTimings(call_timeout_s=30, stale_after_s=STALE_AFTER, ping_interval_s=0)
    # Bounded after set-up: the database's first open must not look like idle time.
    async with session(tmp_path, timings) as link:
        with trio.fail_after(STALE_AFTER * 3):
            started = trio.current_time()
            assert await closed_code(link.charger) == 1001
            await link.ended.wait()
            # The keeper closes a silent link within one of its ticks after the deadline.
            assert STALE_AFTER <= trio.current_time() - started <= STALE_AFTER + tick_for(timings)


async def test_messages_keep_a_session_alive(tmp_path: Path, clock: trio.testing.MockClock) -> None:
    timings = LinkTimings(call_timeout_s=30, stale_after_s=STALE_AFTER, ping_interval_s=0)
    # Bounded after set-up: the database's first open must not look like idle time.
    async with session(tmp_path, timings) as link:
        with trio.fail_after(STALE_AFTER * 10):
            for number in range(4):
                await trio.sleep(STALE_AFTER - 60)
                await link.charger.send_message(json.dumps([2, str(number), "Heartbeat", {}]))
                assert json.loads(await link.charger.get_message())[0] == 3
            last = trio.current_time()
            assert not link.ended.is_set()
            assert await closed_code(link.charger) == 1001
            assert STALE_AFTER <= trio.current_time() - last <= STALE_AFTER + tick_for(timings)


async def test_answered_pings_keep_a_silent_charger_alive(
    tmp_path: Path, clock: trio.testing.MockClock
) -> None:
    """The charger sends no OCPP message, but its WebSocket library answers our pings."""
    timings = LinkTimings(call_timeout_s=30, stale_after_s=STALE_AFTER, ping_interval_s=60)
    # Bounded after set-up: the database's first open must not look like idle time.
    async with session(tmp_path, timings) as link:
        with trio.fail_after(STALE_AFTER * 10):

            async def read_forever() -> None:  # lets the client library answer pings
                with pytest.raises(ConnectionClosed):
                    await link.charger.get_message()

            async with trio.open_nursery() as reader:
                reader.start_soon(read_forever)
                await trio.sleep(STALE_AFTER * 2)
                assert not link.ended.is_set()
                reader.cancel_scope.cancel()


async def test_a_csms_call_times_out_and_the_next_one_works(
    tmp_path: Path, clock: trio.testing.MockClock
) -> None:
    timings = LinkTimings(call_timeout_s=30, stale_after_s=STALE_AFTER, ping_interval_s=0)
    # Bounded after set-up: the database's first open must not look like idle time.
    async with session(tmp_path, timings) as link:
        with trio.fail_after(STALE_AFTER):
            started = trio.current_time()
            with pytest.raises(ChargerTimeout):
                await link.connection.call("TriggerMessage", {"requestedMessage": "Heartbeat"})
            assert trio.current_time() - started == pytest.approx(30, abs=0.5)
            ignored = json.loads(await link.charger.get_message())
            # The late answer is dropped, never handed to the next call.
            await link.charger.send_message(json.dumps([3, ignored[1], {"status": "Rejected"}]))

            async def answer_next() -> None:
                frame = json.loads(await link.charger.get_message())
                assert frame[1] != ignored[1]
                await link.charger.send_message(json.dumps([3, frame[1], {"status": "Accepted"}]))

            async with trio.open_nursery() as charger:
                charger.start_soon(answer_next)
                result = await link.connection.call(
                    "TriggerMessage", {"requestedMessage": "StatusNotification"}
                )
            assert result == {"status": "Accepted"}


async def test_a_call_fails_fast_when_the_charger_goes_away(
    tmp_path: Path, clock: trio.testing.MockClock
) -> None:
    timings = LinkTimings(call_timeout_s=30, stale_after_s=STALE_AFTER, ping_interval_s=0)
    # Bounded after set-up: the database's first open must not look like idle time.
    async with session(tmp_path, timings) as link:
        with trio.fail_after(STALE_AFTER):

            async def hang_up() -> None:
                await link.charger.get_message()
                await link.charger.aclose()

            async with trio.open_nursery() as charger:
                charger.start_soon(hang_up)
                started = trio.current_time()
                # Sent, then the charger went away: "lost", not "not connected" (it may have
                # acted on it), and at once, not after the 30 s call timeout (virtual time).
                with pytest.raises(ChargerConnectionLost):
                    await link.connection.call("TriggerMessage", {"requestedMessage": "Heartbeat"})
                assert trio.current_time() - started < 30
            with pytest.raises(ChargerUnavailable):
                await link.connection.call("TriggerMessage", {"requestedMessage": "Heartbeat"})

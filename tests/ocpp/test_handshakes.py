"""Connections that never finish their handshake (issue 12, memory): closed at the handshake
deadline and recorded, and a flood of them cannot keep a charger out. Real sockets on
127.0.0.1; the deadline on trio's MockClock."""

from __future__ import annotations

import gc
import sqlite3
import ssl
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import trio
import trio.testing
from trio_websocket import ConnectionRejected
from websockets.server import ServerProtocol

from capacitor_edge.app.compose import build_services
from capacitor_edge.clock import SystemClock
from capacitor_edge.storage.database import Database
from capacitor_edge.transport.server import serve_ocpp
from tests.conftest import (
    Appliance,
    make_settings,
    plain_connection,
    start_appliance,
    stop_appliance,
)
from tests.ocpp.helpers import call, charger_socket, register
from tests.support.secure import client_context, make_site, open_charger, tls_settings


@dataclass
class Listener:
    host: str
    port: int
    database: Path


@asynccontextmanager
async def ocpp_listener(tmp_path: Path, **settings: Any) -> AsyncIterator[Listener]:
    """The OCPP listener alone (no REST server, whose timers would race the mock clock) over
    a real database, on a loopback port."""
    path = tmp_path / "capacitor.db"
    db = Database(path)
    async with trio.open_nursery() as nursery:
        await nursery.start(db.run)
        services = build_services(db, make_settings(tmp_path, **settings), SystemClock())
        shutdown = trio.Event()
        url: str = await nursery.start(serve_ocpp, services, shutdown)
        host, port = url.removeprefix("ws://").rsplit(":", 1)
        yield Listener(host, int(port), path)
        shutdown.set()
        await db.close()
        nursery.cancel_scope.cancel()


def recorded_reasons(database: Path) -> list[str]:
    conn = plain_connection(database)
    try:
        return [row["reason"] for row in conn.execute("SELECT reason FROM connection_attempts")]
    except sqlite3.OperationalError:
        return []
    finally:
        conn.close()


async def closed_by_server(stream: trio.SocketStream) -> None:
    """Return once the server has closed ``stream`` (EOF or reset)."""
    try:
        while await stream.receive_some(1024):
            pass
    except trio.BrokenResourceError:
        pass


@pytest.fixture
def clock() -> trio.testing.MockClock:
    """Virtual time that jumps once every task has waited 20 ms of real time (the database's
    writer thread keeps tasks waiting without being idle)."""
    return trio.testing.MockClock(autojump_threshold=0.02)


@pytest.mark.parametrize(
    ("settings", "sent", "deadline_s"),
    [
        ({}, b"", 10.0),  # the default deadline, a socket that sends nothing
        ({"handshake_timeout_s": "3"}, b"GET /ocpp/CP-1 HTTP/1.1\r\nHost: x\r\n", 3.0),
    ],
    ids=["silent", "partial-request"],
)
async def test_a_socket_that_never_finishes_its_handshake_is_closed_at_the_deadline(
    tmp_path: Path,
    clock: trio.testing.MockClock,
    settings: dict[str, str],
    sent: bytes,
    deadline_s: float,
) -> None:
    # Bounded after set-up: the database's first open must not look like idle time.
    async with ocpp_listener(tmp_path, **settings) as listener:
        with trio.fail_after(deadline_s * 10):
            stream = await trio.open_tcp_stream(listener.host, listener.port)
            opened = trio.current_time()
            if sent:
                await stream.send_all(sent)
            await closed_by_server(stream)
            waited = trio.current_time() - opened
            assert deadline_s <= waited < deadline_s + 1, waited
            reason = f"no TLS handshake and WebSocket upgrade within {deadline_s:g} s"
            # Polled (virtual time): the attempt commits in the writer's next batch.
            while True:
                if reason in recorded_reasons(listener.database):
                    break
                await trio.sleep(0.1)
            await stream.aclose()


async def open_flood(appliance: Appliance, count: int) -> list[trio.SocketStream]:
    """``count`` TCP connections to the OCPP port that send nothing, one after the other."""
    host, port = appliance.endpoints.ocpp_url.removeprefix("ws://").rsplit(":", 1)
    return [await trio.open_tcp_stream(host, int(port)) for _ in range(count)]


@pytest.mark.parametrize(
    ("settings", "flood", "closed"),
    [
        # Past max_pending_handshakes: the oldest handshakes are closed to make room.
        ({"max_pending_handshakes": "4", "handshake_timeout_s": "600"}, 20, 16),
        # Past max_connections: silent sockets give their slots to the charger.
        ({"max_connections": "3", "handshake_timeout_s": "600"}, 10, 7),
    ],
    ids=["handshake-cap", "connection-cap"],
)
async def test_a_flood_of_half_open_sockets_does_not_keep_a_charger_out(
    nursery: trio.Nursery, tmp_path: Path, settings: dict[str, str], flood: int, closed: int
) -> None:
    running = await start_appliance(nursery, make_settings(tmp_path, **settings))
    try:
        # Below the default handshake deadline (10 s): the charger must get in while the
        # flood is still there, not once it has timed out.
        with trio.fail_after(8):
            async with running.client() as api:
                await register(api, "CP-1")
            silent = await open_flood(running, flood)
            done = trio.Semaphore(0)

            async def watch(stream: trio.SocketStream) -> None:
                await closed_by_server(stream)
                done.release()

            async with trio.open_nursery() as watchers:
                for stream in silent:
                    watchers.start_soon(watch, stream)
                for _ in range(closed):  # the oldest were closed to make room
                    await done.acquire()
                async with charger_socket(running, "CP-1") as ws:
                    assert (await call(ws, "Heartbeat", {}))[0] == 3
                watchers.cancel_scope.cancel()
            for stream in silent:
                await stream.aclose()
    finally:
        await stop_appliance(running)


def live_protocols() -> int:
    return sum(isinstance(o, ServerProtocol) for o in gc.get_objects())


async def test_ended_connections_leave_no_reference_cycles(appliance: Appliance) -> None:
    """With the cyclic collector off (as good as off on an idle server: ``gc.freeze`` and rare
    collections), each ended connection's WebSocket protocol, its buffers and its request must
    be freed by reference counting alone: a session, a refusal, and a socket that hung up."""
    host, port = appliance.endpoints.ocpp_url.removeprefix("ws://").rsplit(":", 1)
    async with appliance.client() as api:
        await register(api, "CP-1")
    gc.collect()
    gc.disable()
    try:
        with trio.fail_after(10):
            for _ in range(3):
                async with charger_socket(appliance, "CP-1") as ws:
                    assert (await call(ws, "Heartbeat", {}))[0] == 3
                with pytest.raises(ConnectionRejected):
                    async with charger_socket(appliance, "NOBODY"):
                        pass
                hung_up = await trio.open_tcp_stream(host, int(port))
                await hung_up.send_all(b"GET /ocpp/CP-1 HTTP/1.1\r\n")
                await hung_up.aclose()
            # Polled: the server ends each connection's task shortly after the client has gone.
            while True:
                if not live_protocols():
                    break
                await trio.sleep(0.05)
    finally:
        gc.enable()


def live_server_tls() -> int:
    return sum(isinstance(o, ssl.SSLObject) and o.server_side for o in gc.get_objects())


async def test_ended_tls_connections_leave_no_reference_cycles(
    nursery: trio.Nursery, tmp_path: Path
) -> None:
    """Likewise on the TLS port, where each connection's OpenSSL object holds ~60 KiB while
    its handshake is under way: a session, a failed handshake, half a ClientHello."""
    site = make_site(tmp_path / "kit")
    running = await start_appliance(
        nursery, make_settings(tmp_path, **tls_settings(site, client_ca=False))
    )
    host, port = running.endpoints.ocpp_url.removeprefix("wss://").rsplit(":", 1)
    try:
        async with running.client() as api:
            await register(api, "CP-1")
        gc.collect()
        gc.disable()
        with trio.fail_after(10):
            for _ in range(3):
                url = running.endpoints.ocpp_url
                async with open_charger(url, "CP-1", ssl_context=client_context(site)) as ws:
                    assert (await call(ws, "Heartbeat", {}))[0] == 3
                garbage = await trio.open_tcp_stream(host, int(port))
                await garbage.send_all(b"GET / HTTP/1.1\r\n\r\n")  # not TLS: fails at once
                await closed_by_server(garbage)
                await garbage.aclose()
                hung_up = await trio.open_tcp_stream(host, int(port))
                await hung_up.send_all(b"\x16\x03\x01\x02\x00\x01")  # half a ClientHello
                await hung_up.aclose()
            # Polled: the server ends each connection's task shortly after the client has gone.
            while True:
                if not live_server_tls():
                    break
                await trio.sleep(0.05)
    finally:
        gc.enable()
        await stop_appliance(running)

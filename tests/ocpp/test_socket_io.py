"""Direct reads and writes of a plain socket (capacitor_edge.transport.socket_io) on a real
TCP connection over 127.0.0.1: what trio's ``SocketStream`` would do, in fewer steps."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
import trio
import trio.lowlevel
import trio.testing

from capacitor_edge.transport.socket_io import SocketIO

TIMEOUT_S = 10.0


@asynccontextmanager
async def connected() -> AsyncIterator[tuple[trio.SocketStream, trio.SocketStream]]:
    """Both ends of one TCP connection on 127.0.0.1."""
    listeners = await trio.open_tcp_listeners(0, host="127.0.0.1")
    port = listeners[0].socket.getsockname()[1]
    async with trio.open_nursery() as nursery:
        client = await trio.open_tcp_stream("127.0.0.1", port)
        server = await listeners[0].accept()
        nursery.cancel_scope.cancel()
    try:
        yield server, client
    finally:
        await server.aclose()
        await client.aclose()
        await listeners[0].aclose()


async def test_a_send_larger_than_the_socket_buffer_arrives_whole_and_in_order() -> None:
    with trio.fail_after(TIMEOUT_S):
        async with connected() as (server, client):
            data = bytes(range(256)) * 40_000  # ~10 MB: the kernel takes it in parts
            received = bytearray()

            async def read_all() -> None:
                while len(received) < len(data):
                    received.extend(await client.receive_some(1 << 20))

            async with trio.open_nursery() as nursery:
                nursery.start_soon(read_all)
                await SocketIO(server).send_all(data)
            assert received == data


async def test_reads_what_came_then_the_end_of_the_stream() -> None:
    with trio.fail_after(TIMEOUT_S):
        async with connected() as (server, client):
            io = SocketIO(server)
            await client.send_all(b"frame")
            assert await io.receive_some(65536) == b"frame"
            await client.aclose()
            assert await io.receive_some(65536) == b""


async def test_a_read_waiting_when_the_owner_closes_the_stream_ends_empty() -> None:
    with trio.fail_after(TIMEOUT_S):
        async with connected() as (server, _client):
            io = SocketIO(server)
            got: list[bytes | bytearray] = []

            async def read() -> None:
                got.append(await io.receive_some(65536))

            async with trio.open_nursery() as nursery:
                nursery.start_soon(read)
                await trio.testing.wait_all_tasks_blocked()
                await server.aclose()
            assert got == [b""]


async def test_sending_to_a_closed_stream_or_a_gone_peer_fails_as_the_stream_would() -> None:
    with trio.fail_after(TIMEOUT_S):
        async with connected() as (server, client):
            io = SocketIO(server)
            client.socket.setsockopt(
                trio.socket.SOL_SOCKET, trio.socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"
            )
            await client.aclose()  # linger 0: the peer resets the connection
            with pytest.raises(trio.BrokenResourceError):
                for _ in range(100):  # the reset arrives after the first send at the latest
                    await io.send_all(b"x" * 1000)
                    await trio.lowlevel.checkpoint()
            await server.aclose()
            with pytest.raises(trio.ClosedResourceError):
                await io.send_all(b"late")

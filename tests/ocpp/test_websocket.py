"""The WebSocket layer on its own (capacitor_edge.transport.websocket): RFC 6455 details that the
listener tests do not reach. The server side runs on one end of an in-memory stream pair; the
client is the ``websockets`` package's sans-IO ``ClientProtocol``, so each frame is exactly the
one the test makes (fragments, bad UTF-8, pings)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import pytest
import trio
import trio.testing
from websockets.client import ClientProtocol
from websockets.frames import Frame, Opcode
from websockets.http11 import Response
from websockets.typing import Subprotocol
from websockets.uri import parse_uri

from capacitor_edge.transport.websocket import (
    ConnectionClosed,
    HandshakeFailed,
    WebSocket,
    read_upgrade_request,
)

LIMIT = 1000


@dataclass
class Client:
    protocol: ClientProtocol
    stream: trio.abc.Stream

    async def flush(self) -> None:
        data = b"".join(self.protocol.data_to_send())
        if data:
            await self.stream.send_all(data)

    async def next_event(self) -> Frame | Response:
        while True:
            events = self.protocol.events_received()
            if events:
                event = events[0]
                # Keep the rest for the next call.
                self.protocol.events[:0] = events[1:]
                assert isinstance(event, Frame | Response)
                return event
            data = await self.stream.receive_some(65536)
            if data:
                self.protocol.receive_data(data)
            else:
                self.protocol.receive_eof()
                if not self.protocol.events:
                    raise EOFError


@asynccontextmanager
async def opened(subprotocols: list[str] | None = None) -> AsyncIterator[tuple[WebSocket, Client]]:
    client_stream, server_stream = trio.testing.memory_stream_pair()
    protocol = ClientProtocol(
        parse_uri("ws://127.0.0.1/ocpp/CP-1"),
        subprotocols=None if subprotocols is None else [Subprotocol(s) for s in subprotocols],
    )
    client = Client(protocol, client_stream)
    protocol.send_request(protocol.connect())
    await client.flush()
    request = await read_upgrade_request(server_stream, max_message_bytes=LIMIT)
    assert request.path == "/ocpp/CP-1"
    assert request.proposed_subprotocols == (subprotocols or [])
    ws = await request.accept("ocpp1.6" if subprotocols else None)
    response = await client.next_event()
    assert isinstance(response, Response) and response.status_code == 101
    yield ws, client


async def test_fragments_make_one_message_and_binary_stays_bytes() -> None:
    with trio.fail_after(5):
        async with opened(["ocpp1.6"]) as (ws, client):
            client.protocol.send_text(b'[2,"1","He', fin=False)
            client.protocol.send_continuation("artbeat\u00e9".encode()[:-1], fin=False)
            client.protocol.send_continuation("\u00e9".encode()[-1:] + b'",{}]', fin=True)
            client.protocol.send_binary(b"\x00raw")
            await client.flush()
            assert await ws.get_message() == '[2,"1","Heartbeat\u00e9",{}]'
            assert await ws.get_message() == b"\x00raw"


async def test_text_that_is_not_utf8_fails_the_connection_with_1007() -> None:
    with trio.fail_after(5):
        async with opened(["ocpp1.6"]) as (ws, client):
            client.protocol.send_text(b'[2,"1","Heartbeat",{}]')
            client.protocol.send_text(b"\xff\xfe")
            client.protocol.send_text(b'[2,"2","Heartbeat",{}]')  # after the failure: ignored
            await client.flush()
            assert await ws.get_message() == '[2,"1","Heartbeat",{}]'
            with pytest.raises(ConnectionClosed) as closed:
                await ws.get_message()
            assert closed.value.code == 1007
            close = await client.next_event()
            assert isinstance(close, Frame) and close.opcode is Opcode.CLOSE
            assert int.from_bytes(close.data[:2], "big") == 1007


async def test_a_message_over_the_limit_fails_with_1009_even_in_fragments() -> None:
    with trio.fail_after(5):
        async with opened(["ocpp1.6"]) as (ws, client):
            client.protocol.send_text(b"x" * (LIMIT // 2), fin=False)
            client.protocol.send_continuation(b"x" * (LIMIT // 2 + 1), fin=True)
            await client.flush()
            with pytest.raises(ConnectionClosed) as closed:
                await ws.get_message()
            assert closed.value.code == 1009


async def test_pings_both_ways() -> None:
    with trio.fail_after(5):
        async with opened(["ocpp1.6"]) as (ws, client):
            client.protocol.send_ping(b"hello")
            client.protocol.send_text(b"after the ping")
            await client.flush()
            assert await ws.get_message() == "after the ping"
            pong = await client.next_event()
            assert isinstance(pong, Frame) and pong.opcode is Opcode.PONG
            assert pong.data == b"hello"

            async with trio.open_nursery() as nursery:
                pinged = trio.Event()

                async def ping() -> None:
                    await ws.ping()
                    pinged.set()

                nursery.start_soon(ping)
                ping_frame = await client.next_event()
                assert isinstance(ping_frame, Frame) and ping_frame.opcode is Opcode.PING
                await client.flush()  # the client protocol queued the pong itself
                client.protocol.send_text(b"carries the pong along")
                await client.flush()
                # The pong is seen by the task that reads, as in a charger's session.
                assert await ws.get_message() == "carries the pong along"
                await pinged.wait()


async def test_closing_handshake_from_either_side() -> None:
    with trio.fail_after(5):
        async with opened(["ocpp1.6"]) as (ws, client):
            client.protocol.send_close(4000, "bye")
            await client.flush()
            with pytest.raises(ConnectionClosed) as closed:
                await ws.get_message()
            assert (closed.value.code, closed.value.reason) == (4000, "bye")
            answer = await client.next_event()
            assert isinstance(answer, Frame) and answer.opcode is Opcode.CLOSE
            with pytest.raises(ConnectionClosed):
                await ws.send_message("too late")

        async with opened(["ocpp1.6"]) as (ws, client):
            async with trio.open_nursery() as nursery:
                nursery.start_soon(ws.aclose, 1001, "going away")
                close = await client.next_event()
                assert isinstance(close, Frame) and close.opcode is Opcode.CLOSE
                await client.flush()  # the client's answering close frame
            assert ws.closed is not None and ws.closed.code == 1001


async def test_no_subprotocol_and_a_refusal_with_headers() -> None:
    with trio.fail_after(5):
        async with opened(None) as (ws, client):
            assert client.protocol.subprotocol is None
            await ws.send_message("hi")
            frame = await client.next_event()
            assert isinstance(frame, Frame) and frame.data == b"hi"

        client_stream, server_stream = trio.testing.memory_stream_pair()
        protocol = ClientProtocol(parse_uri("ws://127.0.0.1/ocpp/CP-1"))
        client = Client(protocol, client_stream)
        protocol.send_request(protocol.connect())
        await client.flush()
        request = await read_upgrade_request(server_stream, max_message_bytes=LIMIT)
        await request.reject(401, b"no", [(b"WWW-Authenticate", b'Basic realm="x"')])
        response = await client.next_event()
        assert isinstance(response, Response)
        assert response.status_code == 401 and response.body == b"no"
        assert response.headers["WWW-Authenticate"] == 'Basic realm="x"'


async def test_requests_that_are_no_upgrade() -> None:
    with trio.fail_after(5):
        client_stream, server_stream = trio.testing.memory_stream_pair()
        await client_stream.send_all(
            b"GET /ocpp/CP-1 HTTP/1.1\r\nHost: x\r\nauthorization: Basic abc\r\n\r\n"
        )
        request = await read_upgrade_request(server_stream, max_message_bytes=LIMIT)
        assert request.authorization == "Basic abc"  # header names are case-insensitive
        with pytest.raises(HandshakeFailed):
            await request.accept("ocpp1.6")
        answer = await client_stream.receive_some(65536)
        assert answer.startswith(b"HTTP/1.1 426 ")

        client_stream, server_stream = trio.testing.memory_stream_pair()
        await client_stream.send_all(b"\x16\x03\x01 this is TLS on the plain port\r\n\r\n")
        with pytest.raises(HandshakeFailed):
            await read_upgrade_request(server_stream, max_message_bytes=LIMIT)

        client_stream, server_stream = trio.testing.memory_stream_pair()
        await client_stream.aclose()
        with pytest.raises(HandshakeFailed):
            await read_upgrade_request(server_stream, max_message_bytes=LIMIT)


async def test_messages_sent_just_before_a_close_frame_are_delivered() -> None:
    with trio.fail_after(5):
        async with opened(["ocpp1.6"]) as (ws, client):
            client.protocol.send_text(b"one")
            client.protocol.send_text(b"two")
            client.protocol.send_close(1000, "done")
            await client.flush()  # all three frames in one read on the server side
            assert await ws.get_message() == "one"
            with pytest.raises(ConnectionClosed):
                await ws.send_message("the connection is closing: no answer goes out")
            assert await ws.get_message() == "two"
            with pytest.raises(ConnectionClosed) as closed:
                await ws.get_message()
            assert closed.value.code == 1000

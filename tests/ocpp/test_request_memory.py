"""The upgrade request is not kept for the connection's life (issue 21: memory per idle
charger). ``websockets``' parser generator kept the parsed request as a local;
``forget_request`` swaps it for a fresh frame reader where that is exact, and frames still read
as before; a frame the client began right behind its request keeps the old parser. Nor are
the handshake gate's entry and a logging frame object kept by an idle session."""

from __future__ import annotations

import gc
import weakref
from collections import deque
from types import CoroutineType, FrameType

import trio
import trio.testing
from websockets.client import ClientProtocol
from websockets.frames import Frame, Opcode
from websockets.http11 import Request
from websockets.typing import Subprotocol
from websockets.uri import parse_uri

from capacitor_edge.transport.connection import ChargerConnection
from capacitor_edge.transport.handshake import Pending, forget_request
from capacitor_edge.transport.listener import OcppListener
from capacitor_edge.transport.websocket import WebSocket, read_upgrade_request
from tests.conftest import Appliance
from tests.ocpp.helpers import BOOT, call, charger_socket, register

LIMIT = 1000


def _client() -> ClientProtocol:
    return ClientProtocol(
        parse_uri("ws://127.0.0.1/ocpp/CP-1"), subprotocols=[Subprotocol("ocpp1.6")]
    )


async def test_the_request_is_freed_and_frames_still_read() -> None:
    with trio.fail_after(5):
        client_stream, server_stream = trio.testing.memory_stream_pair()
        client = _client()
        client.send_request(client.connect())
        await client_stream.send_all(b"".join(client.data_to_send()))
        request = await read_upgrade_request(server_stream, max_message_bytes=LIMIT)
        parsed = weakref.ref(request._request)
        ws = await request.accept("ocpp1.6")
        protocol = request.protocol
        del request
        client.receive_data(await client_stream.receive_some(65536))
        assert forget_request(protocol)
        gc.disable()  # freed by reference counting alone, not by a later collection
        try:
            assert parsed() is None
        finally:
            gc.enable()
        client.send_text(b'[2,"1","Heartbeat",{}]')
        client.send_frame(Frame(Opcode.PING, b"hi"))
        client.send_text(b'[2,"2","Heartbeat",{}]')
        await client_stream.send_all(b"".join(client.data_to_send()))
        assert await ws.get_message() == '[2,"1","Heartbeat",{}]'
        assert await ws.get_message() == '[2,"2","Heartbeat",{}]'
        client.receive_data(await client_stream.receive_some(65536))
        events = client.events_received()
        assert [(e.opcode, e.data) for e in events if isinstance(e, Frame)] == [
            (Opcode.PONG, b"hi")
        ]


async def test_a_frame_pipelined_behind_the_request_keeps_the_old_parser() -> None:
    with trio.fail_after(5):
        client_stream, server_stream = trio.testing.memory_stream_pair()
        client = _client()
        client.send_request(client.connect())
        head = b"".join(client.data_to_send())
        # A client may not send frames before the 101 (RFC 6455 §4.1), but bytes that arrive
        # together must not be lost: here the first 3 bytes of a masked text frame.
        client.state = client.state.OPEN
        client.send_text(b'[2,"1","Heartbeat",{}]')
        frame = b"".join(client.data_to_send())
        await client_stream.send_all(head + frame[:3])
        request = await read_upgrade_request(server_stream, max_message_bytes=LIMIT)
        ws = await request.accept("ocpp1.6")
        parser = request.protocol.parser
        assert not forget_request(request.protocol)
        assert request.protocol.parser is parser
        # The parser holds the frame's first bytes: the rest completes it.
        request.protocol.receive_data(frame[3:])
        events = request.protocol.events_received()
        assert [(e.opcode, e.data) for e in events if isinstance(e, Frame)] == [
            (Opcode.TEXT, b'[2,"1","Heartbeat",{}]')
        ]
        assert ws.closed is None


async def test_an_idle_session_holds_no_handshake_leftovers(appliance: Appliance) -> None:
    """While a charger sits connected, the server keeps neither its upgrade request, nor the
    handshake gate's entry, nor a frame object ``logging`` made for the session's coroutine."""
    with trio.fail_after(10):
        async with appliance.client() as api:
            await register(api, "CP-IDLE")
        async with charger_socket(appliance, "CP-IDLE") as ws:
            assert (await call(ws, "BootNotification", BOOT))[0] == 3
            gc.collect()
            alive = gc.get_objects()
            assert not [o for o in alive if isinstance(o, Request)]
            assert not [o for o in alive if isinstance(o, Pending)]
            session_frames = [
                o
                for o in alive
                if isinstance(o, FrameType) and o.f_code is OcppListener._run_session.__code__
            ]
            assert session_frames == []


async def test_an_idle_session_holds_no_last_message_or_empty_queue(appliance: Appliance) -> None:
    """Nor, while it waits for the next frame, the last message and its decoded event, an
    empty message deque (a 64-slot block each), or trio's wrapper task around the handler."""
    with trio.fail_after(10):
        async with appliance.client() as api:
            await register(api, "CP-IDLE")
        async with charger_socket(appliance, "CP-IDLE") as ws:
            assert (await call(ws, "BootNotification", BOOT))[0] == 3
            gc.collect()
            alive = gc.get_objects()
            sockets = [o for o in alive if isinstance(o, WebSocket)]
            assert len(sockets) == 1
            assert not [o for o in gc.get_referents(sockets[0]) if isinstance(o, deque)]
            loops = [
                o
                for o in alive
                if isinstance(o, CoroutineType) and o.cr_code is ChargerConnection.run.__code__
            ]
            assert len(loops) == 1
            assert loops[0].cr_frame is not None
            waiting = loops[0].cr_frame.f_locals
            assert waiting["message"] is None
            assert waiting["event"] is None
            assert not [
                o
                for o in alive
                if isinstance(o, CoroutineType) and o.cr_code.co_name == "_run_handler"
            ]
